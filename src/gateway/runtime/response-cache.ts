// The exact-match response cache (DESIGN.md §10, `cache_policies` with the memory backend): what
// a policy stored, by key, until its TTL passes. In-process and across config reloads (the gateway
// owns one; the policies are read from the runtime each request took). Bounded in entries and
// bytes, least recently used evicted first. The key is a SHA-256 over the policy, the caller (unless
// the policy's scope is `env`), the requested model, the upstream model and provider key, the
// client headers forwarded upstream, and the request body with its object keys sorted. The clock is injectable for tests.
import { createHash } from 'node:crypto';
import type { CachePolicy } from '../../config/types.js';

export interface CachedAnswer {
  readonly body: Buffer;
  /** the upstream's content type */
  readonly contentType: string | null;
  /** epoch ms */
  readonly expiresAt: number;
}

export interface CacheKeyParts {
  readonly policy: CachePolicy;
  /** the caller's display_name; null when auth is off */
  readonly caller: string | null;
  readonly model: string;
  readonly upstreamModel: string;
  readonly providerKey: string;
  /** client headers forwarded upstream (`forward_client_headers`) */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

const MAX_ENTRIES = 10_000;
const MAX_BYTES = 256 * 1024 * 1024;

export class ResponseCache {
  private readonly entries = new Map<string, CachedAnswer>();
  private bytes = 0;

  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): CachedAnswer | null {
    const entry = this.entries.get(key);
    if (entry === undefined) return null;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) {
      this.bytes -= entry.body.length;
      return null;
    }
    this.entries.set(key, entry); // most recently used last
    return entry;
  }

  set(key: string, body: Buffer, contentType: string | null, ttlSeconds: number): void {
    if (body.length > MAX_BYTES) return;
    this.delete(key);
    this.entries.set(key, { body, contentType, expiresAt: this.now() + ttlSeconds * 1000 });
    this.bytes += body.length;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && this.bytes <= MAX_BYTES) break;
      this.entries.delete(oldest);
      this.bytes -= entry.body.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.bytes -= entry.body.length;
  }
}

export function cacheKey(parts: CacheKeyParts): string {
  const scope = parts.policy.scope === 'env' ? null : parts.caller;
  const material = [parts.policy.name, scope, parts.model, parts.upstreamModel, parts.providerKey, sortedKeys(parts.headers), sortedKeys(parts.body)];
  return createHash('sha256').update(JSON.stringify(material)).digest('hex');
}

/** The value with every object's keys sorted (arrays keep their order). */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out = Object.create(null) as Record<string, unknown>; // a `__proto__` key stays a key
  for (const key of Object.keys(value).sort()) out[key] = sortedKeys((value as Record<string, unknown>)[key]);
  return out;
}

/**
 * The enabled policy covering a request for the model name `requested` from `caller`: the most
 * specific one (`api_key:` before `model:` before `all`), the first in the file among equals.
 */
export function pickCachePolicy(policies: readonly CachePolicy[], requested: string, caller: string | null): CachePolicy | null {
  let best: CachePolicy | null = null;
  let bestRank = 0;
  for (const policy of policies) {
    if (!policy.enabled) continue;
    const to = policy.appliesTo;
    const rank = to.kind === 'api_key' ? (to.name === caller ? 3 : 0) : to.kind === 'model' ? (to.name === requested ? 2 : 0) : 1;
    if (rank > bestRank) {
      best = policy;
      bestRank = rank;
    }
  }
  return best;
}
