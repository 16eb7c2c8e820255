// The in-memory log of requests the mock received: a ring buffer of the last 10,000, so a
// benchmark run cannot grow it without bound. Nothing is written to disk.
import type { IncomingHttpHeaders } from 'node:http';
import type { RecordedRequest } from './types.js';

export const REQUEST_LOG_LIMIT = 10_000;

export class RequestLog {
  private items: RecordedRequest[] = [];
  /** index of the oldest entry once the buffer is full */
  private head = 0;

  constructor(private readonly limit = REQUEST_LOG_LIMIT) {}

  add(entry: RecordedRequest): void {
    if (this.items.length < this.limit) {
      this.items.push(entry);
      return;
    }
    this.items[this.head] = entry;
    this.head = (this.head + 1) % this.limit;
  }

  /** Oldest first. */
  list(): RecordedRequest[] {
    if (this.head === 0) return this.items.slice();
    return this.items.slice(this.head).concat(this.items.slice(0, this.head));
  }

  clear(): number {
    const count = this.items.length;
    this.items = [];
    this.head = 0;
    return count;
  }

  get size(): number {
    return this.items.length;
  }
}

/** Node already lower-cases names; repeated headers (arrays) are joined with ", ". */
export function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) flat[name] = typeof value === 'string' ? value : value.join(', ');
  }
  return flat;
}
