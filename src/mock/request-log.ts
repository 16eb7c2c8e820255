// The in-memory log of requests the mock received: a ring buffer of the last 10,000, so a
// benchmark run cannot grow it without bound, each entry with its headers as received. Streamed
// (`/mock-passthrough/*`) bodies are kept up to 64 KiB plus their byte count. Nothing goes to disk.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { parseJson } from './json.js';
import type { RecordedRequest } from './types.js';

export const REQUEST_LOG_LIMIT = 10_000;
/** how much of a streamed body an entry keeps */
export const LOGGED_BODY_LIMIT = 64 * 1024;

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

/** Node's flat `rawHeaders` (`name, value, name, value…`) as pairs, order and case kept. */
export function headerPairs(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] ?? '', raw[i + 1] ?? '']);
  return pairs;
}

/** The log entry of `req`, whose body (if any) is already read. */
export function entryFor(req: IncomingMessage, arrival: number, body: string, json: unknown): RecordedRequest {
  return {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: flatHeaders(req.headers),
    rawHeaders: headerPairs(req.rawHeaders),
    body,
    json,
    time: arrival,
  };
}

/**
 * A streamed body's record in its (already logged) entry: `bodyBytes` grows with every chunk,
 * `body` (the first LOGGED_BODY_LIMIT bytes as UTF-8) and `json` are set when the body ends.
 */
export class StreamedBody {
  private readonly head: Buffer[] = [];
  private kept = 0;

  constructor(private readonly entry: RecordedRequest) {
    entry.bodyBytes = 0;
    entry.bodyTruncated = false;
  }

  add(chunk: Buffer): void {
    this.entry.bodyBytes = (this.entry.bodyBytes ?? 0) + chunk.length;
    if (this.kept >= LOGGED_BODY_LIMIT) {
      this.entry.bodyTruncated = true;
      return;
    }
    const room = LOGGED_BODY_LIMIT - this.kept;
    if (chunk.length > room) this.entry.bodyTruncated = true;
    const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.head.push(Buffer.from(piece)); // a copy, so the socket chunk is not pinned
    this.kept += piece.length;
  }

  end(): void {
    this.entry.body = Buffer.concat(this.head).toString();
    this.entry.json = this.entry.bodyTruncated === true ? undefined : parseJson(this.entry.body);
  }
}
