// `passthrough_routes`: the `path_prefix` + `target_url` form with `auth_mode: gateway_key` and an
// injected provider key becomes Config.passthroughRoutes; AISIX's other forms (`hosts`,
// `preserve_host`, `header_key`/`anonymous` auth, `forward_client` credentials) load with one
// warning naming what is unsupported and are left out, still checked where they can be.
// `name` or its alternative spelling `display_name` is the identity; prefixes must not claim the
// gateway's own namespaces nor repeat; a served route without api_keys is an error (it would
// relay the provider key to anyone), and one no api key admits is a warning (`routeAccess`).
import { globMatches, type ProviderKeyIdSetter } from './check-refs.js';
import { visitCollection, type EntryVisit } from './collections.js';
import type { Entry } from './field-spec.js';
import type { IssueSink } from './issues.js';
import type { LoadContext } from './read-fields.js';
import { readEntry } from './read-fields.js';
import type { Reference } from './section-models.js';
import { PASSTHROUGH_ROUTE_FIELDS, RESERVED_PREFIX } from './spec/passthrough-route.js';
import type { ApiKey, PassthroughRoute, SourcePosition } from './types.js';
import { findPair, isNullNode } from './yaml-source.js';

type RouteEntry = Entry<typeof PASSTHROUGH_ROUTE_FIELDS>;

/** Where a route's prefix is written. */
interface Written {
  readonly index: number;
  readonly scope: string;
  readonly pos: SourcePosition;
}

/** A route the local proxy serves, with where its prefix is written. */
interface ServedRoute extends Written {
  readonly route: PassthroughRoute;
}

export interface PassthroughRoutesRead {
  /** the routes in the served form, enabled and disabled, in file order */
  served: ServedRoute[];
  /** every entry's identity (what `allowed_routes` may name) */
  names: string[];
  /** `provider_key` names, checked with the models' */
  providerKeyRefs: Reference[];
  providerKeyIdRefs: ProviderKeyIdSetter[];
}

export function readPassthroughRoutes(node: unknown, base: LoadContext): PassthroughRoutesRead {
  const out: PassthroughRoutesRead = { served: [], names: [], providerKeyRefs: [], providerKeyIdRefs: [] };
  const prefixes = new Map<string, Written>();
  visitCollection(node, 'passthrough_routes', base, (visit) => {
    if (visit.identity !== null) out.names.push(visit.identity);
    const route = readRoute(visit, out, prefixes);
    if (route !== null) out.served.push(route);
  });
  return out;
}

/** true when the key is written with a non-null value (`key: ~` counts as absent, as AISIX's null-refusing schema would not) */
type IsWritten = (key: keyof typeof PASSTHROUGH_ROUTE_FIELDS & string) => boolean;

function readRoute(visit: EntryVisit, out: PassthroughRoutesRead, prefixes: Map<string, Written>): ServedRoute | null {
  const { ctx } = visit;
  const entry = readEntry(visit.node, PASSTHROUGH_ROUTE_FIELDS, ctx);
  const v = entry.values;
  const has: IsWritten = (key) => !isNullNode(findPair(visit.node, key)?.value);
  checkIdentity(entry, has, ctx);
  const hosts = v.hosts !== undefined;
  const unsupported = unsupportedForm(entry, ctx);
  const pathPrefix = checkPathPrefix(entry, hosts, has, ctx);
  const targetUrl = checkTarget(entry, has, ctx);
  const route: PassthroughRoute = {
    name: v.name ?? v.display_name ?? '',
    enabled: v.enabled ?? PASSTHROUGH_ROUTE_FIELDS.enabled.default,
    pathPrefix: pathPrefix ?? '',
    targetUrl: targetUrl ?? '',
    providerKey: v.provider_key ?? '',
    timeoutMs: v.timeout_ms ?? null,
  };
  providerKey(entry, route, out, has, ctx);
  const written: Written = { index: visit.index, scope: ctx.scope, pos: entry.at('path_prefix') };
  if (pathPrefix !== null && route.enabled && !hosts) {
    const first = prefixes.get(pathPrefix);
    if (first === undefined) prefixes.set(pathPrefix, written);
    else {
      ctx.sink.error(
        written.pos,
        ctx.scope,
        `path_prefix \`${pathPrefix}\` is already served by ${first.scope} (line ${first.pos.line}) — two enabled routes cannot share a prefix`,
      );
    }
  }
  return unsupported || pathPrefix === null || targetUrl === null ? null : { route, ...written };
}

function checkIdentity(entry: RouteEntry, has: IsWritten, ctx: EntryVisit['ctx']): void {
  if (has('name') && has('display_name')) {
    ctx.sink.error(entry.keyAt('display_name'), ctx.scope, '`name` and `display_name` are the same setting (`display_name` is an alternative spelling) — set only one');
  } else if (!has('name') && !has('display_name')) {
    ctx.sink.error(entry.pos, ctx.scope, "name (or display_name) is required and must be a non-empty string (it is the entry's identity)");
  }
}

/** Reports AISIX forms the local proxy does not serve, in one warning at the first; true when there are any. */
function unsupportedForm(entry: RouteEntry, ctx: EntryVisit['ctx']): boolean {
  const v = entry.values;
  const found: { what: string; pos: SourcePosition }[] = [];
  if (v.hosts !== undefined) found.push({ what: '`hosts`', pos: entry.keyAt('hosts') });
  if (v.preserve_host === true) found.push({ what: '`preserve_host: true`', pos: entry.at('preserve_host') });
  if (v.auth_mode !== undefined && v.auth_mode !== 'gateway_key') found.push({ what: `\`auth_mode: ${v.auth_mode}\``, pos: entry.at('auth_mode') });
  if (v.credential_mode === 'forward_client') found.push({ what: '`credential_mode: forward_client`', pos: entry.at('credential_mode') });
  const [first] = found.sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
  if (first === undefined) return false;
  const whats = found.map((f) => f.what);
  const list = whats.length === 1 ? whats.join('') : `${whats.slice(0, -1).join(', ')} and ${whats.at(-1) ?? ''}`;
  ctx.sink.warning(
    first.pos,
    ctx.scope,
    `${list} ${found.length === 1 ? 'is' : 'are'} not supported by the local proxy: this route is loaded but not served (the local proxy serves \`path_prefix\` + \`target_url\` routes with \`auth_mode: gateway_key\` and \`credential_mode: inject\`)`,
  );
  return true;
}

/** The prefix as stored (no trailing `/`), or null when absent or unusable (each problem reported). */
function checkPathPrefix(entry: RouteEntry, hosts: boolean, has: IsWritten, ctx: EntryVisit['ctx']): string | null {
  const raw = entry.values.path_prefix;
  if (raw === undefined) {
    if (!has('path_prefix') && !hosts) ctx.sink.error(entry.pos, ctx.scope, 'field `path_prefix` is required (the proxy path this route serves, e.g. `/passthrough/openai`)');
    return null;
  }
  if (entry.unresolved('path_prefix')) return null;
  const pos = entry.at('path_prefix');
  const prefix = raw.replace(/\/+$/, '');
  if (prefix === '') {
    ctx.sink.error(pos, ctx.scope, "field `path_prefix` must not be `/` alone: the route would claim every path, the proxy's own routes included");
    return null;
  }
  const reserved = hosts ? null : RESERVED_PREFIX.exec(prefix);
  if (reserved !== null) {
    ctx.sink.error(
      pos,
      ctx.scope,
      `field \`path_prefix\` must not claim \`/${reserved[1] ?? ''}\`, which belongs to the gateway's own routes (reserved: /v1, /mcp, /a2a, /admin, /livez, /readyz, /metrics, /healthz) — use a prefix such as \`/passthrough/openai\``,
    );
    return null;
  }
  return prefix;
}

/** The target as stored (no trailing `/`), or null when absent or unusable (each problem reported). */
function checkTarget(entry: RouteEntry, has: IsWritten, ctx: EntryVisit['ctx']): string | null {
  const v = entry.values;
  const preserveHost = v.preserve_host === true;
  if (preserveHost && has('target_url')) {
    ctx.sink.error(entry.keyAt('preserve_host'), ctx.scope, '`target_url` and `preserve_host: true` are mutually exclusive — set one');
  } else if (!preserveHost && !has('target_url')) {
    ctx.sink.error(entry.pos, ctx.scope, 'field `target_url` is required (the upstream base URL, e.g. `https://api.openai.com`)');
  }
  if (preserveHost && v.hosts === undefined) {
    ctx.sink.error(entry.at('preserve_host'), ctx.scope, "`preserve_host: true` needs `hosts`: the target is taken from the request's Host, which must be one of them");
  }
  const raw = v.target_url;
  if (raw === undefined || entry.unresolved('target_url')) return null;
  const url = new URL(raw); // format http-url: it parses
  if (url.search !== '' || url.hash !== '' || raw.includes('?') || raw.includes('#')) {
    ctx.sink.error(entry.at('target_url'), ctx.scope, "field `target_url` must not have a query or fragment: the request's own path and query are appended to it");
    return null;
  }
  return raw.replace(/\/+$/, '');
}

/** `provider_key` xor `provider_key_id` with `credential_mode: inject` (the default); neither with `forward_client`. */
function providerKey(entry: RouteEntry, route: PassthroughRoute, out: PassthroughRoutesRead, has: IsWritten, ctx: EntryVisit['ctx']): void {
  const v = entry.values;
  const hasName = has('provider_key');
  const hasId = has('provider_key_id');
  if (v.credential_mode === 'forward_client') {
    const field = hasName ? 'provider_key' : hasId ? 'provider_key_id' : null;
    if (field !== null) {
      ctx.sink.error(entry.keyAt(field), ctx.scope, `\`${field}\` is not used with \`credential_mode: forward_client\` (the caller's own credentials are forwarded) — remove it`);
    }
    return;
  }
  if (hasName && hasId) {
    ctx.sink.error(entry.keyAt('provider_key_id'), ctx.scope, '`provider_key` and `provider_key_id` are mutually exclusive — keep `provider_key`');
  } else if (!hasName && !hasId) {
    ctx.sink.error(entry.pos, ctx.scope, 'field `provider_key` is required (the display_name of the provider key whose secret is injected upstream)');
  }
  if (v.provider_key !== undefined && !entry.unresolved('provider_key')) out.providerKeyRefs.push({ value: v.provider_key, pos: entry.at('provider_key'), scope: ctx.scope });
  if (v.provider_key_id !== undefined && !entry.unresolved('provider_key_id')) {
    const resolve = (name: string): void => {
      route.providerKey = name;
    };
    out.providerKeyIdRefs.push({ value: v.provider_key_id, pos: entry.at('provider_key_id'), scope: ctx.scope, resolve });
  }
}

/**
 * Once api keys are read: an enabled served route without any api key is an error (it would relay
 * the provider key to whoever calls it, and auth is off); one no key's `allowed_routes` admits is
 * a warning (every request to it answers 403).
 */
export function routeAccess(served: readonly ServedRoute[], apiKeys: readonly ApiKey[], sink: IssueSink): void {
  for (const { route, scope, pos } of served) {
    if (!route.enabled) continue;
    if (apiKeys.length === 0) {
      sink.error(
        pos,
        scope,
        `this route relays provider key ${JSON.stringify(route.providerKey)} to whoever calls it, and auth is off (no api_keys are defined) — add an api key whose \`allowed_routes\` names it, or set \`enabled: false\``,
      );
    } else if (!apiKeys.some((key) => key.allowedRoutes.some((glob) => globMatches(glob, route.name)))) {
      sink.warning(pos, scope, "no api key's `allowed_routes` admits this route: every request to it answers 403 permission_denied");
    }
  }
}
