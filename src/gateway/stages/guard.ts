// The guard stage: input guardrails over every text the route's protocol defines (block → 422,
// the upstream never contacted; a PII mask rewrites only the masked spans), then the outgoing body
// — the model rewritten to the upstream id, stream usage asked for where the protocol wants it —
// serialised once (a failover to a target with another upstream model re-serialises it). The output
// policy for the relay is the runtime's guardrail chain's.
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
  const chain = runtime.guardrails;
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
