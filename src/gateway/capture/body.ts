// A captured body (DESIGN.md §13): the bytes of one request or response body as they pass — the
// first ones held, all of them counted — then turned into a CapturedBody: loaded secrets replaced by
// `[REDACTED]`, cut at `proxy.capture_max_bytes` (on a character boundary) with `truncated` and the
// whole size in `bytes`; text when it is UTF-8, else base64. A little more than the cap is held, so
// that a key straddling the cut is still found whole and redacted before the cut.
import { isUtf8 } from 'node:buffer';
import type { Config } from '../../config/types.js';
import type { CapturedBody } from '../../events/capture.js';
import { MAX_SECRET, redactSecrets } from '../secrets/search.js';

/** held beyond the cap: longer than any key, so a key across the cut is redacted whole */
const SLACK_BYTES = MAX_SECRET;

export class BodyTap {
  private readonly chunks: Buffer[] = [];
  private held = 0;
  /** every byte that passed */
  total = 0;
  private readonly room: number;

  constructor(readonly maxBytes: number) {
    this.room = maxBytes + SLACK_BYTES;
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.held >= this.room || chunk.length === 0) return;
    const part = chunk.length > this.room - this.held ? chunk.subarray(0, this.room - this.held) : chunk;
    this.chunks.push(part);
    this.held += part.length;
  }

  /** the body as captured, or null when no byte passed */
  captured(config: Config): CapturedBody | null {
    if (this.total === 0) return null;
    return capturedBody(this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.held), this.total, this.maxBytes, config);
  }
}

/** A whole body's bytes (or its first ones, `total` being the whole size) as a CapturedBody. */
export function capturedBody(held: Buffer, total: number, maxBytes: number, config: Config): CapturedBody {
  const truncated = total > maxBytes;
  const start = truncated ? wholeCharacters(held) : held;
  if (isUtf8(start)) {
    const text = redactSecrets(start.toString('utf8'), config);
    if (!truncated) return { text, encoding: 'utf8', bytes: total, truncated };
    return { text: wholeCharacters(Buffer.from(text).subarray(0, maxBytes)).toString('utf8'), encoding: 'utf8', bytes: total, truncated };
  }
  // not text: keys are ASCII, so they are found (and replaced) in the latin1 reading of the bytes
  const bytes = Buffer.from(redactSecrets(held.toString('latin1'), config), 'latin1');
  return { text: (truncated ? bytes.subarray(0, maxBytes) : bytes).toString('base64'), encoding: 'base64', bytes: total, truncated };
}

/** The bytes without a UTF-8 sequence left incomplete at their end (a cut mid-character). */
function wholeCharacters(buf: Buffer): Buffer {
  const n = buf.length;
  for (let back = 1; back <= Math.min(4, n); back++) {
    const byte = buf[n - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? buf.subarray(0, n - back) : buf;
  }
  return buf;
}
