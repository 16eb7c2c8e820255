// The guard stage: input guardrails over every text the route's protocol defines (block → 422,
// the upstream never contacted; a PII mask rewrites only the masked spans), then the outgoing body
// — the model rewritten to the upstream id, stream usage asked for where the protocol wants it —
// serialised once (a failover to a target with another upstream model re-serialises it). The chain
// is the one the runtime's guardrail scopes give this request's model and caller (attachments);
// the relay's output policy is that chain's.
import type { GuardrailChain } from '../../guardrails/index.js';
import { requestText } from '../../protocols/index.js';
import { GatewayError } from '../errors.js';
import { PREVIEW_BYTES } from '../relay/context.js';
import type { RequestContext } from '../routes/context.js';

export function guard(ctx: RequestContext): void {
  const { row, record, runtime } = ctx;
  const protocol = row.protocol;
  const plan = ctx.plan;
  let body = ctx.body;
  const first = plan?.candidates[0]?.resolved;
  if (protocol === null || body === null || first === undefined || first === null) throw new GatewayError('internal', `route ${row.name} guarded without a body`);
  if (ctx.services.previews(runtime)) record.inputPreview = requestText(protocol, body).slice(0, PREVIEW_BYTES);
  const chain = requestChain(ctx);
  if (chain.inputActive) {
    const verdict = chain.checkRequest(protocol, body);
    record.guardrails.push(...verdict.hits);
    if (verdict.blocked !== null) {
      throw new GatewayError('blocked_input', `request blocked by content policy (guardrail '${verdict.blocked.guardrail}')`);
    }
    body = verdict.body ?? body;
  }
  protocol.setModel(body, first.upstreamModel);
  ctx.injectedUsage = record.stream && protocol.requestStreamUsage(body);
  ctx.body = body; // the guarded body: a routed request re-sends it with each target's model
  ctx.outgoing = JSON.stringify(body);
}

/** The guardrails of this request: chosen once, by the requested model and the caller. */
export function requestChain(ctx: RequestContext): GuardrailChain {
  ctx.guardrails ??= ctx.runtime.guardrails.chainFor(ctx.plan?.resolved?.model.name ?? null, ctx.caller?.name ?? null);
  return ctx.guardrails;
}
