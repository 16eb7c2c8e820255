// Response ids are bound to the caller that created them (DESIGN.md §3, §9). Two stages:
// `resolveStored` routes a call keyed by a stored response's id (retrieve, delete, cancel,
// input_items) to the provider key that produced it; `bindReferencedIds` checks the ids a model
// request's body names (`previous_response_id`, `conversation`: conversations created through the
// proxy are bound the same way, stages/conversations.ts). With more than one caller key,
// an id not relayed for this caller — another caller's, or one never seen — is a 404 before any
// upstream contact. With one caller key or none, an unknown id goes to the only OpenAI provider
// key when there is exactly one.
import type { ApiKey } from '../../config/types.js';
import { GatewayError } from '../errors.js';
import type { RequestContext } from '../routes/context.js';
import { mayUse } from '../runtime/model-index.js';
import type { ResponseOwner } from '../runtime/response-ids.js';
import type { Runtime } from '../runtime/runtime.js';
import { upstreamPath, type Upstream } from '../runtime/upstream.js';

const STREAM_QUERY = /(?:^|[?&])stream=true(?:&|$)/;

export const ownedBy = (owner: ResponseOwner | undefined, caller: ApiKey | null): owner is ResponseOwner =>
  owner !== undefined && owner.caller === (caller?.name ?? null);

export function notFound(kind: string, id: string): GatewayError {
  return new GatewayError('unknown_response', `${kind} "${id}" not found for this API key (ids are bound to the caller that created them through the proxy)`);
}

export function bindReferencedIds(ctx: RequestContext): void {
  const { runtime, row, body } = ctx;
  if (runtime.callerCount <= 1 || row.protocol === null || body === null) return;
  const ids = row.protocol.referencedIds(body);
  for (const id of ids.responses) {
    if (!ownedBy(ctx.services.responseIds.lookup(id), ctx.caller)) throw notFound('response', id);
  }
  for (const id of ids.conversations) {
    if (!ownedBy(ctx.services.conversationIds.lookup(id), ctx.caller)) throw notFound('conversation', id);
  }
}

export function onlyOpenAiUpstream(runtime: Runtime): Upstream | undefined {
  const openai = [...runtime.upstreams.values()].filter((u) => u.key.provider === 'openai');
  return openai.length === 1 ? openai[0] : undefined;
}

export function resolveStored(ctx: RequestContext): void {
  const { runtime, record, caller } = ctx;
  const id = ctx.id ?? '';
  const owner = ctx.services.responseIds.lookup(id);
  let upstream: Upstream | undefined;
  if (owner !== undefined && (runtime.callerCount <= 1 || ownedBy(owner, caller))) {
    record.alias = owner.alias;
    if (!mayUse(runtime.models, caller, owner.alias)) throw new GatewayError('forbidden', `API key is not allowed to use model "${owner.alias}"`);
    upstream = runtime.upstreams.get(owner.providerKey);
    if (upstream === undefined) throw notFound('response', id); // its provider key left the config
  } else if (runtime.callerCount > 1) {
    throw notFound('response', id);
  } else {
    upstream = onlyOpenAiUpstream(runtime);
    if (upstream === undefined) {
      throw new GatewayError('unknown_response', `the proxy does not know which upstream holds response "${id}" (it did not relay it, and more than one or no OpenAI provider key is configured)`);
    }
    const key = upstream.key.name;
    if (caller !== null && !runtime.config.models.some((m) => m.providerKey === key && mayUse(runtime.models, caller, m.name))) {
      throw new GatewayError('forbidden', `API key is not allowed to use any model of provider key "${key}"`);
    }
  }
  record.provider = upstream.key.provider;
  const { proxy } = runtime.config;
  const endpoint = (ctx.row.upstream ?? '').replace('{id}', id);
  record.stream = ctx.req.method === 'GET' && ctx.row.streams && STREAM_QUERY.test(ctx.query);
  const candidate = {
    target: owner?.alias ?? upstream.key.name,
    resolved: null,
    upstream,
    path: upstreamPath(upstream, endpoint, { addV1ToBareHost: true }) + ctx.query,
    timeoutMs: proxy.upstreamTimeoutMs,
    idleTimeoutMs: proxy.streamIdleTimeoutMs,
    retries: 0, // calls on a stored response (delete, cancel) are not repeated behind the caller's back
    retryTimeouts: false,
    cooldown: null,
  };
  ctx.plan = { resolved: null, candidates: [candidate], routing: null };
}
