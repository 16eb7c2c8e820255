// Retries and failover (DESIGN.md §10, AISIX's rules): the planned candidates are tried in order
// until one answers 2xx. A failure before anything was sent to the client is retried on the same
// target within its budget — 5xx and transport errors; timeouts only with an explicit budget; on
// routing models also 429 (`retry_on_429`) and `fallback_on_statuses` — then fails over to the
// next target (timeouts too); other 4xx end the request at once. Backoff: the upstream's
// Retry-After when ≤ 5 s, else 250 ms·2^(n-1) capped at 2 s, plus 0–250 ms jitter; failover is
// immediate. Cooldowns (opt-in per model) take failing targets out of a routing model's rotation.
// Every attempt is recorded; the final error is the last attempt's. Where an attempt's answer comes
// from (the upstream, a tape, an injected fault) is upstream-source.ts's decision.
import type { Routing } from '../../config/types.js';
import type { OutgoingBytes } from '../body/spliced.js';
import { GatewayError } from '../errors.js';
import type { Candidate, Plan, RequestContext } from '../routes/context.js';
import { upstreamHeaders } from '../runtime/upstream.js';
import { UpstreamAbort } from './upstream-abort.js';
import { redactKey, timeoutError, upstreamRedirectError, upstreamStatusError, type UpstreamResponse } from './upstream-call.js';
import { answerAttempt } from './upstream-source.js';

/** A candidate that answered 2xx, with what its relay needs to go on. */
export interface Answered {
  candidate: Candidate;
  reply: UpstreamResponse;
  abort: UpstreamAbort;
  /** clears the call's deadline (JSON keeps it through the body; streams drop it at the headers) */
  clearDeadline(): void;
}

interface Failure {
  error: unknown;
  /** the upstream's status, or null (timeout, transport) */
  status: number | null;
  kind: 'status' | 'timeout' | 'transport';
  retryAfterS: number | null;
}

const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 2_000;
const JITTER_MS = 250;
const RETRY_AFTER_CAP_S = 5;
const DELTA_SECONDS = /^\d+$/;

/** Seconds of a Retry-After value (delta-seconds or an HTTP date), or null. */
function retryAfterSeconds(value: string | string[] | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return null;
  if (DELTA_SECONDS.test(text.trim())) return Number(text.trim());
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function failoverStatus(status: number | null, routing: Routing | null): boolean {
  if (status === null || routing === null) return false;
  return (status === 429 && routing.retryOn429) || routing.fallbackOnStatuses.includes(status);
}

function retrySame(f: Failure, c: Candidate, routing: Routing | null): boolean {
  if (f.kind === 'transport') return true;
  if (f.kind === 'timeout') return c.retryTimeouts;
  return (f.status !== null && f.status >= 500) || failoverStatus(f.status, routing);
}

function failOver(f: Failure, routing: Routing | null): boolean {
  if (f.kind !== 'status') return true;
  return (f.status !== null && f.status >= 500) || failoverStatus(f.status, routing);
}

function backoffMs(retry: number, retryAfterS: number | null): number {
  if (retryAfterS !== null && retryAfterS <= RETRY_AFTER_CAP_S) return retryAfterS * 1000;
  return Math.min(BACKOFF_BASE_MS * 2 ** (retry - 1), BACKOFF_CAP_MS) + Math.random() * JITTER_MS;
}

/** Watches the client: a departure aborts the attempt under way and ends the loop. */
class ClientWatch {
  gone = false;
  current: UpstreamAbort | null = null;
  private wake: (() => void) | null = null;

  constructor(ctx: RequestContext) {
    ctx.client.onGone(() => {
      this.gone = true;
      this.current?.abort(); // the client left: stop the upstream at once
      this.wake?.();
    });
  }

  /** sleeps `ms` unless the client leaves first */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      this.wake = done;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}

function clientGoneError(): Error {
  return Object.assign(new Error('the client went away'), { code: 'UND_ERR_ABORTED' });
}

/** The candidates to try: cooling targets of a routing model are left out, unless all are cooling. */
function available(ctx: RequestContext, plan: Plan): Candidate[] {
  if (plan.routing === null) return [...plan.candidates];
  const state = ctx.services.routing;
  const warm = plan.candidates.filter((c) => c.cooldown === null || state.coolingFor(c.target) === 0);
  if (warm.length > 0) return warm;
  if (plan.routing.whenAllUnavailable === 'try_anyway') return [...plan.candidates];
  const soonest = Math.min(...plan.candidates.map((c) => state.coolingFor(c.target)));
  throw new GatewayError('all_candidates_unavailable', `every target of model "${plan.resolved?.alias ?? ''}" is cooling down after upstream failures`, {
    headers: { 'retry-after': String(Math.max(1, Math.ceil(soonest / 1000))) },
  });
}

/** Starts a target's cooldown when its block says this failure triggers one. */
function coolDown(ctx: RequestContext, c: Candidate, f: Failure): void {
  const cd = c.cooldown;
  if (cd === null) return;
  const triggers = f.kind === 'timeout' ? cd.triggerOnTimeout : f.kind === 'transport' ? cd.triggerOnTransport : f.status !== null && cd.triggerStatuses.includes(f.status);
  if (!triggers) return;
  const seconds = cd.honorRetryAfter && f.retryAfterS !== null ? Math.min(f.retryAfterS, cd.maxSeconds) : cd.defaultSeconds;
  ctx.services.routing.cool(c.target, seconds);
}

/** The outgoing body for a candidate: the guarded body with that target's upstream model spliced in. */
function bodyFor(ctx: RequestContext, c: Candidate, first: Candidate): OutgoingBytes | null {
  if (c === first || ctx.body === null || ctx.row.protocol === null || c.resolved === null) return ctx.outgoing;
  ctx.row.protocol.setModel(ctx.body, c.resolved.upstreamModel);
  ctx.outgoing = ctx.body.bytes();
  return ctx.outgoing;
}

/** One attempt: a 2xx answer, or the failure (its body read and the error built). */
async function attempt(ctx: RequestContext, c: Candidate, body: OutgoingBytes | null, watch: ClientWatch): Promise<Answered | Failure> {
  const { record } = ctx;
  const abort = new UpstreamAbort();
  watch.current = abort;
  const deadline = c.timeoutMs > 0 ? setTimeout(() => abort.abort(timeoutError(c.timeoutMs)), c.timeoutMs) : null;
  const clearDeadline = (): void => {
    if (deadline !== null) clearTimeout(deadline);
  };
  try {
    const sentAt = performance.now();
    record.upstreamStartedAt ??= sentAt; // arrival → here is the capture's queue_ms
    // the upstream, a tape or an injected fault (upstream-source.ts): all answer alike
    const reply = await answerAttempt(ctx, c, {
      upstream: c.upstream,
      // a WebSocket turn bridged to HTTP is a POST, whatever its upgrade request was
      method: ctx.turn !== null ? 'POST' : (ctx.req.method ?? 'GET'),
      path: c.path,
      headers: upstreamHeaders({ upstream: c.upstream, requestId: record.id, client: ctx.req.headers, json: body !== null, anthropic: ctx.row.providers === 'anthropic' }),
      body,
      signal: abort,
      headersTimeoutMs: 0,
      bodyTimeoutMs: record.stream ? c.idleTimeoutMs : 0,
    });
    record.upstreamMs = Math.round((performance.now() - sentAt) * 100) / 100;
    const upstreamId = reply.headers[ctx.row.protocol?.requestIdHeader ?? 'x-request-id'];
    if (typeof upstreamId === 'string') record.upstreamRequestId = upstreamId;
    const { statusCode: status, headers } = reply;
    if (status < 300) {
      if (record.stream) clearDeadline();
      return { candidate: c, reply, abort, clearDeadline };
    }
    if (status < 400) {
      reply.body.discard();
      clearDeadline();
      return { error: upstreamRedirectError(status, headers), status, kind: 'status', retryAfterS: null };
    }
    const text = redactKey(await reply.body.readAll(), c.upstream.key.apiKey);
    clearDeadline();
    return { error: upstreamStatusError(status, headers, text), status, kind: 'status', retryAfterS: retryAfterSeconds(headers['retry-after']) };
  } catch (err) {
    clearDeadline();
    const error = abort.reason instanceof GatewayError ? abort.reason : err;
    if (watch.gone) throw clientGoneError();
    const kind = error instanceof GatewayError && error.code === 'upstream_timeout' ? 'timeout' : error instanceof GatewayError && error.code === 'upstream_connection' ? 'transport' : null;
    if (kind === null) throw error;
    return { error, status: null, kind, retryAfterS: null };
  }
}

function isAnswered(out: Answered | Failure): out is Answered {
  return 'reply' in out;
}

/** Tries the plan's candidates until one answers; throws the last failure's error otherwise. */
export async function attemptAll(ctx: RequestContext, plan: Plan): Promise<Answered> {
  const watch = new ClientWatch(ctx);
  const { record } = ctx;
  const candidates = available(ctx, plan);
  const first = plan.candidates[0] as Candidate;
  let last: Failure | null = null;
  for (const [i, c] of candidates.entries()) {
    if (c.resolved !== null) {
      record.upstreamModel = c.resolved.upstreamModel;
      record.provider = c.resolved.model.provider;
      record.cost = c.resolved.model.cost;
    }
    const body = bodyFor(ctx, c, first);
    for (let retry = 0; ; retry++) {
      if (watch.gone) throw clientGoneError();
      const startedAt = performance.now();
      const out = await attempt(ctx, c, body, watch);
      const ms = Math.round((performance.now() - startedAt) * 100) / 100;
      if (isAnswered(out)) {
        record.attempts.push({ target: c.target, status: out.reply.statusCode, error_code: null, ms });
        if (plan.routing !== null) record.servedBy = c.target;
        return out;
      }
      const error = out.error instanceof GatewayError ? out.error : null;
      record.attempts.push({ target: c.target, status: out.status, error_code: error?.errorCode ?? null, ms });
      last = out;
      coolDown(ctx, c, out);
      if (retry < c.retries && retrySame(out, c, plan.routing)) {
        await watch.sleep(backoffMs(retry + 1, out.retryAfterS));
        continue;
      }
      if (i < candidates.length - 1 && failOver(out, plan.routing)) break;
      throw out.error;
    }
  }
  throw last?.error ?? new GatewayError('internal', 'no upstream attempt was made');
}
