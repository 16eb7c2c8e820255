// The cache stage (DESIGN.md §10), after the rate limit and before dispatch: finds the cache
// policy covering the request (its model and caller) and decides what the cache does with it.
// Rows whose `caches` is false and streams are `bypass` (AISIX caches non-streaming chat
// completions only); request `Cache-Control: no-cache` skips the read, `no-store` the write. A hit
// is served by dispatch without an upstream call (output guardrails still run); a miss is stored by
// the JSON relay once the answer passed. `x-aisix-cache` says which; no policy, no header.
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../errors.js';
import type { RequestContext } from '../routes/context.js';
import { cacheKey, pickCachePolicy } from '../runtime/response-cache.js';

export const CACHE_HEADER = 'x-aisix-cache';

function directives(headers: IncomingHttpHeaders): { noCache: boolean; noStore: boolean } {
  const value = headers['cache-control'];
  if (value === undefined) return { noCache: false, noStore: false };
  const parts = value.toLowerCase().split(',').map((p) => p.trim());
  return { noCache: parts.includes('no-cache'), noStore: parts.includes('no-store') };
}

export function cache(ctx: RequestContext): void {
  const { plan, record, res, row, runtime } = ctx;
  const policies = runtime.config.cachePolicies;
  if (policies.length === 0) return;
  const resolved = plan?.resolved;
  const first = plan?.candidates[0];
  if (resolved == null || first === undefined) throw new GatewayError('internal', `route ${row.name} reached the cache without a plan`);
  const policy = pickCachePolicy(policies, resolved.model.name, ctx.caller?.name ?? null);
  if (policy === null) return;
  const { noCache, noStore } = directives(ctx.req.headers);
  const cacheable = row.caches && !record.stream;
  if (!cacheable) {
    record.cache = 'bypass';
  } else {
    const key = cacheKey({
      policy,
      caller: ctx.caller?.name ?? null,
      model: resolved.alias,
      upstreamModel: first.resolved?.upstreamModel ?? '',
      providerKey: first.upstream.key.name,
      body: ctx.body,
    });
    const hit = noCache ? null : ctx.services.cache.get(key);
    ctx.cached = hit;
    ctx.cacheStore = hit === null && !noStore ? { key, ttlSeconds: policy.ttlSeconds } : null;
    record.cache = hit !== null ? 'hit' : noStore ? 'bypass' : 'miss';
  }
  res.setHeader(CACHE_HEADER, record.cache);
}
