// SSE framing and writing: `event:` + `data:` frames (or data-only, or CRLF), written in one go on
// the fast path, or frame by frame when the behaviour paces, cuts, stalls or writes byte by byte.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Framing } from './behaviours.js';
import { drained, isGone, sleep } from './reply.js';

export interface Frame {
  text: string;
  /** a `*.delta` event or a chat content chunk: paced by `mock-slow`, counted by cut/stall */
  delta: boolean;
}

/** How a stream ends: normally, by dropping the socket, or by going silent with it open. */
export type StreamEnd = 'close' | 'destroy' | 'stall';

export interface WriteOptions {
  deltaDelayMs: number;
  bytewise: boolean;
  end: StreamEnd;
}

/** One frame; `event` undefined (or data-only framing) writes no `event:` line. */
export function encodeFrame(event: string | undefined, data: string, framing: Framing, delta: boolean): Frame {
  if (framing === 'crlf') {
    return { text: event === undefined ? 'data: ' + data + '\r\n\r\n' : 'event: ' + event + '\r\ndata: ' + data + '\r\n\r\n', delta };
  }
  if (event === undefined || framing === 'data-only') return { text: 'data: ' + data + '\n\n', delta };
  return { text: 'event: ' + event + '\ndata: ' + data + '\n\n', delta };
}

function joinFrames(frames: readonly Frame[]): string {
  let text = '';
  for (const frame of frames) text += frame.text;
  return text;
}

/** Sends what was written, then FIN with the chunked body unfinished: no terminal frame. */
function cutAfterFlush(res: ServerResponse): void {
  const socket = res.socket;
  if (socket !== null) socket.end(() => socket.destroy());
}

function finish(res: ServerResponse, end: StreamEnd): void {
  if (end === 'close') res.end();
  else if (end === 'destroy') cutAfterFlush(res);
  // 'stall': leave the socket open and silent
}

const FAST_PATH_LIMIT = 1024 * 1024;

/** Writes a 200 SSE reply: headers go out at once, then the frames as `options` says. */
export async function writeSse(res: ServerResponse, headers: OutgoingHttpHeaders, frames: readonly Frame[], options: WriteOptions): Promise<void> {
  res.writeHead(200, headers);
  if (options.bytewise) return writeBytewise(res, frames, options.end);
  if (options.deltaDelayMs === 0) {
    const text = joinFrames(frames);
    if (text.length <= FAST_PATH_LIMIT) {
      res.write(text);
      return finish(res, options.end);
    }
  }
  res.flushHeaders();
  let deltas = 0;
  for (const frame of frames) {
    if (frame.delta && deltas++ > 0 && options.deltaDelayMs > 0 && !(await sleep(res, options.deltaDelayMs))) return;
    if (isGone(res)) return;
    if (!res.write(frame.text) && !(await drained(res))) return;
  }
  finish(res, options.end);
}

/** One byte per write, each write in its own event-loop turn, so frames split at every byte. */
async function writeBytewise(res: ServerResponse, frames: readonly Frame[], end: StreamEnd): Promise<void> {
  res.flushHeaders();
  const bytes = Buffer.from(joinFrames(frames));
  for (let i = 0; i < bytes.length; i++) {
    await nextTurn();
    if (isGone(res)) return;
    if (!res.write(bytes.subarray(i, i + 1)) && !(await drained(res))) return;
  }
  finish(res, end);
}
