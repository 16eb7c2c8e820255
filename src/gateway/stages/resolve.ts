// The resolve stage — the one place that turns a requested model into a plan (DESIGN.md §8):
// alias (exact, then wildcard) → 404, the caller's allowed_models → 403, model kinds the local
// proxy does not serve → 400, the provider key, the route's provider rule → 400 before anything is
// sent upstream, the upstream path and deadlines.
import type { ProviderKey } from '../../config/types.js';
import { GatewayError } from '../errors.js';
import type { RequestContext, RouteRow } from '../routes/context.js';
import { lookupModel, mayUse, type ResolvedModel } from '../runtime/model-index.js';
import { upstreamPath } from '../runtime/upstream.js';

/** The 400 message when this provider cannot serve the route, else null. */
function providerRefusal(row: RouteRow, { alias, model }: ResolvedModel, key: ProviderKey): string | null {
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
  record.upstreamModel = resolved.upstreamModel;
  record.provider = resolved.model.provider;
  record.cost = resolved.model.cost;
  if (!mayUse(runtime.models, ctx.caller, requested)) throw new GatewayError('forbidden', `API key is not allowed to use model "${requested}"`);
  if (resolved.model.kind !== 'direct') {
    throw new GatewayError('provider_rejected', `model "${resolved.alias}" is a ${resolved.model.kind} model; the local proxy does not route such models yet`);
  }
  const upstream = runtime.upstreams.get(resolved.model.providerKey ?? '');
  if (upstream === undefined) throw new GatewayError('internal', `model "${requested}" has no provider key`);
  const refusal = providerRefusal(row, resolved, upstream.key);
  if (refusal !== null) throw new GatewayError('provider_rejected', refusal);
  const { proxy } = runtime.config;
  ctx.plan = {
    resolved,
    upstream,
    path: upstreamPath(upstream, row.upstream ?? '', { addV1ToBareHost: row.providers === 'openai' }),
    timeoutMs: resolved.model.timeoutMs ?? proxy.upstreamTimeoutMs,
    idleTimeoutMs: resolved.model.streamTimeoutMs ?? proxy.streamIdleTimeoutMs,
  };
}
