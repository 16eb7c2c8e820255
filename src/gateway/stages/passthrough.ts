// The passthrough stage (DESIGN.md §10): relays the request under a route's prefix to its
// `target_url`, streamed both ways and byte-faithful. The request body goes upstream as it
// arrives (never parsed or buffered); the caller's credentials, `x-aisix-*` headers, hop-by-hop
// headers and the provider key's `strip_headers` are removed, and the provider key's secret is
// injected (`x-api-key` + `anthropic-version` for Anthropic keys, `Authorization: Bearer`
// otherwise). `timeout_ms` (default proxy.upstream_timeout_ms) bounds the wait for the response
// headers and a non-SSE body, never a healthy SSE relay. A path whose rest could climb out of the
// target's base (`..`, encoded slashes) is refused 400. The client leaving aborts the upstream
// call at once. No guardrail inspects this traffic. With tapes on (`--record`/`--replay`) the body
// is read whole first (it is part of the key: JSON as JSON, other text as text, bytes as base64)
// and the answer is recorded or played back like any upstream exchange. With tapes or the body
// capture on, the upstream is asked for an uncompressed answer (`accept-encoding: identity`).
import { isUtf8 } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { PassthroughRoute } from '../../config/types.js';
import { GatewayError } from '../errors.js';
import { CALLER_CREDENTIALS, connectionNamed, crossesProxy } from '../http/header-policy.js';
import { hasBody } from '../http/message.js';
import { REQUEST_ID_HEADER } from '../record/request-id.js';
import { relayPassthrough } from '../relay/passthrough.js';
import { httpResponse, type Candidate, type RequestContext } from '../routes/context.js';
import type { Upstream } from '../runtime/upstream.js';
import { UpstreamAbort } from './upstream-abort.js';
import { readBody } from './body.js';
import { callUpstream, timeoutError, type UpstreamCall } from './upstream-call.js';
import type { UpstreamReply } from './upstream-reply.js';

const ANTHROPIC_VERSION = '2023-06-01';

function isAnthropic(upstream: Upstream): boolean {
  return upstream.key.provider === 'anthropic' || upstream.key.adapter === 'anthropic';
}

/** The request headers the target gets. */
export function passthroughHeaders(client: IncomingHttpHeaders, upstream: Upstream, requestId: string): Record<string, string> {
  const strip = upstream.key.stripHeaders;
  const named = connectionNamed(client);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(client)) {
    if (value === undefined || !crossesProxy(name, named) || CALLER_CREDENTIALS.has(name) || strip.includes(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (isAnthropic(upstream)) {
    headers['x-api-key'] = upstream.key.apiKey;
    headers['anthropic-version'] ??= ANTHROPIC_VERSION;
  } else {
    headers.authorization = `Bearer ${upstream.key.apiKey}`;
  }
  headers[REQUEST_ID_HEADER] = requestId;
  return headers;
}

/**
 * Whether the rest of a path could leave the route's base once an upstream normalises it: a `.` or
 * `..` segment (also percent-encoded), an encoded slash or backslash, or a raw backslash.
 */
function escapesBase(rest: string): boolean {
  const lower = rest.toLowerCase();
  if (lower.includes('%2f') || lower.includes('%5c') || lower.includes('\\')) return true;
  for (const segment of lower.split('/')) {
    const plain = segment.replaceAll('%2e', '.');
    if (plain === '.' || plain === '..') return true;
  }
  return false;
}

/** `target_url`'s origin, and its base path joined with the rest of the caller's path and query. */
function target(route: PassthroughRoute, rest: string): { origin: string; path: string } {
  const url = new URL(route.targetUrl);
  const base = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return { origin: url.origin, path: `${base}${rest}` || '/' };
}

/** The whole request body under tapes: what is sent, and what the tape (and its key) says was sent. */
async function bodyOnTape(ctx: RequestContext, present: boolean): Promise<{ sent: string | Readable | null; tape: unknown; raw: Buffer }> {
  if (!present) return { sent: null, tape: null, raw: Buffer.alloc(0) };
  const raw = await readBody(ctx.req, ctx.runtime.config.proxy.requestBodyLimitBytes);
  if (!isUtf8(raw)) return { sent: Readable.from([raw]), tape: { base64: raw.toString('base64') }, raw };
  const text = raw.toString('utf8');
  try {
    return { sent: text, tape: JSON.parse(text) as unknown, raw };
  } catch {
    return { sent: text, tape: text, raw };
  }
}

export async function passthrough(ctx: RequestContext): Promise<void> {
  const { req, record, row, runtime } = ctx;
  const res = httpResponse(ctx);
  const route = row.passthrough;
  const upstream = route === null ? undefined : runtime.upstreams.get(route.providerKey);
  if (route === null || upstream === undefined) throw new GatewayError('internal', `route ${row.name} has no provider key`);
  const url = req.url ?? '/';
  const rest = url.slice(route.pathPrefix.length, url.length - ctx.query.length);
  if (escapesBase(rest)) throw new GatewayError('bad_request', 'a passthrough path may not contain `.` or `..` segments or encoded slashes');
  const { origin, path: upstreamPath } = target(route, rest);
  const timeoutMs = route.timeoutMs ?? runtime.config.proxy.upstreamTimeoutMs;
  const abort = new UpstreamAbort();
  const deadline = timeoutMs > 0 ? setTimeout(() => abort.abort(timeoutError(timeoutMs)), timeoutMs) : null;
  const clearDeadline = (): void => {
    if (deadline !== null) clearTimeout(deadline);
  };
  // the client leaving at any point (mid-upload included, where node may still answer the socket
  // a 400 of its own) stops the upstream call: only the relay's end says it finished
  let relayed = false;
  const leave = (): void => {
    if (!relayed) abort.abort();
  };
  req.once('aborted', leave);
  req.once('error', leave);
  req.socket.once('close', leave);
  res.once('close', leave);
  const sentAt = performance.now();
  record.upstreamStartedAt ??= sentAt; // arrival → here is the capture's queue_ms
  try {
    const call: UpstreamCall = {
      upstream: { ...upstream, origin },
      method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
      path: upstreamPath + ctx.query,
      headers: passthroughHeaders(req.headers, upstream, record.id),
      body: hasBody(req.headers) ? req : null,
      signal: abort,
      headersTimeoutMs: 0,
      bodyTimeoutMs: 0,
    };
    const deck = ctx.services.tapes;
    // an answer kept (on tape, or in the body capture) must be readable: no compression (the secret
    // check and the redaction search its text; a replay is faithful)
    if (deck !== null || record.capture !== null) call.headers['accept-encoding'] = 'identity';
    let reply: UpstreamReply;
    if (deck === null) {
      reply = await callUpstream(call);
    } else {
      const { sent, tape, raw } = await bodyOnTape(ctx, call.body !== null);
      ctx.rawBody = raw; // read whole for the tape: the capture keeps it too
      call.body = sent;
      const candidate: Candidate = {
        target: route.name, resolved: null, upstream: call.upstream, path: call.path, timeoutMs, idleTimeoutMs: 0, retries: 0, retryTimeouts: false, cooldown: null,
      };
      reply = await deck.answer(ctx, candidate, call, () => callUpstream(call), { tape, raw });
    }
    const ms = Math.round((performance.now() - sentAt) * 100) / 100;
    record.upstreamMs = ms;
    record.attempts.push({ target: route.name, status: reply.statusCode, error_code: null, ms });
    const upstreamId = reply.headers['x-request-id'];
    if (typeof upstreamId === 'string') record.upstreamRequestId = upstreamId;
    const sse = String(reply.headers['content-type'] ?? '').includes('text/event-stream');
    if (sse) clearDeadline();
    await relayPassthrough({ res, record, reply, abortUpstream: () => abort.abort(), failure: () => (abort.reason instanceof GatewayError ? abort.reason : null) });
    relayed = true;
  } catch (err) {
    const error = abort.reason instanceof GatewayError ? abort.reason : err;
    if (record.attempts.length === 0) {
      const code = error instanceof GatewayError ? (error.errorCode ?? null) : null;
      record.attempts.push({ target: route.name, status: null, error_code: code, ms: Math.round((performance.now() - sentAt) * 100) / 100 });
    }
    throw error;
  } finally {
    clearDeadline();
  }
}
