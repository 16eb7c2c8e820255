// The conversations the mock created (`/v1/conversations`): each one's object and its items, oldest
// first, in the same bounded LRU as the responses (by count and by approximate size in characters,
// grown as items are added), so a long `mock-huge` conversation cannot pin gigabytes.
import type { JsonObject } from './json.js';
import { SizedStore, STORE_MAX_CHARS, STORE_MAX_ENTRIES } from './store.js';

export interface ConversationObject {
  id: string;
  object: 'conversation';
  created_at: number;
  metadata: unknown;
}

export interface StoredConversation {
  conversation: ConversationObject;
  /** every item, oldest first, each with its `id` */
  items: JsonObject[];
  /** approximate size in characters, for the bound */
  size: number;
}

/** Approximate size of some items in characters: their JSON length. */
export function itemsChars(items: readonly JsonObject[]): number {
  let chars = 0;
  for (const item of items) chars += JSON.stringify(item).length;
  return chars;
}

export class ConversationStore extends SizedStore<StoredConversation> {
  constructor(maxEntries = STORE_MAX_ENTRIES, maxChars = STORE_MAX_CHARS) {
    super((entry) => entry.conversation.id, maxEntries, maxChars);
  }

  /** Appends items to a kept conversation; false when `id` is not kept (unknown, deleted or evicted). */
  append(id: string, items: readonly JsonObject[]): boolean {
    const entry = this.get(id);
    if (entry === undefined) return false;
    for (const item of items) entry.items.push(item);
    return this.grow(id, itemsChars(items));
  }

  /** Removes one item; false when the conversation or the item is not there. */
  removeItem(id: string, itemId: string): boolean {
    const entry = this.get(id);
    if (entry === undefined) return false;
    const at = entry.items.findIndex((item) => item.id === itemId);
    if (at < 0) return false;
    const [removed] = entry.items.splice(at, 1);
    if (removed !== undefined) this.grow(id, -itemsChars([removed]));
    return true;
  }
}
