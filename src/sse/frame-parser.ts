// Incremental Server-Sent Events frame parser: bytes in, `{event, data}` frames out. It never
// re-encodes anything (the relay forwards the original bytes); it only reads. Handles `\n`,
// `\r\n` and `\r` line endings, `data:`-only frames, comments, frames split at any byte and
// frames of hundreds of KB (the scan resumes where it stopped instead of restarting).
import { StringDecoder } from 'node:string_decoder';

export interface SseFrame {
  /** the `event:` field, or null for `data:`-only frames */
  event: string | null;
  /** the `data:` lines joined with `\n` */
  data: string;
}

export type FrameHandler = (frame: SseFrame) => void;

export class SseFrameParser {
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';
  private scanFrom = 0;
  private event: string | null = null;
  private data: string[] = [];

  constructor(private readonly onFrame: FrameHandler) {}

  /** Feeds one chunk; calls the handler for every frame it completes. */
  push(chunk: Buffer | string): void {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    this.drainLines();
  }

  /** The stream ended: a frame left without its blank line is still delivered. */
  end(): void {
    this.buffer += this.decoder.end();
    if (this.buffer.length > 0) {
      this.handleLine(this.buffer.endsWith('\r') ? this.buffer.slice(0, -1) : this.buffer);
      this.buffer = '';
      this.scanFrom = 0;
    }
    this.dispatch();
  }

  private drainLines(): void {
    let start = 0;
    let i = this.scanFrom;
    const buf = this.buffer;
    const len = buf.length;
    while (i < len) {
      const code = buf.charCodeAt(i);
      if (code !== 10 && code !== 13) {
        i++;
        continue;
      }
      if (code === 13 && i + 1 === len) break; // a lone \r at the end may be half of \r\n
      this.handleLine(buf.slice(start, i));
      i += code === 13 && buf.charCodeAt(i + 1) === 10 ? 2 : 1;
      start = i;
    }
    this.buffer = start === 0 ? buf : buf.slice(start);
    this.scanFrom = i - start;
  }

  private handleLine(line: string): void {
    if (line.length === 0) return this.dispatch();
    if (line.charCodeAt(0) === 58) return; // ":" comment / heartbeat
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
  }

  private dispatch(): void {
    if (this.data.length > 0) {
      const data = this.data.length === 1 ? (this.data[0] as string) : this.data.join('\n');
      this.onFrame({ event: this.event, data });
    }
    this.event = null;
    this.data = [];
  }
}
