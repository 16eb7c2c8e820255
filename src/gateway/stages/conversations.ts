// The Conversations API (DESIGN.md §11): `/v1/conversations` and below, an authenticated
// pass-through to the only OpenAI provider key (with none or several, 400: the proxy could not
// tell which account holds a conversation). A conversation created through the proxy is bound to
// its caller like a response (with more than one caller key, another caller's id is a 404 that
// never reaches the upstream). Items written into a conversation become model input later,
// upstream, where no guardrail sees them — so they pass the input guardrails here, as a
// Responses `input` would (block → 422, masks rewrite the items).
import { responsesProtocol } from '../../protocols/index.js';
import { RequestBody } from '../body/request-body.js';
import { GatewayError } from '../errors.js';
import type { RequestContext } from '../routes/context.js';
import { mayUse } from '../runtime/model-index.js';
import { upstreamPath } from '../runtime/upstream.js';
import { notFound, onlyOpenAiUpstream, ownedBy } from './bind-ids.js';
import { readBody } from './body.js';
import { requestChain } from './guard.js';

/** The body of a write (create, update, add items), checked to be a JSON object; an empty one stays empty. */
export async function readPassedBody(ctx: RequestContext): Promise<void> {
  const raw = await readBody(ctx.req, ctx.runtime.config.proxy.requestBodyLimitBytes);
  ctx.rawBody = raw;
  if (raw.length === 0) return;
  ctx.body = RequestBody.read(raw);
  ctx.outgoing = raw;
}

export function resolveConversation(ctx: RequestContext): void {
  const { runtime, caller, record, row } = ctx;
  const upstream = onlyOpenAiUpstream(runtime);
  if (upstream === undefined) {
    throw new GatewayError('bad_request', 'conversations need exactly one OpenAI provider key in the config: the proxy cannot tell which upstream account holds a conversation');
  }
  if (ctx.id !== null && runtime.callerCount > 1 && !ownedBy(ctx.services.conversationIds.lookup(ctx.id), caller)) throw notFound('conversation', ctx.id);
  const key = upstream.key.name;
  if (caller !== null && !runtime.config.models.some((m) => m.providerKey === key && mayUse(runtime.models, caller, m.name))) {
    throw new GatewayError('forbidden', `API key is not allowed to use any model of provider key "${key}"`);
  }
  record.provider = upstream.key.provider;
  const endpoint = (row.upstream ?? '').replace('{id}', ctx.id ?? '').replace('{item}', ctx.item ?? '');
  const { proxy } = runtime.config;
  ctx.plan = {
    resolved: null,
    routing: null,
    candidates: [{
      target: key, resolved: null, upstream, path: upstreamPath(upstream, endpoint, { addV1ToBareHost: true }) + ctx.query,
      timeoutMs: proxy.upstreamTimeoutMs, idleTimeoutMs: proxy.streamIdleTimeoutMs, retries: 0, retryTimeouts: false, cooldown: null,
    }],
  };
}

/** Input guardrails over the `items` a write carries (the same slots as a Responses `input`). */
export function guardItems(ctx: RequestContext): void {
  const body = ctx.body;
  if (body === null || body.kind('items') !== 'array') return;
  const chain = requestChain(ctx);
  if (!chain.inputActive) return;
  // the items are parsed (duplicate keys refused) only when a guardrail reads them
  const verdict = chain.checkRequest(responsesProtocol, { input: body.guarded().items });
  ctx.record.guardrails.push(...verdict.hits);
  if (verdict.blocked !== null) throw new GatewayError('blocked_input', `request blocked by content policy (guardrail '${verdict.blocked.guardrail}')`);
  if (verdict.body !== null) {
    body.set('items', verdict.body.input);
    ctx.outgoing = body.bytes();
  }
}
