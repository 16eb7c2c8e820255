// The responses the mock created, for the `/v1/responses/{id}` sub-routes: an in-memory LRU bounded
// by entry count and by approximate size in characters, so `mock-huge` cannot pin gigabytes. The
// same bounded LRU (`SizedStore`) keeps the conversations (conversation-store.ts).
import type { JsonObject } from './json.js';
import type { ResponseObject } from './response-object.js';

export interface StoredResponse {
  response: ResponseObject;
  /** the request's input as list items (message items with ids) */
  inputItems: JsonObject[];
  /** whether the create asked for `obfuscation` on deltas (replays do the same) */
  obfuscate: boolean;
  /** approximate size in characters, for the bound */
  size: number;
}

export const STORE_MAX_ENTRIES = 1000;
export const STORE_MAX_CHARS = 64 * 1024 * 1024;

/** An LRU of entries with an approximate size, bounded by count and by total size. */
export class SizedStore<T extends { size: number }> {
  private readonly entries = new Map<string, T>();
  private chars = 0;

  constructor(
    private readonly idOf: (entry: T) => string,
    private readonly maxEntries: number,
    private readonly maxChars: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Looks an id up and marks it most recently used. */
  get(id: string): T | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry;
  }

  /** Stores an entry (one bigger than the whole bound is not kept) and evicts the oldest. */
  put(entry: T): void {
    if (entry.size > this.maxChars) return;
    const id = this.idOf(entry);
    this.delete(id);
    this.entries.set(id, entry);
    this.chars += entry.size;
    this.evict();
  }

  /**
   * Adds `chars` to a kept entry's size (after its owner grew it), marks it most recently used and
   * evicts the oldest; an entry grown past the whole bound is dropped. False when `id` is not kept.
   */
  grow(id: string, chars: number): boolean {
    const entry = this.get(id);
    if (entry === undefined) return false;
    entry.size += chars;
    this.chars += chars;
    if (entry.size > this.maxChars) this.delete(id);
    this.evict();
    return true;
  }

  delete(id: string): boolean {
    const entry = this.entries.get(id);
    if (entry === undefined) return false;
    this.entries.delete(id);
    this.chars -= entry.size;
    return true;
  }

  private evict(): void {
    for (const [id, old] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.entries.delete(id);
      this.chars -= old.size;
    }
  }
}

export class ResponseStore extends SizedStore<StoredResponse> {
  constructor(maxEntries = STORE_MAX_ENTRIES, maxChars = STORE_MAX_CHARS) {
    super((entry) => entry.response.id, maxEntries, maxChars);
  }
}
