// Incremental Server-Sent Events frame parser: bytes in, `{event, data}` frames out. It never
// re-encodes anything (the relay forwards the original bytes); it only reads. It works on bytes
// with native searches and decodes a frame's data only when a reader asks for it, because the
// live relay looks at most frames only by their event name. Handles `\n`, `\r\n` and `\r` line
// endings, `data:`-only frames, comments, frames split at any byte (multi-byte characters too)
// and frames of hundreds of KB (an incomplete line is kept as a list of pieces, never re-copied).

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

class LazyFrame implements SseFrame {
  private text: string | null = null;

  constructor(
    readonly event: string | null,
    private readonly parts: Buffer[],
  ) {}

  get data(): string {
    if (this.text === null) {
      const parts = this.parts;
      if (parts.length === 1) this.text = (parts[0] as Buffer).toString('utf8');
      else this.text = Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [NEWLINE, p]))).toString('utf8');
    }
    return this.text;
  }
}

function startsWith(line: Buffer, field: string): boolean {
  if (line.length < field.length) return false;
  for (let i = 0; i < field.length; i++) if (line[i] !== field.charCodeAt(i)) return false;
  return true;
}

export class SseFrameParser {
  /** pieces of a line whose terminator has not arrived yet */
  private pending: Buffer[] = [];
  /** the previous chunk ended in `\r`: a `\n` opening the next one belongs to it */
  private skipLf = false;
  private event: string | null = null;
  private data: Buffer[] = [];

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
      this.line(this.takeLine(buf.subarray(start, end)));
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
    if (this.pending.length === 0) return tail;
    const line = Buffer.concat([...this.pending, tail]);
    this.pending = [];
    return line;
  }

  private line(line: Buffer): void {
    if (line.length === 0) return this.dispatch();
    if (line[0] === COLON) return; // comment / heartbeat
    if (startsWith(line, 'data')) {
      if (line.length === 4) this.data.push(line.subarray(4));
      else if (line[4] === COLON) this.data.push(line.subarray(line[5] === SPACE ? 6 : 5));
    } else if (startsWith(line, 'event') && (line.length === 5 || line[5] === COLON)) {
      this.event = line.toString('utf8', line[6] === SPACE ? 7 : 6);
    }
  }

  private dispatch(): void {
    if (this.data.length > 0) this.onFrame(new LazyFrame(this.event, this.data));
    this.event = null;
    this.data = [];
  }
}
