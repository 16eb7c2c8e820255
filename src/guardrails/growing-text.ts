// An append-only text for window mode (window-scan.ts): a stream's text grows by a few characters a
// frame, and the scan reads only its last stretch, so appending and slicing near the end cost what
// they touch, not the length so far (a `+=` string is flattened whole by the next slice or regex).
const CHUNK = 2048;

export class GrowingText {
  /** full chunks, and where each starts */
  private readonly chunks: string[] = [];
  private readonly starts: number[] = [];
  /** the chunk being filled, from `tailStart` */
  private tail = '';
  private tailStart = 0;

  constructor(text = '') {
    this.append(text);
  }

  get length(): number {
    return this.tailStart + this.tail.length;
  }

  append(text: string): void {
    if (text.length === 0) return;
    this.tail += text;
    if (this.tail.length < CHUNK) return;
    this.chunks.push(this.tail);
    this.starts.push(this.tailStart);
    this.tailStart += this.tail.length;
    this.tail = '';
  }

  slice(from: number, to: number = this.length): string {
    const end = Math.min(to, this.length);
    const start = Math.max(0, from);
    if (start >= end) return '';
    if (start >= this.tailStart) return this.tail.slice(start - this.tailStart, end - this.tailStart);
    const parts: string[] = [];
    for (let i = this.chunkAt(start); i < this.chunks.length; i++) {
      const at = this.starts[i] as number;
      if (at >= end) break;
      parts.push((this.chunks[i] as string).slice(Math.max(0, start - at), end - at));
    }
    if (end > this.tailStart) parts.push(this.tail.slice(0, end - this.tailStart));
    return parts.length === 1 ? (parts[0] as string) : parts.join('');
  }

  charCodeAt(i: number): number {
    return this.slice(i, i + 1).charCodeAt(0);
  }

  /** The full chunk holding position `at` (binary search over their starts). */
  private chunkAt(at: number): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
