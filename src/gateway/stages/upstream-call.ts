// The dispatch stage's upstream call: one request through the provider key's undici agent (a large
// spliced body goes as its slices, with its exact content-length), with
// transport failures mapped to gateway errors by undici/Node error code (never by message):
// refused/reset/DNS/TLS → 502 `connection_failed` naming the host, deadlines → 504. Also turns
// upstream non-2xx replies into the documented errors (3xx → 502 `upstream_redirect`, 4xx relayed
// with their envelope, 5xx → 502).
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { readOpenAiError } from '../../protocols/index.js';
import { SplicedBody, type OutgoingBytes } from '../body/spliced.js';
import { GatewayError } from '../errors.js';
import type { Upstream } from '../runtime/upstream.js';
import type { UpstreamAbort } from './upstream-abort.js';
import { replyHandler, type UpstreamReply } from './upstream-reply.js';

export interface UpstreamCall {
  upstream: Upstream;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** a JSON body's bytes (large ones as slices) or text, or a stream relayed as it arrives (passthrough routes) */
  body: OutgoingBytes | string | Readable | null;
  signal: UpstreamAbort;
  /** time allowed until response headers (0 = none) */
  headersTimeoutMs: number;
  /** longest gap between body chunks (0 = none) */
  bodyTimeoutMs: number;
}

export type UpstreamResponse = UpstreamReply;

/** Resolves at the response headers; the body follows through `reply.body`. */
export async function callUpstream(options: UpstreamCall): Promise<UpstreamResponse> {
  const { upstream } = options;
  try {
    return await new Promise<UpstreamReply>((resolve, reject) => {
      const handler = replyHandler(options.signal, options.bodyTimeoutMs, resolve, reject);
      const dispatch: Omit<Dispatcher.DispatchOptions, 'body'> & { body: DispatchBody } = {
        origin: upstream.origin,
        path: options.path,
        method: options.method as Dispatcher.HttpMethod,
        ...wireBody(options),
        headersTimeout: options.headersTimeoutMs,
        bodyTimeout: 0, // the handler keeps its own, exact idle timer
      };
      // undici writes an iterable body chunk by chunk (documented; its typings leave iterables out)
      upstream.dispatcher.dispatch(dispatch as Dispatcher.DispatchOptions, handler);
    });
  } catch (err) {
    throw transportError(err, upstream, options.headersTimeoutMs);
  }
}

/** The body as undici takes it: slices as an array written in turn, under their exact content-length. */
type DispatchBody = Buffer | string | Readable | readonly Buffer[] | null;

function wireBody(options: UpstreamCall): { headers: Record<string, string>; body: DispatchBody } {
  const { body, headers } = options;
  if (!(body instanceof SplicedBody)) return { headers, body };
  return { headers: { ...headers, 'content-length': String(body.length) }, body: body.chunks };
}

function errorCode(err: unknown): string {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return err instanceof Error ? err.name : 'unknown';
}

/** Maps an undici/Node failure to the error the client sees. Abort errors are returned as-is. */
export function transportError(err: unknown, upstream: Upstream, timeoutMs: number): unknown {
  if (err instanceof GatewayError) return err;
  const code = errorCode(err);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return timeoutError(timeoutMs);
  if (code === 'UND_ERR_ABORTED' || code === 'AbortError' || code === 'ABORT_ERR') return err;
  const host = upstream.origin.replace(/^https?:\/\//, '');
  return new GatewayError('upstream_connection', `could not reach upstream ${host}: ${code}`);
}

export function timeoutError(ms: number): GatewayError {
  return new GatewayError('upstream_timeout', `upstream request timed out after ${ms} ms`);
}

function opt(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * An upstream error body with the provider key cut out: some OpenAI-compatible servers quote the
 * credential they were sent ("Incorrect API key provided: sk-…"), and the error reaches the caller,
 * the event and the log. Keys shorter than 8 characters are left alone (too likely in plain text).
 */
export function redactKey(body: Buffer, key: string): Buffer {
  if (key.length < 8 || !body.includes(key)) return body;
  return Buffer.from(body.toString('utf8').replaceAll(key, '[REDACTED]'));
}

/** The error for an upstream 3xx: a redirect is never followed (usually a wrong `api_base`). */
export function upstreamRedirectError(status: number, headers: UpstreamReply['headers']): GatewayError {
  const location = headers.location;
  const where = typeof location === 'string' ? ` to ${location.slice(0, 300)}` : '';
  return new GatewayError('upstream_redirect', `upstream answered ${status} (a redirect${where}); check the provider key's api_base`);
}

/** The error for an upstream non-2xx reply whose body was read in full. */
export function upstreamStatusError(status: number, headers: UpstreamReply['headers'], body: Buffer): GatewayError {
  const text = body.toString('utf8');
  const error = readOpenAiError(text);
  const message = error !== null ? String(error.message) : text.slice(0, 1024);
  if (status >= 500) {
    return new GatewayError('upstream_status', `upstream returned ${status}: ${message}`, { errorCode: `upstream_${status}` });
  }
  const retryAfter = headers['retry-after'];
  const extra = typeof retryAfter === 'string' ? { 'retry-after': retryAfter } : undefined;
  return new GatewayError('upstream_status', message, {
    status,
    type: opt(error?.type) ?? 'upstream_error',
    errorCode: opt(error?.code),
    param: opt(error?.param),
    headers: extra,
    rawBody: error !== null ? text : undefined,
  });
}
