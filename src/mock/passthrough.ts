// `/mock-passthrough/*`, the routes for testing a proxy's plain relay. Any method echoes the body
// back while it streams in (chunked, never held whole); `GET sse` streams `data: {"n":i}` frames;
// `status/<code>` answers that status. The server hands these over before reading the body: each is
// logged on arrival with its headers as received, its body recorded as it streams (request-log.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { admit } from './access.js';
import type { Exchange, IncomingExchange, MockState } from './context.js';
import { invalidParameter, SERVER_ERROR } from './errors.js';
import { toJson } from './json-style.js';
import { drained, dropConnection, JSON_TYPE, replyHeaders, sendJson, SSE_TYPE } from './reply.js';
import { entryFor, StreamedBody } from './request-log.js';
import type { StreamedRoute } from './router.js';
import { encodeFrame, writeSse, type Frame } from './sse.js';

export const ECHO_METHOD_HEADER = 'x-mock-echo-method';
export const ECHO_PATH_HEADER = 'x-mock-echo-path';
const OCTET_STREAM = 'application/octet-stream';

export const DEFAULT_SSE_EVENTS = 3;
export const MAX_SSE_EVENTS = 100_000;
export const MAX_SSE_DELAY_MS = 60_000;

/** Statuses whose answer has no body. */
const NO_BODY = new Set([204, 205, 304]);

function chunks(req: IncomingMessage): AsyncIterable<Buffer> {
  return req;
}

/** Reads the body to its end into the log; false when the client went away first. */
async function readThrough(req: IncomingMessage, tap: StreamedBody): Promise<boolean> {
  try {
    for await (const chunk of chunks(req)) tap.add(chunk);
    return true;
  } catch {
    return false;
  } finally {
    tap.end();
  }
}

/** 200 with the request's own content-type, then every body chunk written back as it arrives. */
async function echo(ex: Exchange, req: IncomingMessage, tap: StreamedBody): Promise<void> {
  const extra = { [ECHO_METHOD_HEADER]: ex.method, [ECHO_PATH_HEADER]: req.url ?? '/' };
  ex.res.writeHead(200, replyHeaders(req.headers['content-type'] ?? OCTET_STREAM, ex.arrival, extra));
  ex.res.flushHeaders();
  try {
    for await (const chunk of chunks(req)) {
      tap.add(chunk);
      if (!ex.res.write(chunk) && !(await drained(ex.res))) return;
    }
  } catch {
    return dropConnection(ex.res, 'destroy');
  } finally {
    tap.end();
  }
  ex.res.end();
}

/** A query count: absent → `fallback`; only digits, at most `max`; else undefined. */
function queryCount(text: string | null, fallback: number, max: number): number | undefined {
  if (text === null) return fallback;
  if (text.length === 0 || text.length > 9) return undefined;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value <= max ? value : undefined;
}

/** `events` frames `data: {"n":i}` (i from 0), `delay_ms` apart, then the stream ends. */
async function sse(ex: Exchange): Promise<void> {
  const query = new URLSearchParams(ex.query);
  const events = queryCount(query.get('events'), DEFAULT_SSE_EVENTS, MAX_SSE_EVENTS);
  if (events === undefined) return sendJson(ex, 400, invalidParameter('events', `expected an integer from 0 to ${MAX_SSE_EVENTS}.`));
  const delay = queryCount(query.get('delay_ms'), 0, MAX_SSE_DELAY_MS);
  if (delay === undefined) return sendJson(ex, 400, invalidParameter('delay_ms', `expected an integer from 0 to ${MAX_SSE_DELAY_MS}.`));
  const frames: Frame[] = [];
  for (let n = 0; n < events; n++) frames.push(encodeFrame(undefined, toJson({ n }, ex.style), 'lf', true));
  await writeSse(ex.res, replyHeaders(SSE_TYPE, ex.arrival), frames, { deltaDelayMs: delay, bytewise: false, end: 'close' });
}

/** `status` with `{"status","method","path"}` (no body for 204, 205 and 304). */
function status(ex: Exchange, req: IncomingMessage, code: number): void {
  if (!NO_BODY.has(code)) return sendJson(ex, code, { status: code, method: ex.method, path: req.url ?? '/' });
  const headers = replyHeaders(JSON_TYPE, ex.arrival);
  delete headers['content-type'];
  ex.res.writeHead(code, headers);
  ex.res.end();
}

async function run(ex: Exchange, req: IncomingMessage, route: StreamedRoute, tap: StreamedBody): Promise<void> {
  if (route.kind === 'passthrough.echo') return echo(ex, req, tap);
  if (!(await readThrough(req, tap))) return;
  if (route.kind === 'passthrough.sse') return sse(ex);
  return status(ex, req, route.status);
}

/** Logs the request now (headers in, body to come), checks key and style, then runs its route. */
export async function servePassthrough(state: MockState, req: IncomingMessage, incoming: IncomingExchange, route: StreamedRoute): Promise<void> {
  const entry = entryFor(req, incoming.arrival, '', undefined);
  state.log.add(entry);
  const tap = new StreamedBody(entry);
  const { ex, refusal } = admit(state, incoming, req.headers);
  const res: ServerResponse = ex.res;
  try {
    if (refusal === undefined) return await run(ex, req, route, tap);
    if (await readThrough(req, tap)) sendJson(ex, refusal.status, refusal.envelope);
  } catch (err) {
    if (res.headersSent) dropConnection(res, 'destroy');
    else sendJson(ex, 500, SERVER_ERROR);
    process.emitWarning(`aisix mock: ${err instanceof Error ? err.message : String(err)}`);
  }
}
