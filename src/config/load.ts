// THE config loader, shared by serve, validate, test-request and live reload: text → YAML
// document → top level → proxy and the collections → cross references (provider_key_id and
// other derived ids resolved to names) → the rules that need auth (non-loopback addr,
// `allowed_origins: "*"`, passthrough routes), guardrail coverage and the names fault rules match
// → a deeply frozen Config, or the list of every problem found. Pure apart from loadConfigFile's one read.
import { readFile } from 'node:fs/promises';
import { checkReferences } from './check-refs.js';
import { deepFreeze } from './freeze.js';
import type { Env } from './interpolate.js';
import { FILE_SCOPE, IssueSink } from './issues.js';
import { isLoopbackHost } from './listen-addr.js';
import type { LoadContext } from './read-fields.js';
import { resolveNames } from './resolve-names.js';
import { readApiKeys } from './section-api-keys.js';
import { readCachePolicies } from './section-cache-policies.js';
import { coverageWarnings, finishAttachments, readGuardrailAttachments } from './section-guardrail-attachments.js';
import { readGuardrails, windowWarnings } from './section-guardrails.js';
import { readModels } from './section-models.js';
import { readObservabilityExporters } from './section-observability-exporters.js';
import { readPassthroughRoutes, routeAccess } from './section-passthrough-routes.js';
import { readProviderKeys } from './section-provider-keys.js';
import { checkFaultRefs } from './section-faults.js';
import { readProxy } from './section-proxy.js';
import { readTopLevel } from './top-level.js';
import type { Config, EntryCounts, LoadResult } from './types.js';
import { YamlSource } from './yaml-source.js';

export interface LoadOptions {
  /** where `${VAR}` and `key_env` values come from (usually process.env) */
  env: Env;
  /** `error` for serve (a secret is needed to run), `warning` for validate (CI rarely has secrets) */
  missingEnv: 'error' | 'warning';
  /** epoch ms; when given, an `expires_at` already in the past is a warning */
  now?: number;
}

const NO_ENTRIES: EntryCounts = Object.freeze({ providerKeys: 0, models: 0, apiKeys: 0, guardrails: 0 });

export function loadConfigText(text: string, path: string, options: LoadOptions): LoadResult {
  const sink = new IssueSink();
  const src = new YamlSource(text.startsWith('\uFEFF') ? text.slice(1) : text, sink);
  const top = src.root === null ? null : readTopLevel(src.root, { src, sink, env: options.env, missingEnv: options.missingEnv });
  if (top === null) return { ok: false, issues: sink.finish(), counts: NO_ENTRIES };
  const ctx: LoadContext = { src, sink, env: options.env, missingEnv: options.missingEnv, now: options.now };
  const section = (key: string): unknown => top.sections.get(key);
  const { settings: proxy, addrPos, anyOriginPos, faultRefs } = readProxy(section('proxy'), ctx);
  const providerKeys = readProviderKeys(section('provider_keys'), ctx);
  const models = readModels(section('models'), ctx);
  const apiKeys = readApiKeys(section('api_keys'), ctx);
  const guardrails = readGuardrails(section('guardrails'), ctx);
  windowWarnings(guardrails.located, proxy, sink);
  const observabilityExporters = readObservabilityExporters(section('observability_exporters'), ctx);
  const cache = readCachePolicies(section('cache_policies'), ctx);
  const attachments = readGuardrailAttachments(top.sections.has('guardrail_attachments'), section('guardrail_attachments'), ctx);
  const routes = readPassthroughRoutes(section('passthrough_routes'), ctx);
  const resolvedModels = checkReferences(
    {
      providerKeys,
      ...models,
      providerKeyRefs: [...models.providerKeyRefs, ...routes.providerKeyRefs],
      routeProviderKeyIdRefs: routes.providerKeyIdRefs,
      ...apiKeys,
    },
    sink,
  );
  const identities = { models: models.models.map((m) => m.name), api_keys: apiKeys.keys.map((k) => k.name), guardrails: guardrails.names, passthrough_routes: routes.names };
  resolveNames([...cache.refs, ...attachments.refs, ...apiKeys.allowedRouteRefs], identities, sink);
  const guardrailAttachments = finishAttachments(attachments, guardrails.located, sink);
  coverageWarnings(guardrailAttachments, { count: top.counts.guardrails, keyPos: top.keyPos.get('guardrails') ?? null, located: guardrails.located }, sink);
  routeAccess(routes.served, apiKeys.keys, sink);
  checkFaultRefs(faultRefs, models.models, apiKeys.keys, sink);
  if (!isLoopbackHost(proxy.host) && apiKeys.keys.length === 0) {
    sink.error(addrPos, 'proxy', `addr ${proxy.addr} accepts connections from other machines, but no api_keys are defined — add an api key, or listen on 127.0.0.1`);
  }
  if (anyOriginPos !== null && apiKeys.keys.length === 0) {
    sink.error(
      anyOriginPos,
      'proxy',
      'allowed_origins "*" would let any web page open in your browser use this proxy and its provider keys, and auth is off (no api_keys are defined) — list the origins you need (loopback ones are always allowed), or add an api key',
    );
  }
  const issues = sink.finish();
  if (sink.hasErrors) return { ok: false, issues, counts: top.counts };
  const config: Config = {
    path,
    proxy,
    providerKeys,
    models: resolvedModels,
    apiKeys: apiKeys.keys,
    guardrails: guardrails.guardrails,
    observabilityExporters,
    cachePolicies: cache.policies,
    guardrailAttachments,
    passthroughRoutes: routes.served.map((served) => served.route),
  };
  return { ok: true, config: deepFreeze(config), issues, counts: top.counts };
}

/** Reads the file, then loadConfigText. An unreadable file is one `(file)` error at 1:1. */
export async function loadConfigFile(path: string, options: LoadOptions): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const issue = { severity: 'error', line: 1, col: 1, scope: FILE_SCOPE, message: `cannot read file: ${osReason(err)}` } as const;
    return { ok: false, issues: [issue], counts: NO_ENTRIES };
  }
  return loadConfigText(text, path, options);
}

/** `ENOENT: no such file or directory` (Node's message without the repeated path). */
export function osReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const comma = message.indexOf(', ');
  return comma > 0 && message.includes(': ') ? message.slice(0, comma) : message;
}
