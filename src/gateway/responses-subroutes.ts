// The Responses sub-routes (DESIGN.md §3): retrieve (also `?stream=true`), delete, cancel and
// input_items are keyed by a `resp_…` id and go to the provider key that produced it (affinity);
// an id the proxy never saw goes to the only OpenAI provider key, if there is exactly one.
// input_tokens carries a `model` and is resolved like a create. Query strings pass unchanged.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiKey } from '../config/types.js';
import { authenticate } from './auth.js';
import type { ModelEndpoint } from './endpoints.js';
import { GatewayError } from './errors.js';
import { exchange } from './exchange.js';
import { anyGlob } from './glob.js';
import type { RequestRecord } from './record.js';
import { checkDeclaredLength, parseModelRequest, readBody } from './read-body.js';
import { checkAllowed, checkServable, resolveModel } from './resolve-model.js';
import type { ResponseAffinity } from './response-affinity.js';
import type { Snapshot } from './snapshot.js';
import { upstreamPath, type Upstream } from './upstream.js';

export type SubrouteMatch = { kind: 'input_tokens' } | { kind: 'by_id'; id: string; tail: '' | '/cancel' | '/input_items' };

const ID = /^[A-Za-z0-9_-]{1,200}$/;

export function matchResponsesSubroute(method: string, path: string): SubrouteMatch | null {
  if (!path.startsWith('/v1/responses/')) return null;
  const rest = path.slice('/v1/responses/'.length);
  if (rest === 'input_tokens') return method === 'POST' ? { kind: 'input_tokens' } : null;
  const [id = '', tail, extra] = rest.split('/');
  if (!ID.test(id) || extra !== undefined) return null;
  if (tail === undefined) return method === 'GET' || method === 'DELETE' ? { kind: 'by_id', id, tail: '' } : null;
  if (tail === 'cancel' && method === 'POST') return { kind: 'by_id', id, tail: '/cancel' };
  if (tail === 'input_items' && method === 'GET') return { kind: 'by_id', id, tail: '/input_items' };
  return null;
}

export interface SubrouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  record: RequestRecord;
  snapshot: Snapshot;
  route: SubrouteMatch;
  affinity: ResponseAffinity;
  endpoint: ModelEndpoint;
}

export async function handleResponsesSubroute(ctx: SubrouteRequest): Promise<void> {
  const { req, record, snapshot } = ctx;
  const { proxy } = snapshot.config;
  checkDeclaredLength(req, proxy.requestBodyLimitBytes);
  const caller = authenticate(req.headers, snapshot.keys, Date.now());
  record.caller = caller?.name ?? null;
  const query = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : '';
  let upstream: Upstream;
  let endpointPath: string;
  let body: string | null = null;
  if (ctx.route.kind === 'input_tokens') {
    const parsed = parseModelRequest(await readBody(req, proxy.requestBodyLimitBytes));
    const resolved = resolveModel(snapshot.models, parsed.model);
    Object.assign(record, { alias: resolved.alias, upstreamModel: resolved.upstreamModel, provider: resolved.model.provider });
    checkAllowed(snapshot.models, caller, parsed.model);
    checkServable(resolved);
    upstream = upstreamFor(snapshot, resolved.model.providerKey);
    const refusal = ctx.endpoint.refuse(resolved, upstream.key);
    if (refusal !== null) throw new GatewayError('provider_rejected', refusal);
    body = JSON.stringify({ ...parsed.body, model: resolved.upstreamModel });
    endpointPath = 'responses/input_tokens';
  } else {
    upstream = routeById(ctx, caller, ctx.route.id);
    endpointPath = `responses/${ctx.route.id}${ctx.route.tail}`;
    record.stream = req.method === 'GET' && ctx.route.tail === '' && /(?:^|[?&])stream=true(?:&|$)/.test(query);
  }
  await exchange({
    req, res: ctx.res, record, snapshot, endpoint: ctx.endpoint, upstream,
    method: req.method ?? 'GET',
    path: upstreamPath(upstream, endpointPath, { addV1ToBareHost: true }) + query,
    body, timeoutMs: proxy.upstreamTimeoutMs, idleTimeoutMs: proxy.streamIdleTimeoutMs,
    injectedUsage: false, previews: false,
  });
}

function upstreamFor(snapshot: Snapshot, providerKey: string | null): Upstream {
  const upstream = snapshot.upstreams.get(providerKey ?? '');
  if (upstream === undefined) throw new GatewayError('internal', `no provider key "${providerKey ?? ''}"`);
  return upstream;
}

function routeById(ctx: SubrouteRequest, caller: ApiKey | null, id: string): Upstream {
  const { snapshot, record } = ctx;
  const known = ctx.affinity.lookup(id);
  if (known !== undefined) {
    record.alias = known.alias;
    checkAllowed(snapshot.models, caller, known.alias);
    const upstream = upstreamFor(snapshot, known.providerKey);
    record.provider = upstream.key.provider;
    return upstream;
  }
  const openai = [...snapshot.upstreams.values()].filter((u) => u.key.provider === 'openai');
  const only = openai.length === 1 ? openai[0] : undefined;
  if (only === undefined) {
    throw new GatewayError('unknown_response', `the proxy does not know which upstream holds response "${id}" (it did not relay it, and more than one or no OpenAI provider key is configured)`);
  }
  record.provider = only.key.provider;
  if (caller !== null && !callerMayUse(snapshot, caller, only.key.name)) {
    throw new GatewayError('forbidden', `API key is not allowed to use any model of provider key "${only.key.name}"`);
  }
  return only;
}

function callerMayUse(snapshot: Snapshot, caller: ApiKey, providerKey: string): boolean {
  const globs = snapshot.models.allowed.get(caller) ?? [];
  return snapshot.config.models.some((m) => m.providerKey === providerKey && anyGlob(globs, m.name));
}
