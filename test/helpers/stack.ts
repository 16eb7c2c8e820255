// Test stack: the real mock upstream and the real gateway, both on port 0, with every emitted
// event collected. The gateway's config is always YAML text run through the real loader
// (config/load.ts), with the mock's URL and the keys coming in through `${VAR}` interpolation
// from the env handed to the loader — the same path `aisix serve` takes, so a loader bug shows
// up here too. A config with load errors throws, with the issues formatted as `validate` prints them.
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { stringify } from 'yaml';
import { loadConfigText } from '../../src/config/load.js';
import { formatText } from '../../src/config/format-issues.js';
import type { Config, ConfigIssue } from '../../src/config/types.js';
import { createEventBus, type EventBus } from '../../src/events/bus.js';
import type { GatewayEvents, RequestFinished } from '../../src/events/types.js';
import { createGateway, type Gateway } from '../../src/gateway/index.js';
import type { ResponseCache } from '../../src/gateway/runtime/response-cache.js';
import { startMock, type MockServer } from '../../src/mock/index.js';

export const CALLER_KEY = 'sk-caller-dev';
export const UPSTREAM_KEY = 'sk-upstream-secret';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// YAML building. Entries are plain objects with AISIX's field names (snake_case), turned into
// YAML text by configYaml(); values such as '${MOCK_URL}/v1' are left for the loader to resolve.

/** One mapping of the file: a collection entry or the `proxy:` section, with the file's field names. */
export type Entry = Record<string, unknown>;

export interface ConfigParts {
  /** merged over DEFAULT_PROXY */
  proxy?: Entry;
  /** each one, when given, replaces the default collection */
  provider_keys?: Entry[];
  models?: Entry[];
  api_keys?: Entry[];
  guardrails?: Entry[];
  /** written only when given (the file has no such collection otherwise) */
  cache_policies?: Entry[];
  guardrail_attachments?: Entry[];
  passthrough_routes?: Entry[];
}

/** Port 0, a 1 MB body limit, 10 s upstream deadlines and no retries, so a broken test fails fast. */
export const DEFAULT_PROXY: Entry = Object.freeze({
  addr: '127.0.0.1:0',
  request_body_limit_bytes: 1_048_576,
  upstream_timeout_ms: 10_000,
  stream_idle_timeout_ms: 10_000,
  shutdown_grace_ms: 1_000,
  upstream_retries: 0, // retries are tested on their own (routing.test.ts); elsewhere one attempt each
});

/** An OpenAI provider key; by default the mock (`${MOCK_URL}/v1`) with `${UPSTREAM_KEY}`. */
export function providerKey(name: string, apiBase = '${MOCK_URL}/v1', extra: Entry = {}): Entry {
  return { display_name: name, provider: 'openai', api_key: '${UPSTREAM_KEY}', api_base: apiBase, ...extra };
}

/** A direct OpenAI model on the `mock` provider key (override any field with `extra`). */
export function model(name: string, modelName: string, extra: Entry = {}): Entry {
  return { display_name: name, provider: 'openai', model_name: modelName, provider_key: 'mock', ...extra };
}

/** A caller whose plaintext key is the loader env's `keyEnv`; every model allowed unless overridden. */
export function apiKey(name: string, keyEnv: string, extra: Entry = {}): Entry {
  return { display_name: name, key_env: keyEnv, allowed_models: ['*'], ...extra };
}

/** A keyword guardrail; a pattern string is a literal, `{ regex }` a regex (Rust-style `(?i)` allowed). */
export function keywordGuardrail(name: string, patterns: (string | { regex: string })[], extra: Entry = {}): Entry {
  return {
    name,
    kind: 'keyword',
    ...extra,
    patterns: patterns.map((p) => (typeof p === 'string' ? { kind: 'literal', value: p } : { kind: 'regex', value: p.regex })),
  };
}

/** A pii guardrail over built-in detectors (each with its default action unless given as [type, action]). */
export function piiGuardrail(name: string, detectors: (string | [string, string])[], extra: Entry = {}): Entry {
  return { name, kind: 'pii', detectors: detectors.map((d) => (Array.isArray(d) ? { type: d[0], action: d[1] } : { type: d })), ...extra };
}

/** The mock's behaviour models, each served under its short alias (`slow` → `mock-slow`). */
export const MOCK_ALIASES = [
  'slow', 'error-429', 'error-500', 'error-400', 'error-text', 'cut', 'no-usage', 'long', 'reasoning', 'tool', 'crlf',
  'bytewise', 'data-only', 'hang', 'stall', 'reset', 'bad-sse', 'huge',
] as const;

export const GPT_COST = Object.freeze({ input_per_1k: 0.5, output_per_1k: 1.5 });

export const DEFAULT_PROVIDER_KEYS: readonly Entry[] = Object.freeze([providerKey('mock')]);
/** `gpt` → mock-echo with a price, every `mock-*` behaviour by its short alias, and `openai/*`. */
export const DEFAULT_MODELS: readonly Entry[] = Object.freeze([
  model('gpt', 'mock-echo', { cost: GPT_COST }),
  ...MOCK_ALIASES.map((alias) => model(alias, `mock-${alias}`)),
  model('openai/*', '*'),
]);
/** One caller, `dev`, whose key is `${CALLER_KEY}` (CALLER_KEY). */
export const DEFAULT_API_KEYS: readonly Entry[] = Object.freeze([apiKey('dev', 'CALLER_KEY')]);

/** A whole config file: the defaults, with each given part replacing (proxy: merging into) its default. */
export function configYaml(parts: ConfigParts = {}): string {
  const doc = {
    _format_version: '1',
    proxy: { ...DEFAULT_PROXY, ...parts.proxy },
    provider_keys: parts.provider_keys ?? DEFAULT_PROVIDER_KEYS,
    models: parts.models ?? DEFAULT_MODELS,
    api_keys: parts.api_keys ?? DEFAULT_API_KEYS,
    guardrails: parts.guardrails ?? [],
    ...(parts.cache_policies === undefined ? {} : { cache_policies: parts.cache_policies }),
    ...(parts.guardrail_attachments === undefined ? {} : { guardrail_attachments: parts.guardrail_attachments }),
    ...(parts.passthrough_routes === undefined ? {} : { passthrough_routes: parts.passthrough_routes }),
  };
  return stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }); // no &anchors: the loader refuses aliases
}

export const DEFAULT_YAML = configYaml();

// ---------------------------------------------------------------------------------------------
// Loading.

/** What every stack's loader env holds besides the test's own variables (MOCK_URL is added per stack). */
export const BASE_ENV: Readonly<Record<string, string>> = Object.freeze({ CALLER_KEY, UPSTREAM_KEY });

export interface LoadedConfig {
  config: Config;
  warnings: readonly ConfigIssue[];
}

/** Loads `yaml` with the real loader (as `serve` does: a missing variable is an error); throws on any error. */
export function loadStackConfig(yaml: string, env: Record<string, string> = {}, path = 'stack.yaml'): LoadedConfig {
  const result = loadConfigText(yaml, path, { env: { ...BASE_ENV, ...env }, missingEnv: 'error', now: Date.now() });
  if (!result.ok) {
    const numbered = yaml.split('\n').map((line, i) => `${String(i + 1).padStart(4)} | ${line}`).join('\n');
    throw new Error(`test config does not load:\n${formatText(result, path).stderr}\n${numbered}`);
  }
  return { config: result.config, warnings: result.issues.filter((i) => i.severity === 'warning') };
}

// ---------------------------------------------------------------------------------------------
// The stack.

export interface StackOptions {
  /** the whole config file (default DEFAULT_YAML); build variations with configYaml() */
  yaml?: string;
  /** extra `${VAR}` / key_env variables for the loader; MOCK_URL, CALLER_KEY and UPSTREAM_KEY are always set */
  env?: Record<string, string>;
  /** keep input/output previews on request.finished (what log_bodies or the TUI turn on) */
  previews?: boolean;
  /** the response cache the gateway uses (a test injects one with a clock) */
  cache?: ResponseCache;
  /** wires extra listeners before the gateway starts; the returned function runs after the gateway closed */
  attach?: (bus: EventBus, config: Config) => (() => Promise<void>) | void;
}

export interface Stack {
  mock: MockServer;
  gateway: Gateway;
  url: string;
  /** the config the gateway runs: the loader's output for `yaml` */
  config: Config;
  /** the YAML text it was loaded from, and the loader's warnings */
  yaml: string;
  warnings: readonly ConfigIssue[];
  events: RequestFinished[];
  all: { name: keyof GatewayEvents; payload: unknown }[];
  client(key?: string): OpenAI;
  /** resolves once `n` request.finished events have arrived */
  waitForEvents(n: number): Promise<RequestFinished[]>;
  /**
   * Resolves once `check()` holds, re-checking after every event the bus emits (no polling);
   * rejects after `ms` as a failure guard, naming `what`.
   */
  until(check: () => boolean, what: string, ms?: number): Promise<void>;
  /** stops the gateway (waiting for in-flight requests), then the mock; safe to call twice */
  close(): Promise<void>;
}

export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const mock = await startMock();
  let loaded: LoadedConfig;
  try {
    loaded = loadStackConfig(o.yaml ?? DEFAULT_YAML, { MOCK_URL: mock.url, ...o.env });
  } catch (err) {
    await mock.close();
    throw err;
  }
  const { config, warnings } = loaded;
  const bus = createEventBus();
  const events: RequestFinished[] = [];
  const all: Stack['all'] = [];
  const watchers = new Set<() => void>();
  const changed = (): void => {
    for (const watcher of [...watchers]) watcher();
  };
  bus.on('request.finished', (e) => {
    events.push(e);
    changed();
  });
  for (const name of ['request.started', 'config.reloaded', 'config.rejected', 'warning'] as const) {
    bus.on(name, (payload) => {
      all.push({ name, payload });
      changed();
    });
  }
  const detach = o.attach?.(bus, config);
  const gateway = createGateway({ config, bus, previews: o.previews ?? false, ...(o.cache === undefined ? {} : { cache: o.cache }) });
  const url = await gateway.listen(config.proxy.host, config.proxy.port);

  const until = (check: () => boolean, what: string, ms = 5_000): Promise<void> =>
    new Promise((resolve, reject) => {
      if (check()) return resolve();
      const watcher = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        watchers.delete(watcher);
        resolve();
      };
      const timer = setTimeout(() => {
        watchers.delete(watcher);
        reject(new Error(`not within ${ms} ms: ${what}`));
      }, ms);
      watchers.add(watcher);
    });

  let closing: Promise<void> | null = null;
  return {
    mock, gateway, url, config, events, all, warnings,
    yaml: o.yaml ?? DEFAULT_YAML,
    client: (key = CALLER_KEY) => new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0, timeout: 15_000 }),
    waitForEvents: async (n) => {
      await until(() => events.length >= n, `${n} request.finished events (have ${events.length})`, 15_000);
      return events;
    },
    until,
    close: () =>
      (closing ??= (async () => {
        await gateway.close(500);
        await detach?.();
        await mock.close();
      })()),
  };
}
