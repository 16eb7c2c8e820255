// The cache stage (DESIGN.md §10), after the rate limit and before dispatch: finds the cache
// policy covering the request (its model and caller) and decides what the cache does with it.
// Rows whose `caches` is false and streams are `bypass` (AISIX caches non-streaming chat
// completions only); request `Cache-Control: no-cache` skips the read, `no-store` the write. A hit
// is served by dispatch without an upstream call (output guardrails still run); a miss is stored by
// the JSON relay once the answer passed, under the target that answered. The relay's success
// headers carry `x-aisix-cache` (no policy, no header; an error answer has none either).
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../errors.js';
import { REQUEST_ID_HEADER } from '../record/request-id.js';
import type { Candidate, RequestContext } from '../routes/context.js';
import { cacheKey, pickCachePolicy } from '../runtime/response-cache.js';
import { upstreamHeaders } from '../runtime/upstream.js';

function directives(headers: IncomingHttpHeaders): { noCache: boolean; noStore: boolean } {
  const value = headers['cache-control'];
  if (value === undefined) return { noCache: false, noStore: false };
  const parts = value.toLowerCase().split(',').map((p) => p.trim());
  return { noCache: parts.includes('no-cache'), noStore: parts.includes('no-store') };
}

export function cache(ctx: RequestContext): void {
  const { plan, record, row, runtime } = ctx;
  const policies = runtime.config.cachePolicies;
  if (policies.length === 0) return;
  const resolved = plan?.resolved;
  const first = plan?.candidates[0];
  if (resolved == null || first === undefined) throw new GatewayError('internal', `route ${row.name} reached the cache without a plan`);
  // `model:` names what the request sends (AISIX compares the requested model)
  const policy = pickCachePolicy(policies, resolved.alias, ctx.caller?.name ?? null);
  if (policy === null) return;
  const { noCache, noStore } = directives(ctx.req.headers);
  if (!row.caches || record.stream) {
    record.cache = 'bypass';
    return;
  }
  const keyFor = (candidate: Candidate): string =>
    cacheKey({
      policy,
      caller: ctx.caller?.name ?? null,
      model: resolved.alias,
      upstreamModel: candidate.resolved?.upstreamModel ?? '',
      providerKey: candidate.upstream.key.name,
      // client headers the provider key forwards can change the answer
      headers: forwardedHeaders(candidate, ctx.req.headers),
      // the body as sent (its one full parse, shared with guardrails and tapes)
      body: ctx.body?.sent() ?? null,
    });
  const hit = noCache ? null : ctx.services.cache.get(keyFor(first));
  ctx.cached = hit;
  // stored under the target that answered (a routing model may fail over)
  ctx.cacheStore = hit === null && !noStore ? { keyFor, ttlSeconds: policy.ttlSeconds } : null;
  record.cache = hit !== null ? 'hit' : noStore ? 'bypass' : 'miss';
}

function forwardedHeaders(candidate: Candidate, client: IncomingHttpHeaders): Record<string, string> {
  if (candidate.upstream.forwardHeaders.length === 0) return {};
  const headers = upstreamHeaders({ upstream: candidate.upstream, requestId: '', client, json: false });
  delete headers.authorization;
  delete headers[REQUEST_ID_HEADER];
  return headers;
}
