// Id generation for everything the mock mints (`resp_…`, `msg_…`, `req_…`, `chatcmpl-…`, …):
// a random per-process prefix plus a counter, so ids are unique and cost no crypto per request.
import { randomBytes } from 'node:crypto';

const PROCESS_PREFIX = randomBytes(8).toString('hex');
let counter = 0;

/** e.g. newId('resp_') → `resp_3f9a…0000001a` (48 hex digits after the prefix, like OpenAI's). */
export function newId(prefix: string): string {
  counter += 1;
  return prefix + PROCESS_PREFIX + counter.toString(16).padStart(32, '0');
}

/** Unix seconds, as OpenAI's `created_at` / `created`. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
