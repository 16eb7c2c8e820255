// Low-level answers: response headers in the wire's dialect (OpenAI's `x-request-id: req_…`,
// Anthropic's `request-id: req_…`), JSON bodies (in the exchange's JSON style), error envelopes in
// the wire's shape, text bodies, and the helpers long-running answers use to notice that the
// client went away.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { anthropicEnvelope, anthropicHeaders } from './anthropic-errors.js';
import type { Exchange, Wire } from './context.js';
import type { ErrorEnvelope } from './errors.js';
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

const ANTHROPIC_STATIC_HEADERS: Readonly<Record<string, string>> = {
  'anthropic-organization-id': '00000000-0000-4000-8000-000000000000',
  'anthropic-ratelimit-requests-limit': '4000',
  'anthropic-ratelimit-requests-remaining': '3999',
  'anthropic-ratelimit-tokens-limit': '2000000',
  'anthropic-ratelimit-tokens-remaining': '1999000',
};

/** Headers for one reply; `arrival` (ms, Date.now()) feeds `openai-processing-ms`. */
export function replyHeaders(contentType: string, arrival: number, extra?: Record<string, string>, wire: Wire = 'openai'): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders =
    wire === 'anthropic'
      ? { 'content-type': contentType, 'request-id': newId('req_'), ...ANTHROPIC_STATIC_HEADERS, ...extra }
      : {
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
  sendBody(ex.res, status, replyHeaders(JSON_TYPE, ex.arrival, extra, ex.wire), toJson(value, ex.style));
}

/** An error envelope in the wire's shape: as is for OpenAI, re-typed for Anthropic (request id in body and header). */
export function sendError(ex: Exchange, status: number, error: ErrorEnvelope, extra?: Record<string, string>): void {
  if (ex.wire === 'openai') return sendJson(ex, status, error, extra);
  const requestId = newId('req_');
  sendJson(ex, status, anthropicEnvelope(status, error, requestId), { ...anthropicHeaders(extra), 'request-id': requestId });
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
