// The guard stage: input guardrails over every text the route's protocol defines (block → 422,
// the upstream never contacted; a PII mask rewrites only the masked fields), then the outgoing body
// — the model rewritten to the upstream id, stream usage asked for where the protocol wants it —
// spliced into the caller's bytes (a failover to another upstream model splices again). The chain
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
  const body = ctx.body;
  const first = plan?.candidates[0]?.resolved;
  if (protocol === null || body === null || first === undefined || first === null) throw new GatewayError('internal', `route ${row.name} guarded without a body`);
  // previews show what the client sent; the guardrails reuse the same parse
  if (ctx.services.previews(runtime)) record.inputPreview = requestText(protocol, body.parsed()).slice(0, PREVIEW_BYTES);
  const chain = requestChain(ctx);
  if (chain.inputActive) {
    // the one full parse, with every object's keys unique: what is scanned is what the upstream reads
    const verdict = chain.checkRequest(protocol, body.guarded());
    record.guardrails.push(...verdict.hits);
    if (verdict.blocked !== null) {
      throw new GatewayError('blocked_input', `request blocked by content policy (guardrail '${verdict.blocked.guardrail}')`);
    }
    if (verdict.body !== null) body.applyMasked(verdict.body);
  }
  protocol.setModel(body, first.upstreamModel);
  ctx.injectedUsage = record.stream && protocol.requestStreamUsage(body);
  // the caller's bytes with those fields spliced in; a failover to another upstream model splices again
  ctx.outgoing = body.bytes();
}

/** The guardrails of this request: chosen once, by the requested model and the caller. */
export function requestChain(ctx: RequestContext): GuardrailChain {
  ctx.guardrails ??= ctx.runtime.guardrails.chainFor(ctx.plan?.resolved?.model.name ?? null, ctx.caller?.name ?? null);
  return ctx.guardrails;
}
