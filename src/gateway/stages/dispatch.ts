// The dispatch stage: produces the upstream answer for the planned call and hands it to the
// relay the answer needs (JSON | live SSE | held SSE). It owns the call's deadlines — the whole
// call for JSON, until the response headers for streams (then the idle timeout rules) — and the
// abort when the client goes away, and it turns non-2xx replies into errors. Retries, failover,
// cache, tapes and faults wrap or replace the one upstream call made here.
import { GatewayError } from '../errors.js';
import type { RelayContext } from '../relay/context.js';
import { relayHeldStream } from '../relay/held-stream.js';
import { relayJson } from '../relay/json.js';
import { relayLiveStream } from '../relay/live-stream.js';
import type { RequestContext } from '../routes/context.js';
import { upstreamHeaders } from '../runtime/upstream.js';
import { UpstreamAbort } from './upstream-abort.js';
import { callUpstream, redactKey, timeoutError, upstreamRedirectError, upstreamStatusError } from './upstream-call.js';

export async function dispatch(ctx: RequestContext): Promise<void> {
  const { record, res, plan, row, runtime } = ctx;
  const protocol = row.protocol;
  if (plan === null || protocol === null) throw new GatewayError('internal', `route ${row.name} dispatched without a plan`);
  const abort = new UpstreamAbort();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort(); // the client left: stop the upstream at once
  });
  // Our own timer, not undici's headersTimeout, whose fast timers tick at ~1 s.
  const deadline = plan.timeoutMs > 0 ? setTimeout(() => abort.abort(timeoutError(plan.timeoutMs)), plan.timeoutMs) : null;
  try {
    const sentAt = performance.now();
    const up = await callUpstream({
      upstream: plan.upstream,
      method: ctx.req.method ?? 'GET',
      path: plan.path,
      headers: upstreamHeaders({ upstream: plan.upstream, requestId: record.id, client: ctx.req.headers, json: ctx.outgoing !== null }),
      body: ctx.outgoing,
      signal: abort,
      headersTimeoutMs: 0,
      bodyTimeoutMs: record.stream ? plan.idleTimeoutMs : 0,
    });
    if (record.stream && deadline !== null) clearTimeout(deadline);
    record.upstreamMs = Math.round((performance.now() - sentAt) * 100) / 100;
    const upstreamId = up.headers['x-request-id'];
    if (typeof upstreamId === 'string') record.upstreamRequestId = upstreamId;
    if (up.statusCode >= 300 && up.statusCode < 400) {
      up.body.discard();
      throw upstreamRedirectError(up.statusCode, up.headers);
    }
    if (up.statusCode >= 400) throw upstreamStatusError(up.statusCode, up.headers, redactKey(await up.body.readAll(), plan.upstream.key.apiKey));
    const relay: RelayContext = {
      res, record, protocol, guardrails: runtime.guardrails, up, injectedUsage: ctx.injectedUsage,
      previews: ctx.services.previews(runtime), countsUsage: row.countsUsage, idleTimeoutMs: plan.idleTimeoutMs, abortUpstream: () => abort.abort(),
    };
    // a stream request answered with plain JSON (some compatible servers ignore `stream`) is relayed as JSON
    const sse = String(up.headers['content-type'] ?? '').includes('text/event-stream');
    if (!record.stream || !sse) await relayJson(relay);
    else if (runtime.guardrails.outputPolicy === 'hold') await relayHeldStream(relay);
    else await relayLiveStream(relay);
    if (record.responseId !== null && plan.resolved !== null && row.countsUsage) {
      ctx.services.responseIds.remember(record.responseId, { providerKey: plan.upstream.key.name, alias: plan.resolved.alias, caller: ctx.caller?.name ?? null });
    }
  } catch (err) {
    throw abort.reason instanceof GatewayError ? abort.reason : err;
  } finally {
    if (deadline !== null) clearTimeout(deadline);
  }
}
