// `cache_policies`: exact-match response caching for non-streaming chat completions. Parses
// `applies_to` (`all`, `model:<name>`, `api_key:<name>`; anything else is an error, where AISIX
// would silently cache every request) and collects its name for resolve-names.ts, with a warning
// where production would match differently (AISIX compares `model:` with the model name the
// request sends and `api_key:` with the caller's derived id). `backend: redis` and `semantic`
// load with a warning: the local proxy keeps exact matches in memory.
import { visitCollection, type EntryVisit } from './collections.js';
import type { Entry } from './field-spec.js';
import type { LoadContext } from './read-fields.js';
import { readEntry } from './read-fields.js';
import type { NameRef, Via } from './resolve-names.js';
import { deriveResourceId } from './resource-id.js';
import { CACHE_POLICY_FIELDS } from './spec/cache-policy.js';
import type { CacheAppliesTo, CachePolicy, SourcePosition } from './types.js';
import { findPair, isMap, isNullNode } from './yaml-source.js';

type CachePolicyEntry = Entry<typeof CACHE_POLICY_FIELDS>;

export interface CachePoliciesRead {
  policies: CachePolicy[];
  /** `applies_to` names: models and api keys */
  refs: NameRef[];
}

const APPLIES_TO = /^(model|api_key):(.*)$/s;

export function readCachePolicies(node: unknown, base: LoadContext): CachePoliciesRead {
  const out: CachePoliciesRead = { policies: [], refs: [] };
  visitCollection(node, 'cache_policies', base, (visit) => out.policies.push(readPolicy(visit, out)));
  return out;
}

function readPolicy(visit: EntryVisit, out: CachePoliciesRead): CachePolicy {
  const { node, ctx } = visit;
  const entry = readEntry(node, CACHE_POLICY_FIELDS, ctx);
  const v = entry.values;
  if (v.backend === 'redis') {
    ctx.sink.warning(entry.at('backend'), ctx.scope, "backend `redis` is not used by the local proxy: it keeps this policy's entries in memory, in this process (AISIX shares them through Redis)");
  }
  const semantic = findPair(node, 'semantic')?.value;
  if (!isNullNode(semantic) && !isMap(semantic)) ctx.sink.error(ctx.src.posOf(semantic), ctx.scope, 'field `semantic` must be a mapping');
  const policy: CachePolicy = {
    name: v.name ?? '',
    enabled: v.enabled ?? CACHE_POLICY_FIELDS.enabled.default,
    appliesTo: { kind: 'all' },
    scope: v.scope ?? CACHE_POLICY_FIELDS.scope.default,
    ttlSeconds: v.ttl_seconds ?? CACHE_POLICY_FIELDS.ttl_seconds.default,
  };
  policy.appliesTo = appliesTo(entry, visit, (resolved) => {
    policy.appliesTo = resolved;
  }, out);
  return policy;
}

/** The parsed `applies_to`; a `model:`/`api_key:` name is queued for resolution (`set` receives the resolved form). */
function appliesTo(entry: CachePolicyEntry, { ctx }: EntryVisit, set: (resolved: CacheAppliesTo) => void, out: CachePoliciesRead): CacheAppliesTo {
  const raw = entry.values.applies_to;
  if (raw === undefined || entry.unresolved('applies_to')) return { kind: 'all' };
  const pos = entry.at('applies_to');
  const text = raw.trim();
  if (text === 'all') return { kind: 'all' };
  const match = APPLIES_TO.exec(text);
  const kind = match?.[1] === 'model' ? 'model' : 'api_key';
  const name = match?.[2]?.trim() ?? '';
  if (match === null || name === '') {
    const aisix = match === null ? ' (AISIX would apply this policy to every request)' : '';
    ctx.sink.error(pos, ctx.scope, `field \`applies_to\` must be \`all\`, \`model:<model display_name>\` or \`api_key:<api key display_name>\`, got ${JSON.stringify(raw)}${aisix}`);
    return { kind: 'all' };
  }
  const resolve = (identity: string, via: Via): void => {
    parityWarning(kind, identity, via, pos, ctx);
    set({ kind, name: identity });
  };
  out.refs.push({ kind: kind === 'model' ? 'models' : 'api_keys', field: 'applies_to', value: name, pos, scope: ctx.scope, ids: true, wildcards: true, resolve });
  return { kind, name };
}

/** Where AISIX would never match what the local proxy matches: says so, with the form that works on both. */
function parityWarning(kind: 'model' | 'api_key', identity: string, via: Via, pos: SourcePosition, ctx: EntryVisit['ctx']): void {
  if (kind === 'api_key' && via === 'name') {
    ctx.sink.warning(
      pos,
      ctx.scope,
      `AISIX compares \`api_key:\` with the caller's derived id, so in production this policy would cache nothing — write \`api_key:${deriveResourceId('api_keys', identity)}\` (the id of ${JSON.stringify(identity)}), which the local proxy accepts too`,
    );
  } else if (kind === 'model' && identity.includes('*')) {
    ctx.sink.warning(
      pos,
      ctx.scope,
      `\`model:${identity}\` names a wildcard model's pattern, but requests send a concrete name (such as \`${identity.replace('*', 'gpt-4o')}\`) and \`model:\` is compared with it, so this policy caches nothing — name the model the requests send`,
    );
  } else if (kind === 'model' && via === 'id') {
    ctx.sink.warning(
      pos,
      ctx.scope,
      `AISIX compares \`model:\` with the model name a request sends, so in production this policy would cache nothing — write \`model:${identity}\``,
    );
  }
}
