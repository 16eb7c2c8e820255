// The resolve stage — the one place that turns a requested model into a plan (DESIGN.md §8, §10):
// alias (exact, then wildcard) → 404, the caller's allowed_models → 403, model kinds the local
// proxy does not serve → 400, then the candidates to try: the direct model, or a routing model's
// targets in order (failover by priority, or weighted round robin first), bounded by
// max_fallbacks, each with its provider key, the route's provider rule (every target must pass:
// 400 before anything is sent upstream), upstream path, deadlines and retry budget.
import type { ProviderKey, Routing } from '../../config/types.js';
import { GatewayError } from '../errors.js';
import type { Candidate, RequestContext, RouteRow } from '../routes/context.js';
import { lookupModel, mayUse, type ResolvedModel } from '../runtime/model-index.js';
import { anthropicPath, upstreamPath } from '../runtime/upstream.js';

/** The 400 message when this provider cannot serve the route, else null. */
function providerRefusal(row: RouteRow, { alias, model }: ResolvedModel, key: ProviderKey): string | null {
  if (row.providers === 'anthropic') {
    return model.provider === 'anthropic'
      ? null
      : `model "${alias}" uses provider "${model.provider ?? ''}": the local proxy serves ${row.name} for Anthropic providers only; call /v1/chat/completions or /v1/responses for this model`;
  }
  if (row.providers === 'openai') {
    return model.provider === 'openai'
      ? null
      : `model "${alias}" uses provider "${model.provider ?? ''}": the local proxy serves ${row.name} for OpenAI providers only; call /v1/chat/completions for this model`;
  }
  return model.provider === 'openai' || key.adapter === 'openai' || key.apiBase !== null
    ? null
    : `model "${alias}" uses provider "${model.provider ?? ''}", which the local proxy cannot reach with the OpenAI wire format; give its provider key \`adapter: openai\` and an \`api_base\``;
}

export function resolve(ctx: RequestContext): void {
  const { runtime, record, row } = ctx;
  const body = ctx.body;
  const requested = body === null ? null : row.protocol?.model(body);
  if (typeof requested !== 'string') throw new GatewayError('internal', `route ${row.name} resolved without a model`);
  const resolved = lookupModel(runtime.models, requested);
  if (resolved === null) throw new GatewayError('model_not_found', `model "${requested}" not found`);
  record.alias = resolved.alias;
  if (!mayUse(runtime.models, ctx.caller, requested)) throw new GatewayError('forbidden', `API key is not allowed to use model "${requested}"`);
  const { model } = resolved;
  if (model.kind !== 'direct' && model.kind !== 'routing') {
    throw new GatewayError('provider_rejected', `model "${resolved.alias}" is an ${model.kind} model; the local proxy does not serve such models (AISIX does)`);
  }
  const routing = model.routing;
  const targets = routing === null ? [resolved] : routingTargets(ctx, resolved.alias, routing);
  const first = targets[0] as ResolvedModel;
  record.upstreamModel = first.upstreamModel;
  record.provider = first.model.provider;
  record.cost = first.model.cost;
  const candidates = targets.map((target, i) => candidateFor(ctx, target, routing, i < targets.length - 1));
  ctx.plan = { resolved, candidates, routing };
}

/** A routing model's targets in the order they are tried (failover: priority, then file order). */
function routingTargets(ctx: RequestContext, alias: string, routing: Routing): ResolvedModel[] {
  const byPriority = routing.targets.map((t, i) => ({ t, i })).sort((a, b) => b.t.priority - a.t.priority || a.i - b.i).map(({ t }) => t);
  let ordered = byPriority;
  if (routing.strategy === 'round_robin') {
    const first = routing.targets[ctx.services.routing.nextTurn(alias, routing.targets)];
    ordered = first === undefined ? byPriority : [first, ...byPriority.filter((t) => t !== first)];
  }
  const limit = routing.maxFallbacks === null ? ordered.length : routing.maxFallbacks + 1;
  const resolved: ResolvedModel[] = [];
  for (const target of ordered.slice(0, limit)) {
    const found = lookupModel(ctx.runtime.models, target.model);
    if (found === null || found.model.kind !== 'direct') {
      throw new GatewayError('provider_rejected', `routing model "${alias}" has target "${target.model}", which is not a direct model the local proxy can call`);
    }
    resolved.push(found);
  }
  if (resolved.length === 0) throw new GatewayError('provider_rejected', `routing model "${alias}" has no targets`);
  return resolved;
}

function candidateFor(ctx: RequestContext, target: ResolvedModel, routing: Routing | null, hasNext: boolean): Candidate {
  const { runtime, row } = ctx;
  const upstream = runtime.upstreams.get(target.model.providerKey ?? '');
  if (upstream === undefined) throw new GatewayError('internal', `model "${target.alias}" has no provider key`);
  const refusal = providerRefusal(row, target, upstream.key);
  if (refusal !== null) throw new GatewayError('provider_rejected', refusal);
  const { proxy } = runtime.config;
  const explicit = target.model.retries ?? routing?.retries ?? null;
  return {
    target: target.alias,
    resolved: target,
    upstream,
    // Messages keep the caller's query string (Claude Code sends `?beta=true`)
    path: row.providers === 'anthropic' ? anthropicPath(upstream, row.upstream ?? '') + ctx.query : upstreamPath(upstream, row.upstream ?? '', { addV1ToBareHost: row.providers === 'openai' }),
    timeoutMs: target.model.timeoutMs ?? proxy.upstreamTimeoutMs,
    idleTimeoutMs: target.model.streamTimeoutMs ?? proxy.streamIdleTimeoutMs,
    // a target with another one queued and no budget of its own fails over instead of retrying
    retries: explicit ?? (hasNext ? 0 : proxy.upstreamRetries),
    retryTimeouts: explicit !== null,
    cooldown: target.model.cooldown,
  };
}
