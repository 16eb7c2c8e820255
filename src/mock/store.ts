// The responses the mock created, for the `/v1/responses/{id}` sub-routes: an in-memory LRU bounded
// by entry count and by approximate size in characters, so `mock-huge` cannot pin gigabytes.
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

export class ResponseStore {
  private readonly entries = new Map<string, StoredResponse>();
  private chars = 0;

  constructor(
    private readonly maxEntries = STORE_MAX_ENTRIES,
    private readonly maxChars = STORE_MAX_CHARS,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Looks an id up and marks it most recently used. */
  get(id: string): StoredResponse | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry;
  }

  /** Stores an entry (one bigger than the whole bound is not kept) and evicts the oldest. */
  put(entry: StoredResponse): void {
    if (entry.size > this.maxChars) return;
    this.delete(entry.response.id);
    this.entries.set(entry.response.id, entry);
    this.chars += entry.size;
    for (const [id, old] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.entries.delete(id);
      this.chars -= old.size;
    }
  }

  delete(id: string): boolean {
    const entry = this.entries.get(id);
    if (entry === undefined) return false;
    this.entries.delete(id);
    this.chars -= entry.size;
    return true;
  }
}
