// Where SSE events end in a byte stream, chunk by chunk: the offset just past the blank line that
// closes each event (any line endings, events split across chunks at any byte). Blocks of comments
// only (`: ping`) are not events. Used where the proxy must act after exactly N events (injected
// faults); the relays themselves never need byte offsets.

const LF = 10;
const CR = 13;
const COLON = 58;

export class EventEnds {
  /** the current line has had a character */
  private lineHasText = false;
  /** the current line's first character */
  private lineFirst = -1;
  /** the block so far has a line that is not a comment */
  private blockHasField = false;
  /** the previous byte was `\r`: a `\n` right after it ends the same line */
  private afterCr = false;

  /** The offsets in `chunk` just past each event that ends in it, in order. */
  feed(chunk: Buffer): number[] {
    const ends: number[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (byte === LF && this.afterCr) {
        this.afterCr = false;
        if (ends.length > 0 && ends[ends.length - 1] === i) ends[ends.length - 1] = i + 1; // `\r\n` closed the event
        continue;
      }
      this.afterCr = byte === CR;
      if (byte === LF || byte === CR) {
        if (this.lineHasText) {
          if (this.lineFirst !== COLON) this.blockHasField = true;
        } else if (this.blockHasField) {
          ends.push(i + 1);
          this.blockHasField = false;
        }
        this.lineHasText = false;
        this.lineFirst = -1;
        continue;
      }
      if (!this.lineHasText) {
        this.lineHasText = true;
        this.lineFirst = byte;
      }
    }
    return ends;
  }
}
