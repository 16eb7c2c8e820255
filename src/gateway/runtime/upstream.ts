// Upstream plumbing per provider key: its agent (agents.ts), URL building from `api_base` (AISIX
// rules) and the outgoing header set (the provider credential, our request id, allowlisted client
// headers; never the caller's credentials).
import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderKey } from '../../config/types.js';
import { GatewayError } from '../errors.js';
import { createAgent, identityOf, type AgentHandle } from './agents.js';
import { CALLER_CREDENTIALS, connectionNamed, crossesProxy, PROVIDER_CREDENTIALS } from '../http/header-policy.js';
import { anyGlob, compileGlob, type Glob } from './glob.js';

const OPENAI_BASE = 'https://api.openai.com/v1';
const ANTHROPIC_BASE = 'https://api.anthropic.com';
const ANTHROPIC_VERSION = '2023-06-01';
const PASTED_SUFFIXES = ['/responses', '/chat/completions', '/completions', '/embeddings', '/messages'];
/** Never forwarded on model routes, whatever the allowlist says: besides the header policy's, the body's own headers and trace context. */
const NEVER_FORWARDED = new Set([...PROVIDER_CREDENTIALS, 'content-length', 'content-type', 'accept', 'accept-encoding', 'traceparent', 'tracestate']);
/** Prefixes never forwarded either: SDK telemetry and AWS request signing (AISIX rules). */
const NEVER_FORWARDED_PREFIXES = ['x-stainless-', 'x-amz-'];

export interface Upstream {
  readonly key: ProviderKey;
  readonly agent: AgentHandle;
  readonly dispatcher: Dispatcher;
  /** `scheme://host[:port]` */
  readonly origin: string;
  /** the base path without a trailing slash ('' for a bare host) */
  readonly basePath: string;
  readonly forwardHeaders: readonly Glob[];
}

function splitBase(key: ProviderKey): { origin: string; basePath: string } {
  let base = key.apiBase ?? (key.provider === 'openai' ? OPENAI_BASE : key.provider === 'anthropic' ? ANTHROPIC_BASE : null);
  if (base === null) {
    throw new GatewayError('bad_request', `provider_key "${key.name}" has no api_base configured`);
  }
  base = base.trim().replace(/\/$/, '');
  const pasted = PASTED_SUFFIXES.find((suffix) => base!.endsWith(suffix));
  if (pasted !== undefined) base = base.slice(0, -pasted.length);
  const url = new URL(base);
  return { origin: url.origin, basePath: url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '') };
}

/**
 * Builds the upstream table; keys whose pool identity did not change reuse `previous`'s agent.
 * Every agent in the table is held once by the table (released by the runtime that owns it).
 */
export function buildUpstreams(
  keys: readonly ProviderKey[],
  previous: ReadonlyMap<string, Upstream> | null,
  env: NodeJS.ProcessEnv = process.env,
): Map<string, Upstream> {
  const table = new Map<string, Upstream>();
  for (const key of keys) {
    const old = previous?.get(key.name)?.agent;
    let origin = '';
    let basePath = '';
    try {
      ({ origin, basePath } = splitBase(key));
    } catch {
      // no usable api_base: requests to its models answer 400 from upstreamPath()
    }
    const agent = (old !== undefined && !old.closed && old.identity === identityOf(key) ? old : createAgent(key, env)).hold();
    table.set(key.name, { key, agent, dispatcher: agent.dispatcher, origin, basePath, forwardHeaders: key.forwardClientHeaders.map(compileGlob) });
  }
  return table;
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

/** Anthropic's endpoint path: `api_base` + `/v1/<endpoint>` (a base already ending in `/v1` is not doubled). */
export function anthropicPath(upstream: Upstream, endpoint: string): string {
  if (upstream.origin === '') splitBase(upstream.key); // throws the 400 with the reason
  const base = upstream.basePath.endsWith('/v1') ? upstream.basePath : `${upstream.basePath}/v1`;
  return `${base}/${endpoint}`;
}

/**
 * Outgoing headers: the provider credential (`Authorization: Bearer`, or Anthropic's `x-api-key`
 * with the caller's `anthropic-version` and `anthropic-beta`), our request id, and allowlisted
 * client headers only.
 */
export function upstreamHeaders(options: { upstream: Upstream; requestId: string; client: IncomingHttpHeaders; json: boolean; anthropic?: boolean }): Record<string, string> {
  const { upstream, client } = options;
  const headers: Record<string, string> = { 'x-aisix-request-id': options.requestId };
  if (options.anthropic === true) {
    headers['x-api-key'] = upstream.key.apiKey;
    headers['anthropic-version'] = headerText(client['anthropic-version']) ?? ANTHROPIC_VERSION;
    const beta = headerText(client['anthropic-beta']);
    if (beta !== undefined) headers['anthropic-beta'] = beta;
  } else {
    headers.authorization = `Bearer ${upstream.key.apiKey}`;
  }
  if (options.json) headers['content-type'] = 'application/json';
  if (upstream.forwardHeaders.length === 0) return headers;
  const named = connectionNamed(client);
  for (const [name, value] of Object.entries(client)) {
    if (value === undefined || !crossesProxy(name, named) || CALLER_CREDENTIALS.has(name) || NEVER_FORWARDED.has(name) || NEVER_FORWARDED_PREFIXES.some((p) => name.startsWith(p))) continue;
    if (anyGlob(upstream.forwardHeaders, name)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}
