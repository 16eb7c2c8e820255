// The dispatch stage: gets the upstream answer for the plan (attempts.ts: retries, failover,
// deadlines, the abort when the client goes away, non-2xx replies as errors) and hands it to the
// relay the answer needs (JSON | live SSE | held SSE); names the routing target that served it.
import { GatewayError } from '../errors.js';
import type { RelayContext } from '../relay/context.js';
import { relayHeldStream } from '../relay/held-stream.js';
import { relayJson } from '../relay/json.js';
import { relayLiveStream } from '../relay/live-stream.js';
import type { RequestContext } from '../routes/context.js';
import { attemptAll } from './attempts.js';

export async function dispatch(ctx: RequestContext): Promise<void> {
  const { record, res, plan, row, runtime } = ctx;
  const protocol = row.protocol;
  if (plan === null || protocol === null) throw new GatewayError('internal', `route ${row.name} dispatched without a plan`);
  const { candidate, reply: up, abort, clearDeadline } = await attemptAll(ctx, plan);
  try {
    if (record.servedBy !== null) res.setHeader('x-aisix-served-by', record.servedBy);
    // ids of created responses are bound to their caller as soon as they are seen (Responses only)
    const owner = plan.resolved !== null && row.countsUsage && protocol.name === 'responses'
      ? { providerKey: candidate.upstream.key.name, alias: plan.resolved.alias, caller: ctx.caller?.name ?? null }
      : null;
    const relay: RelayContext = {
      res, record, protocol, guardrails: runtime.guardrails, up, injectedUsage: ctx.injectedUsage,
      previews: ctx.services.previews(runtime), countsUsage: row.countsUsage, idleTimeoutMs: candidate.idleTimeoutMs, abortUpstream: () => abort.abort(),
      noteResponseId: (id) => {
        if (owner !== null) ctx.services.responseIds.remember(id, owner);
      },
    };
    // a stream request answered with plain JSON (some compatible servers ignore `stream`) is relayed as JSON
    const sse = String(up.headers['content-type'] ?? '').includes('text/event-stream');
    if (!record.stream || !sse) await relayJson(relay);
    else if (runtime.guardrails.outputPolicy === 'hold') await relayHeldStream(relay);
    else await relayLiveStream(relay);
  } catch (err) {
    throw abort.reason instanceof GatewayError ? abort.reason : err;
  } finally {
    clearDeadline();
  }
}
