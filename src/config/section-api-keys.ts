// `api_keys`: the callers. `key_env` (plaintext from the environment, SHA-256 hashed here and
// never printed) or `key_hash`; `allowed_models` and `allowed_routes` globs; `expires_at`;
// `disabled`; `rate_limit`. Collects the model and route names and the hashes check-refs.ts and
// resolve-names.ts compare across entries.
import { createHash } from 'node:crypto';
import { visitCollection, type EntryVisit } from './collections.js';
import type { Entry } from './field-spec.js';
import type { LoadContext } from './read-fields.js';
import { readEntry } from './read-fields.js';
import { rateLimitOf } from './read-rate-limit.js';
import type { NameRef } from './resolve-names.js';
import { parseRfc3339 } from './rfc3339.js';
import type { Reference } from './section-models.js';
import { countStars } from './section-provider-keys.js';
import { API_KEY_FIELDS } from './spec/api-key.js';
import type { ApiKey } from './types.js';

type ApiKeyEntry = Entry<typeof API_KEY_FIELDS>;

export interface CredentialRef extends Reference {
  readonly index: number;
  readonly name: string;
}

export interface ApiKeysRead {
  keys: ApiKey[];
  allowedModelRefs: Reference[];
  /** `allowed_routes` entries without `*`: each must name a passthrough route */
  allowedRouteRefs: NameRef[];
  /** `value` is the key hash */
  credentials: CredentialRef[];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const SHA256_HEX_ANY_CASE = /^[0-9a-fA-F]{64}$/;

export function readApiKeys(node: unknown, base: LoadContext): ApiKeysRead {
  const out: ApiKeysRead = { keys: [], allowedModelRefs: [], allowedRouteRefs: [], credentials: [] };
  visitCollection(node, 'api_keys', base, (visit) => out.keys.push(readApiKey(visit, out, base.now)));
  return out;
}

function readApiKey(visit: EntryVisit, out: ApiKeysRead, now: number | undefined): ApiKey {
  const { ctx } = visit;
  const entry = readEntry(visit.node, API_KEY_FIELDS, ctx);
  const v = entry.values;
  const keyHash = credential(entry, visit);
  if (keyHash !== '') out.credentials.push({ value: keyHash, pos: entry.at(entry.has('key_env') ? 'key_env' : 'key_hash'), scope: ctx.scope, index: visit.index, name: v.display_name ?? '' });
  for (const item of v.allowed_models ?? []) {
    const stars = countStars(item.value);
    if (stars > 1) ctx.sink.error(item.pos, ctx.scope, `allowed_models entry ${JSON.stringify(item.value)} has ${stars} \`*\`; a glob may contain exactly one`);
    else if (stars === 0 && !item.unresolved) out.allowedModelRefs.push({ value: item.value, pos: item.pos, scope: ctx.scope });
  }
  for (const item of v.allowed_routes ?? []) {
    const stars = countStars(item.value);
    if (stars > 1) ctx.sink.error(item.pos, ctx.scope, `allowed_routes entry ${JSON.stringify(item.value)} has ${stars} \`*\`; a glob may contain exactly one`);
    else if (stars === 0 && !item.unresolved) {
      out.allowedRouteRefs.push({ kind: 'passthrough_routes', field: 'allowed_routes entry', value: item.value, pos: item.pos, scope: ctx.scope, ids: false });
    }
  }
  const expiresAt = v.expires_at === undefined ? null : parseRfc3339(v.expires_at);
  if (expiresAt !== null && now !== undefined && expiresAt < now) {
    ctx.sink.warning(entry.at('expires_at'), ctx.scope, `expires_at ${v.expires_at} is in the past: requests with this key get 401 api_key_expired`);
  }
  return {
    name: v.display_name ?? '',
    keyHash,
    keyEnv: v.key_env ?? null,
    allowedModels: (v.allowed_models ?? []).map((m) => m.value),
    expiresAt,
    disabled: v.disabled ?? API_KEY_FIELDS.disabled.default,
    rateLimit: rateLimitOf(v.rate_limit),
    allowedRoutes: (v.allowed_routes ?? []).map((r) => r.value),
  };
}

/** The key hash from `key_env` or `key_hash`; '' (never matches a request) when unusable. */
function credential(entry: ApiKeyEntry, { ctx }: EntryVisit): string {
  const hasEnv = entry.has('key_env');
  const hasHash = entry.has('key_hash');
  if (hasEnv && hasHash) {
    ctx.sink.error(entry.keyAt('key_hash'), ctx.scope, '`key_env` and `key_hash` are mutually exclusive — set exactly one');
    return '';
  }
  if (!hasEnv && !hasHash) {
    ctx.sink.error(entry.pos, ctx.scope, 'one of `key_env` (an environment variable holding the plaintext key) or `key_hash` (its SHA-256 hex) is required');
    return '';
  }
  return hasEnv ? hashFromEnv(entry, ctx) : checkHash(entry, ctx);
}

function hashFromEnv(entry: ApiKeyEntry, ctx: EntryVisit['ctx']): string {
  const name = entry.values.key_env;
  if (name === undefined || entry.unresolved('key_env')) return '';
  const pos = entry.at('key_env');
  if (name.startsWith('AISIX_')) {
    ctx.sink.warning(pos, ctx.scope, `\`key_env\` variable \`${name}\` starts with AISIX_, which the AISIX gateway reads as its own settings — pick another name`);
  }
  const plaintext = Object.hasOwn(ctx.env, name) ? ctx.env[name] : undefined;
  if (typeof plaintext !== 'string' || plaintext === '') {
    ctx.sink.add(ctx.missingEnv, pos, ctx.scope, `\`key_env\` environment variable \`${name}\` is unset or empty`);
    return '';
  }
  if (plaintext.includes('${')) {
    ctx.sink.error(pos, ctx.scope, `\`key_env\` environment variable \`${name}\` contains an uninterpolated \`\${...}\` reference — set it to the plaintext key itself`);
    return '';
  }
  return createHash('sha256').update(plaintext, 'utf8').digest('hex');
}

function checkHash(entry: ApiKeyEntry, ctx: EntryVisit['ctx']): string {
  const hash = entry.values.key_hash;
  if (hash === undefined || entry.unresolved('key_hash')) return '';
  if (SHA256_HEX.test(hash)) return hash;
  const message = SHA256_HEX_ANY_CASE.test(hash)
    ? 'field `key_hash` must be lowercase hex: AISIX compares the exact string, so an uppercase hash never matches'
    : "field `key_hash` must be a SHA-256 digest: 64 lowercase hex characters (printf '%s' \"$KEY\" | sha256sum)";
  ctx.sink.error(entry.at('key_hash'), ctx.scope, message);
  return '';
}
