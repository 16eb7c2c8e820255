// Upstream plumbing per provider key: one undici keep-alive Agent each (an EnvHttpProxyAgent when
// HTTP(S)_PROXY is set, so NO_PROXY is honoured too), URL building from `api_base` (AISIX rules),
// and the outgoing header set. Agents of unchanged provider keys survive a config reload.
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderKey } from '../config/types.js';
import { GatewayError } from './errors.js';
import { anyGlob, compileGlob, type Glob } from './glob.js';

const OPENAI_BASE = 'https://api.openai.com/v1';
const PASTED_SUFFIXES = ['/responses', '/chat/completions', '/completions', '/embeddings', '/messages'];
/** Never forwarded, whatever the allowlist says (credentials, hop-by-hop, body and our own headers). */
const NEVER_FORWARDED = new Set([
  'authorization', 'x-api-key', 'api-key', 'x-goog-api-key', 'proxy-authorization', 'cookie', 'host',
  'connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length',
  'content-type', 'accept', 'accept-encoding', 'traceparent', 'tracestate',
]);
/** Prefixes never forwarded either: our own headers, SDK telemetry, AWS request signing (AISIX rules). */
const NEVER_FORWARDED_PREFIXES = ['x-aisix-', 'x-stainless-', 'x-amz-'];

export interface Upstream {
  readonly key: ProviderKey;
  readonly dispatcher: Dispatcher;
  /** `scheme://host[:port]` */
  readonly origin: string;
  /** the base path without a trailing slash ('' for a bare host) */
  readonly basePath: string;
  readonly forwardHeaders: readonly Glob[];
}

function usesProxyEnv(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
}

function createDispatcher(env: NodeJS.ProcessEnv): Dispatcher {
  const options = { keepAliveTimeout: 4_000, connections: null, headersTimeout: 0, bodyTimeout: 0 };
  return usesProxyEnv(env) ? new EnvHttpProxyAgent(options) : new Agent(options);
}

function splitBase(key: ProviderKey): { origin: string; basePath: string } {
  let base = key.apiBase ?? (key.provider === 'openai' ? OPENAI_BASE : null);
  if (base === null) {
    throw new GatewayError('bad_request', `provider_key "${key.name}" has no api_base configured`);
  }
  base = base.trim().replace(/\/$/, '');
  const pasted = PASTED_SUFFIXES.find((suffix) => base!.endsWith(suffix));
  if (pasted !== undefined) base = base.slice(0, -pasted.length);
  const url = new URL(base);
  return { origin: url.origin, basePath: url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '') };
}

function sameUpstream(a: ProviderKey, b: ProviderKey): boolean {
  return a.apiBase === b.apiBase && a.provider === b.provider && a.apiKey === b.apiKey;
}

/** Builds the upstream table, reusing the agents of `previous` entries whose key did not change. */
export function buildUpstreams(
  keys: readonly ProviderKey[],
  previous: ReadonlyMap<string, Upstream> | null,
  env: NodeJS.ProcessEnv = process.env,
): Map<string, Upstream> {
  const table = new Map<string, Upstream>();
  for (const key of keys) {
    const old = previous?.get(key.name);
    let origin = '';
    let basePath = '';
    try {
      ({ origin, basePath } = splitBase(key));
    } catch {
      // no usable api_base: requests to its models answer 400 from upstreamPath()
    }
    const dispatcher = old !== undefined && sameUpstream(old.key, key) ? old.dispatcher : createDispatcher(env);
    table.set(key.name, { key, dispatcher, origin, basePath, forwardHeaders: key.forwardClientHeaders.map(compileGlob) });
  }
  return table;
}

/** Closes the agents that `next` no longer uses. */
export async function closeUnused(previous: ReadonlyMap<string, Upstream>, next: ReadonlyMap<string, Upstream>): Promise<void> {
  const kept = new Set([...next.values()].map((u) => u.dispatcher));
  await Promise.all([...previous.values()].filter((u) => !kept.has(u.dispatcher)).map((u) => u.dispatcher.close()));
}

/**
 * The upstream path for an endpoint (`responses`, `chat/completions`, `responses/abc/cancel`, …).
 * Responses add `/v1` to a bare host; chat does not (except for api.openai.com), as AISIX does.
 */
export function upstreamPath(upstream: Upstream, endpoint: string, { addV1ToBareHost }: { addV1ToBareHost: boolean }): string {
  if (upstream.origin === '') splitBase(upstream.key); // throws the 400 with the reason
  const bare = upstream.basePath === '';
  const prefix = bare && (addV1ToBareHost || upstream.origin === 'https://api.openai.com') ? '/v1' : upstream.basePath;
  return `${prefix}/${endpoint}`;
}

/** Outgoing headers: the provider credential, our request id, and allowlisted client headers only. */
export function upstreamHeaders(options: { upstream: Upstream; requestId: string; client: IncomingHttpHeaders; json: boolean }): Record<string, string> {
  const { upstream, client } = options;
  const headers: Record<string, string> = {
    authorization: `Bearer ${upstream.key.apiKey}`,
    'x-aisix-request-id': options.requestId,
  };
  if (options.json) headers['content-type'] = 'application/json';
  if (upstream.forwardHeaders.length === 0) return headers;
  for (const [name, value] of Object.entries(client)) {
    if (value === undefined || NEVER_FORWARDED.has(name) || NEVER_FORWARDED_PREFIXES.some((p) => name.startsWith(p))) continue;
    if (anyGlob(upstream.forwardHeaders, name)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
