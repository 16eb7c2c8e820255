// Request bodies: read within the configured limit, scanned as a JSON object (body/request-body.ts:
// nothing is parsed that no stage reads), and refused when the route's protocol cannot take them
// (400). A body over the limit is answered 413 only after the rest has been read and dropped —
// bounded in bytes and time — so the client, still sending, reads the 413 instead of a reset (EPIPE).
import type { IncomingMessage } from 'node:http';
import { RequestBody } from '../body/request-body.js';
import { GatewayError } from '../errors.js';
import type { RequestContext } from '../routes/context.js';

/** At most this much of an oversized body is read and dropped before answering 413, for so long. */
export const DRAIN_BYTES = 64 * 1024 * 1024;
const DRAIN_MS = 500;
/** Bodies declared larger than this are copied into one Buffer as they arrive. */
const PREALLOCATE = 64 * 1024;

export function tooLarge(limit: number): GatewayError {
  return new GatewayError('body_too_large', `request body exceeds ${limit}-byte limit`);
}

/**
 * Reads and drops the rest of a request body, then calls `done` once: at once when the body is
 * already in or declared larger than the drain allows, else after its end, DRAIN_BYTES or DRAIN_MS
 * (and never later than half the request timeout, so the 413 comes before a 408 could).
 */
export function drainThen(req: IncomingMessage, requestTimeoutMs: number, done: () => void): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (req.readableEnded || req.destroyed || declared > DRAIN_BYTES) return done();
  let dropped = 0;
  let called = false;
  const finish = (): void => {
    if (called) return;
    called = true;
    clearTimeout(timer);
    req.off('data', onData);
    done();
  };
  const onData = (chunk: Buffer): void => {
    dropped += chunk.length;
    if (dropped > DRAIN_BYTES) finish();
  };
  const timer = setTimeout(finish, requestTimeoutMs > 0 ? Math.min(DRAIN_MS, requestTimeoutMs / 2) : DRAIN_MS);
  req.on('data', onData);
  req.once('end', finish);
  req.once('close', finish);
  req.resume();
}

/**
 * The body as one Buffer. With a declared content-length within the limit, each chunk is copied
 * into a Buffer of that size as it arrives (while it is still in cache; the chunks are freed at
 * once); otherwise, and when the sender's length was wrong, the chunks are joined at the end.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? -1);
    let into = Number.isInteger(declared) && declared > PREALLOCATE && (limit <= 0 || declared <= limit) ? Buffer.allocUnsafe(declared) : null;
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      if (into !== null && size + chunk.length <= into.length) {
        into.set(chunk, size);
        size += chunk.length;
        return;
      }
      if (into !== null) {
        chunks.push(into.subarray(0, size)); // more than declared: Node's parser forbids it, but never trust one path
        into = null;
      }
      size += chunk.length;
      if (limit > 0 && size > limit) {
        req.off('data', onData);
        reject(tooLarge(limit)); // the error relay drains the rest before answering
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (into !== null) resolve(size === into.length ? into : into.subarray(0, size));
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    });
    req.once('error', reject);
    req.once('aborted', () => reject(new Error('client aborted the request body')));
  });
}

/** The model-route body stage: read and scan (or take a WebSocket turn's frame), `model` a string, the protocol's own 400s. */
export async function readModelBody(ctx: RequestContext): Promise<void> {
  const protocol = ctx.row.protocol;
  if (protocol === null) throw new GatewayError('internal', `route ${ctx.row.name} has no protocol`);
  // a WebSocket turn's frame was read by its session
  if (ctx.body === null) {
    const raw = await readBody(ctx.req, ctx.runtime.config.proxy.requestBodyLimitBytes);
    ctx.rawBody = raw;
    ctx.body = RequestBody.read(raw);
  }
  const body = ctx.body;
  const model = protocol.model(body);
  if (model === undefined || model === null) throw new GatewayError('bad_request', 'request payload is invalid: `model` field missing', { param: 'model' });
  if (typeof model !== 'string') throw new GatewayError('bad_request', 'request payload is invalid: `model` must be a string', { param: 'model' });
  const invalid = protocol.invalidRequest(body);
  if (invalid !== null) throw new GatewayError('bad_request', invalid);
  // a WebSocket turn is always a stream of events
  ctx.record.stream = ctx.row.streams && (ctx.client.transport === 'websocket' || protocol.isStream(body));
}
