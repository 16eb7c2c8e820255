// Cuts a held SSE body into its raw frame blocks (each ending with its blank line) so frames can
// be read with the shared SseFrameParser and the untouched ones re-emitted byte for byte; a
// rewritten frame keeps its other lines (event:, id:, comments) and gets one new data: line.
import { SseFrameParser, type SseFrame } from '../sse/frame-parser.js';

const LF = 10;
const CR = 13;

/** Splits at blank lines (`\n`, `\r\n` or `\r` endings); the blocks concatenate to `buf`. */
export function splitSseBlocks(buf: Buffer): Buffer[] {
  const blocks: Buffer[] = [];
  let start = 0;
  let lineStart = 0;
  let i = 0;
  while (i < buf.length) {
    const c = buf[i];
    if (c !== LF && c !== CR) {
      i++;
      continue;
    }
    const blank = i === lineStart;
    i += c === CR && buf[i + 1] === LF ? 2 : 1;
    lineStart = i;
    if (blank) {
      blocks.push(buf.subarray(start, i));
      start = i;
    }
  }
  if (start < buf.length) blocks.push(buf.subarray(start));
  return blocks;
}

/** The frame each block carries (null for comment-only or blank blocks). `end()` after each
 *  block: one ending in `\r` would otherwise leave its frame pending until the next block. */
export function parseBlocks(blocks: readonly Buffer[]): (SseFrame | null)[] {
  const frames: (SseFrame | null)[] = new Array<SseFrame | null>(blocks.length).fill(null);
  let current = 0;
  const parser = new SseFrameParser((frame) => {
    frames[current] = frame;
  });
  for (; current < blocks.length; current++) {
    parser.push(blocks[current] as Buffer);
    parser.end();
  }
  return frames;
}

/** The block with its data: lines replaced by a single `data: <data>` line. */
export function rewriteBlock(block: Buffer, data: string): Buffer {
  const lines = block.toString('utf8').split(/\r\n|\r|\n/);
  const kept: string[] = [];
  let placed = false;
  for (const line of lines) {
    if (line.length === 0) continue;
    const isData = line === 'data' || line.startsWith('data:');
    if (!isData) kept.push(line);
    else if (!placed) {
      kept.push(`data: ${data}`);
      placed = true;
    }
  }
  return Buffer.from(`${kept.join('\n')}\n\n`, 'utf8');
}
