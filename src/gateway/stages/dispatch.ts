// The dispatch stage: gets the upstream answer for the plan (attempts.ts: retries, failover,
// deadlines, the abort when the client goes away, non-2xx replies as errors) and hands it to the
// relay the answer needs (JSON | live SSE | held SSE | windowed SSE, as the stream policy in
// guardrails/window-policy.ts says); names the routing target that served it. A cache hit is
// relayed as JSON without an upstream call; a storable miss is kept once it passed.
// Faults at the client (faults/client.ts) act here: before the attempts, and on the answer.
import type { GuardrailChain } from '../../guardrails/index.js';
import type { Protocol } from '../../protocols/index.js';
import { GatewayError } from '../errors.js';
import type { RelayContext } from '../relay/context.js';
import { relayHeldStream } from '../relay/held-stream.js';
import { relayJson } from '../relay/json.js';
import { relayLiveStream } from '../relay/live-stream.js';
import { relayWindowStream } from '../relay/window-stream.js';
import { streamRelay, type StreamRelay } from '../../guardrails/window-policy.js';
import { httpResponse, type RequestContext } from '../routes/context.js';
import type { CachedAnswer } from '../runtime/response-cache.js';
import { attemptAll } from './attempts.js';
import { requestChain } from './guard.js';
import { isEventStream, replyFromBytes } from './upstream-reply.js';
import { applyBodyFault } from '../faults/body.js';
import type { ChosenFault } from '../faults/choose.js';
import { clientFault } from '../faults/client.js';

export async function dispatch(ctx: RequestContext): Promise<void> {
  const { record, plan, row } = ctx;
  const res = httpResponse(ctx);
  const protocol = row.protocol;
  if (plan === null || protocol === null) throw new GatewayError('internal', `route ${row.name} dispatched without a plan`);
  const guardrails = requestChain(ctx);
  const fault = ctx.runtime.faults === null ? null : await clientFault(ctx);
  if (ctx.cached !== null) return relayCached(ctx, protocol, guardrails, ctx.cached, fault);
  const { candidate, reply, abort, clearDeadline } = await attemptAll(ctx, plan);
  const up = fault === null ? reply : applyBodyFault(ctx, reply, fault, () => abort.abort(), 0);
  try {
    if (record.servedBy !== null) res.setHeader('x-aisix-served-by', record.servedBy);
    // ids of created responses and conversations are bound to their caller as soon as they are seen
    const owner = { providerKey: candidate.upstream.key.name, alias: plan.resolved?.alias ?? '', caller: ctx.caller?.name ?? null };
    const ids = row.binds === 'responses' && plan.resolved !== null ? ctx.services.responseIds : row.binds === 'conversations' ? ctx.services.conversationIds : null;
    const store = ctx.cacheStore;
    const relay: RelayContext = {
      res, record, protocol, guardrails, up, injectedUsage: ctx.injectedUsage,
      previews: ctx.services.previews(ctx.runtime), countsUsage: row.countsUsage, idleTimeoutMs: candidate.idleTimeoutMs, abortUpstream: () => abort.abort(),
      noteResponseId: (id) => ids?.remember(id, owner),
      keep: store === null ? null : (body, type) => ctx.services.cache.set(store.keyFor(candidate), body, type, store.ttlSeconds),
    };
    // a stream request answered with plain JSON (some compatible servers ignore `stream`) is relayed as JSON
    const sse = isEventStream(up.headers);
    if (!record.stream || !sse) await relayJson(relay);
    else await relayStream(relay, streamRelay(guardrails, ctx.runtime.config.proxy));
  } catch (err) {
    throw abort.reason instanceof GatewayError ? abort.reason : err;
  } finally {
    clearDeadline();
  }
}

/** The SSE relay the stream policy (guardrails/window-policy.ts) chose. */
function relayStream(relay: RelayContext, kind: StreamRelay): Promise<void> {
  if (kind === 'hold') return relayHeldStream(relay);
  return kind === 'window' ? relayWindowStream(relay) : relayLiveStream(relay);
}

/** A cache hit: no upstream call, no usage charged; the output guardrails still see the answer. */
async function relayCached(ctx: RequestContext, protocol: Protocol, guardrails: GuardrailChain, answer: CachedAnswer, fault: ChosenFault | null): Promise<void> {
  const headers = answer.contentType === null ? {} : { 'content-type': answer.contentType };
  const cached = replyFromBytes(200, headers, answer.body);
  const relay: RelayContext = {
    res: httpResponse(ctx), record: ctx.record, protocol, guardrails, up: fault === null ? cached : applyBodyFault(ctx, cached, fault, () => undefined, 0), injectedUsage: false,
    previews: ctx.services.previews(ctx.runtime), countsUsage: false, idleTimeoutMs: 0, abortUpstream: () => undefined,
    noteResponseId: () => undefined, keep: null,
  };
  await relayJson(relay);
}

