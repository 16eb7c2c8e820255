// A checked `rate_limit` block (spec/rate-limit.ts) as the gateway uses it: every dimension a
// positive integer or null; null when the block is absent or sets nothing.
import type { Entry } from './field-spec.js';
import type { rateLimitSpec } from './spec/rate-limit.js';
import type { RateLimit } from './types.js';

type RateLimitEntry = Entry<ReturnType<typeof rateLimitSpec>['fields']>;

export function rateLimitOf(entry: RateLimitEntry | undefined): RateLimit | null {
  const v = entry?.values;
  if (v === undefined) return null;
  const limit: RateLimit = {
    rps: v.rps ?? null,
    rpm: v.rpm ?? null,
    rph: v.rph ?? null,
    rpd: v.rpd ?? null,
    tpm: v.tpm ?? null,
    tpd: v.tpd ?? null,
    concurrency: v.concurrency ?? null,
  };
  return Object.values(limit).some((n) => n !== null) ? limit : null;
}
