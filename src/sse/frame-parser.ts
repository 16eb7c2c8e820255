// Incremental Server-Sent Events frame parser: bytes in, `{event, data}` frames out. It never
// re-encodes anything (the relay forwards the original bytes); it only reads. It works on bytes
// with native searches and decodes a frame's data only when a reader asks for it, because the
// live relay looks at most frames only by their event name (each distinct name is decoded once).
// Handles `\n`, `\r\n` and `\r` line endings, `data:`-only frames, comments, frames split at any
// byte (multi-byte characters too) and frames of hundreds of KB (an incomplete line is kept as a
// list of pieces, never re-copied).

export interface SseFrame {
  /** the `event:` field, or null for `data:`-only frames */
  readonly event: string | null;
  /** the `data:` lines joined with `\n` (decoded on first read) */
  readonly data: string;
}

export type FrameHandler = (frame: SseFrame) => void;

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;
const NEWLINE = Buffer.from('\n');
const NO_PARTS: readonly Buffer[] = [];
/**
 * Event names decoded so far, with their bytes (the first 64 distinct ones, shared by all streams):
 * the protocols have a few dozen, so most `event:` lines decode nothing.
 */
const NAME_CACHE = 64;
const names: { bytes: Buffer; name: string }[] = [];

class LazyFrame implements SseFrame {
  private text: string | null = null;

  constructor(
    readonly event: string | null,
    /** the first `data:` line's bytes, and the later ones (most frames have a single line) */
    private readonly first: Buffer,
    private readonly rest: readonly Buffer[],
  ) {}

  get data(): string {
    if (this.text === null) {
      if (this.rest.length === 0) this.text = this.first.toString('utf8');
      else this.text = Buffer.concat([this.first, ...this.rest.flatMap((p) => [NEWLINE, p])]).toString('utf8');
    }
    return this.text;
  }
}

function startsWith(buf: Buffer, start: number, end: number, field: string): boolean {
  if (end - start < field.length) return false;
  for (let i = 0; i < field.length; i++) if (buf[start + i] !== field.charCodeAt(i)) return false;
  return true;
}

/** The event name in `buf[start, end)`, decoded once per distinct name. */
function eventName(buf: Buffer, start: number, end: number): string {
  if (start >= end) return '';
  const length = end - start;
  for (const known of names) {
    const bytes = known.bytes;
    if (bytes.length !== length) continue;
    let i = 0;
    while (i < length && bytes[i] === buf[start + i]) i++;
    if (i === length) return known.name;
  }
  const name = buf.toString('utf8', start, end);
  if (names.length < NAME_CACHE) names.push({ bytes: Buffer.from(buf.subarray(start, end)), name });
  return name;
}

export class SseFrameParser {
  /** pieces of a line whose terminator has not arrived yet */
  private pending: Buffer[] = [];
  /** the previous chunk ended in `\r`: a `\n` opening the next one belongs to it */
  private skipLf = false;
  private event: string | null = null;
  private first: Buffer | null = null;
  private rest: Buffer[] | null = null;

  constructor(private readonly onFrame: FrameHandler) {}

  /** Feeds one chunk; calls the handler for every frame it completes. */
  push(chunk: Buffer | string): void {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.skipLf) {
      this.skipLf = false;
      if (buf[0] === LF) buf = buf.subarray(1);
    }
    let start = 0;
    let cr = buf.indexOf(CR);
    let lf = buf.indexOf(LF);
    while (cr >= 0 || lf >= 0) {
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      if (this.pending.length === 0) this.line(buf, start, end);
      else this.line(this.takeLine(buf.subarray(start, end)));
      start = end + 1;
      if (end === cr) {
        if (start === buf.length) this.skipLf = true;
        else if (buf[start] === LF) start++;
        cr = buf.indexOf(CR, start);
      }
      if (lf >= 0 && lf < start) lf = buf.indexOf(LF, start);
    }
    if (start < buf.length) this.pending.push(buf.subarray(start));
  }

  /** The stream ended: a frame left without its blank line is still delivered. */
  end(): void {
    if (this.pending.length > 0) this.line(this.takeLine(Buffer.alloc(0)));
    this.dispatch();
  }

  private takeLine(tail: Buffer): Buffer {
    const line = Buffer.concat([...this.pending, tail]);
    this.pending = [];
    return line;
  }

  /** One line, `buf[start, end)` (no terminator). */
  private line(buf: Buffer, start = 0, end = buf.length): void {
    if (start === end) return this.dispatch();
    if (buf[start] === COLON) return; // comment / heartbeat
    if (startsWith(buf, start, end, 'data')) {
      if (end - start === 4) this.addData(buf.subarray(end, end));
      else if (buf[start + 4] === COLON) this.addData(buf.subarray(start + (buf[start + 5] === SPACE ? 6 : 5), end));
    } else if (startsWith(buf, start, end, 'event') && (end - start === 5 || buf[start + 5] === COLON)) {
      this.event = eventName(buf, start + (buf[start + 6] === SPACE ? 7 : 6), end);
    }
  }

  private addData(part: Buffer): void {
    if (this.first === null) this.first = part;
    else (this.rest ??= []).push(part);
  }

  private dispatch(): void {
    if (this.first !== null) this.onFrame(new LazyFrame(this.event, this.first, this.rest ?? NO_PARTS));
    this.event = null;
    this.first = null;
    this.rest = null;
  }
}
