// The capture's one tap on what the client gets (DESIGN.md §13): an HTTP response's write/end
// wrapped once, when the request starts, so every relay's bytes pass through a BodyTap untouched;
// a client WebSocket's send wrapped once per socket, handing each frame sent to the turn under way
// (a session runs one turn at a time). Nothing is wrapped while capture is off.
import type { ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import type { BodyTap } from './body.js';

type Writer = (...args: unknown[]) => unknown;

/** The bytes of a write's or an end's chunk argument, or null (none, or a callback). */
function chunkBytes(chunk: unknown, encoding: unknown): Buffer | null {
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return null;
}

/** Every body byte written to `res` also goes to `tap`. */
export function teeResponse(res: ServerResponse, tap: BodyTap): void {
  const write = res.write as Writer;
  const end = res.end as Writer;
  res.write = function (this: ServerResponse, ...args: unknown[]) {
    const bytes = chunkBytes(args[0], args[1]);
    if (bytes !== null) tap.push(bytes);
    return Reflect.apply(write, this, args);
  } as ServerResponse['write'];
  res.end = function (this: ServerResponse, ...args: unknown[]) {
    const bytes = chunkBytes(args[0], args[1]);
    if (bytes !== null) tap.push(bytes);
    return Reflect.apply(end, this, args);
  } as ServerResponse['end'];
}

interface FrameSlot {
  sink: ((frame: Buffer) => void) | null;
}

const slots = new WeakMap<WebSocket, FrameSlot>();

/** Hands every frame sent on `socket` to `sink` until the returned function is called. */
export function teeFrames(socket: WebSocket, sink: (frame: Buffer) => void): () => void {
  let slot = slots.get(socket);
  if (slot === undefined) {
    const created: FrameSlot = { sink: null };
    const send = socket.send as Writer;
    socket.send = function (this: WebSocket, ...args: unknown[]) {
      const bytes = created.sink === null ? null : chunkBytes(args[0], undefined);
      if (bytes !== null) created.sink?.(bytes);
      return Reflect.apply(send, this, args);
    } as WebSocket['send'];
    slots.set(socket, created);
    slot = created;
  }
  const taken = slot;
  taken.sink = sink;
  return () => {
    if (taken.sink === sink) taken.sink = null;
  };
}
