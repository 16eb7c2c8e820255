// Low-level answers: OpenAI-like response headers (`x-request-id: req_…` on every reply), JSON
// bodies (in the exchange's JSON style) and text bodies, and the helpers long-running answers use to notice that the client went away.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Exchange } from './context.js';
import { newId } from './ids.js';
import { toJson } from './json-style.js';

export const JSON_TYPE = 'application/json';
export const SSE_TYPE = 'text/event-stream; charset=utf-8';
export const TEXT_TYPE = 'text/plain; charset=utf-8';

const STATIC_HEADERS: Readonly<Record<string, string>> = {
  'openai-version': '2020-10-01',
  'openai-organization': 'org-mock',
  'x-ratelimit-limit-requests': '10000',
  'x-ratelimit-remaining-requests': '9999',
  'x-ratelimit-reset-requests': '6ms',
  'x-ratelimit-limit-tokens': '30000000',
  'x-ratelimit-remaining-tokens': '29999000',
  'x-ratelimit-reset-tokens': '2ms',
};

/** Headers for one reply; `arrival` (ms, Date.now()) feeds `openai-processing-ms`. */
export function replyHeaders(contentType: string, arrival: number, extra?: Record<string, string>): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'content-type': contentType,
    'x-request-id': newId('req_'),
    'openai-processing-ms': String(Date.now() - arrival),
    ...STATIC_HEADERS,
    ...extra,
  };
  if (contentType === SSE_TYPE) headers['cache-control'] = 'no-cache';
  return headers;
}

/** A complete body with its content-length. */
export function sendBody(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string): void {
  headers['content-length'] = Buffer.byteLength(body);
  res.writeHead(status, headers);
  res.end(body);
}

/** `value` as a complete JSON body, written in the exchange's style. */
export function sendJson(ex: Exchange, status: number, value: unknown, extra?: Record<string, string>): void {
  sendBody(ex.res, status, replyHeaders(JSON_TYPE, ex.arrival, extra), toJson(value, ex.style));
}

/** True once the client socket is gone (or the reply is over). */
export function isGone(res: ServerResponse): boolean {
  const socket = res.socket;
  return res.destroyed || socket === null || socket.destroyed;
}

/** Waits `ms`; resolves false (and clears its timer) as soon as the client goes away. */
export function sleep(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (isGone(res)) return resolve(false);
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(!isGone(res));
    }, ms);
    res.once('close', onClose);
  });
}

/** After a write returned false: resolves true on 'drain', false if the client goes away. */
export function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = (): void => done(true);
    const onClose = (): void => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/** Drops the connection without a reply: FIN (`destroy`) or TCP RST (`reset`). */
export function dropConnection(res: ServerResponse, how: 'destroy' | 'reset'): void {
  const socket = res.socket;
  if (socket === null) return;
  if (how === 'reset' && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}
