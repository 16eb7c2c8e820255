// The typed, frozen configuration every command works from: the AISIX resources file plus our
// `proxy:` section, after interpolation, defaults, desugaring and cross-reference checks.
// The loader (config/load.ts) is the only producer; nothing else parses YAML.

/** Where a problem sits in the file: 1-based line and column. */
export interface SourcePosition {
  line: number;
  col: number;
}

/** One problem found while loading a config file. Data to list, never thrown. */
export interface ConfigIssue extends SourcePosition {
  severity: 'error' | 'warning';
  /** e.g. `models[2] ("gpt-4o-prod")`, or `(file)` for file-level problems */
  scope: string;
  message: string;
}

export interface ProxySettings {
  /** `host:port` as written (default `127.0.0.1:3000`) */
  addr: string;
  host: string;
  port: number;
  /** 0 = unlimited */
  requestBodyLimitBytes: number;
  requestTimeoutMs: number;
  upstreamTimeoutMs: number;
  streamIdleTimeoutMs: number;
  guardrailBufferBytes: number;
  logFile: string | null;
  logBodies: boolean;
  shutdownGraceMs: number;
  /** retry budget of a direct model without `retries` (default 2) */
  upstreamRetries: number;
  /** `proxy.stream_guardrails`: `hold` (default) or `window` for block-mode output guardrails on streams */
  streamGuardrails: 'hold' | 'window';
  /** `proxy.stream_guardrail_window`: cap in characters of the window mode's window (default 1024) */
  streamGuardrailWindow: number;
  /** `proxy.capture_bodies`: keep whole request/response bodies for the inspector (default false) */
  captureBodies: boolean;
  /** `proxy.capture_keep`: how many latest requests are captured (default 200) */
  captureKeep: number;
  /** `proxy.capture_max_bytes`: cap per captured body (default 1 MiB) */
  captureMaxBytes: number;
  /** `proxy.budget_usd`: spend cap of this process; null = none */
  budgetUsd: number | null;
  /** WebSocket mode on `GET /v1/responses` (default true; false answers the upgrade 426) */
  websocket: boolean;
  /**
   * browser origins besides loopback ones that may call the proxy (`proxy.allowed_origins`),
   * normalised as browsers send them (`https://app.example.com`, lower-case, no default port);
   * `['*']` = every origin (only accepted with api_keys); default `[]`
   */
  allowedOrigins: readonly string[];
  /** `proxy.faults`: injected faults, in file order (DESIGN.md §12); default none */
  faults: readonly FaultRule[];
  /** `proxy.fault_header`: a request's `x-aisix-fault` header injects that fault (default false) */
  faultHeader: boolean;
  /** `proxy.faults_seed`: seeds the `rate` draws so a run's faults repeat; null = random per start */
  faultsSeed: number | null;
  /** `proxy.tape_ignore_fields`: dotted request-body paths left out of a tape's key (§12 defaults) */
  tapeIgnoreFields: readonly string[];
}

/** What an injected fault does (DESIGN.md §12); `kind` is the event's `fault` field. */
export type Fault =
  | { kind: 'status'; status: number; retryAfterS: number | null }
  | { kind: 'delay'; ms: number }
  | { kind: 'cut'; afterEvents: number }
  | { kind: 'reset'; afterEvents: number }
  | { kind: 'stall'; ms: number }
  | { kind: 'malformed' };

export type FaultKind = Fault['kind'];

/** A `proxy.faults` rule (or the `x-aisix-fault` header, read the same way). */
export interface FaultRule {
  /** single-`*` glob over the requested alias (and, `at: upstream`, the attempt's target); null = any */
  alias: string | null;
  /** single-`*` glob over the caller's display_name; null = any caller (auth off included) */
  caller: string | null;
  /** probability from 0 to 1 (default 1): drawn once per request (`client`) or per attempt (`upstream`) */
  rate: number;
  /** `client` (default): answered as written, no retries; `upstream`: as if the upstream answered it */
  at: 'client' | 'upstream';
  fault: Fault;
}

export interface ProviderKey {
  /** display_name */
  name: string;
  /** vendor id, free text (`openai`, `anthropic`, …); `""` when unset */
  provider: string;
  /** the upstream secret, `api_key` or its alias `secret` (never printed); always a valid HTTP header value */
  apiKey: string;
  /** as written, or null (openai falls back to https://api.openai.com/v1) */
  apiBase: string | null;
  adapter: 'openai' | 'anthropic' | 'bedrock' | 'vertex' | 'azure-openai' | null;
  /** glob allowlist of client header names forwarded upstream (lower-case), default none */
  forwardClientHeaders: readonly string[];
  /**
   * inbound headers removed on passthrough routes (`strip_headers`, lower-case), default
   * authorization, cookie, set-cookie, x-api-key; the caller's credentials and `x-aisix-*`
   * headers are removed whatever this says
   */
  stripHeaders: readonly string[];
}

/** A direct model's opt-in cooldown (AISIX `cooldown`, enabled): taken out of routing rotation after a failure. */
export interface Cooldown {
  defaultSeconds: number;
  maxSeconds: number;
  honorRetryAfter: boolean;
  triggerStatuses: readonly number[];
  triggerOnTimeout: boolean;
  triggerOnTransport: boolean;
}

export interface RoutingTarget {
  /** a model display_name */
  model: string;
  weight: number;
  /** higher is tried first */
  priority: number;
}

export interface Routing {
  targets: readonly RoutingTarget[];
  /** strategies other than these two load with a warning and behave as `failover` */
  strategy: 'failover' | 'round_robin';
  /** retries per target; null = each target's own, else the proxy default */
  retries: number | null;
  retryOn429: boolean;
  fallbackOnStatuses: readonly number[];
  /** most targets tried after the first; null = all */
  maxFallbacks: number | null;
  whenAllUnavailable: 'fail' | 'try_anyway';
}

/** `rate_limit` on an api key or a model (AISIX RateLimit): each dimension a positive integer, null = no limit. */
export interface RateLimit {
  /** requests per fixed window of 1 s, 60 s, 3,600 s, 86,400 s */
  rps: number | null;
  rpm: number | null;
  rph: number | null;
  rpd: number | null;
  /** tokens (input + output) per fixed window of 60 s and 86,400 s */
  tpm: number | null;
  tpd: number | null;
  /** requests in flight at once */
  concurrency: number | null;
}

export interface ModelCost {
  inputPer1k: number;
  outputPer1k: number;
}

export interface Model {
  /** display_name: the alias callers send as `model`; may contain one `*` (wildcard model) */
  name: string;
  /** direct models are served; the other shapes load (with a warning) but answer 400 */
  kind: 'direct' | 'routing' | 'ensemble' | 'semantic';
  /** null on non-direct models */
  provider: string | null;
  /** upstream model id; in a wildcard model may contain `*` */
  modelName: string | null;
  /** provider key name (display_name), also when the file used `provider_key_id`; null on non-direct models */
  providerKey: string | null;
  wildcard: boolean;
  /** non-streaming deadline in ms (`timeout`), null = proxy.upstream_timeout_ms; 0 disables */
  timeoutMs: number | null;
  /** max gap between stream chunks in ms (`stream_timeout`), null = proxy.stream_idle_timeout_ms */
  streamTimeoutMs: number | null;
  cost: ModelCost | null;
  /** direct models: upstream retries (`retries`), null = proxy.upstream_retries */
  retries: number | null;
  /** direct models: the cooldown block when enabled, else null (never taken out of rotation) */
  cooldown: Cooldown | null;
  /** routing models: their targets and policy */
  routing: Routing | null;
  /** `rate_limit`: one bucket per display_name (a wildcard model shares one); null = none */
  rateLimit: RateLimit | null;
}

export interface ApiKey {
  /** display_name */
  name: string;
  /** SHA-256 lowercase hex of the plaintext caller key */
  keyHash: string;
  /** the `key_env` variable name the key came from, or null for `key_hash` entries (test-request reads it) */
  keyEnv: string | null;
  /** single-`*` globs over the requested model name; empty denies everything */
  allowedModels: readonly string[];
  /** epoch ms, or null */
  expiresAt: number | null;
  disabled: boolean;
  /** `rate_limit` of this caller; null = none */
  rateLimit: RateLimit | null;
  /** single-`*` globs over passthrough route names this key may use; empty (the default) = none */
  allowedRoutes: readonly string[];
}

/** A regex as JavaScript will compile it: Rust-style leading flags such as `(?i)` translated. */
export interface RegexSource {
  /** compiles with `new RegExp(source, flags)`; add `g`/`y` as the matcher needs */
  source: string;
  /** a subset of `imsu`: `u` whenever the pattern compiles in Unicode mode (Rust regexes are Unicode-aware) */
  flags: string;
}

export type HookPoint = 'input' | 'output' | 'both';
export type EnforcementMode = 'block' | 'monitor';
export type PiiAction = 'mask' | 'block';
export type PiiDetectorType =
  | 'email'
  | 'us_ssn'
  | 'bank_card'
  | 'ip_address'
  | 'api_key'
  | 'jwt'
  | 'private_key'
  | 'china_mobile'
  | 'china_id_card';

interface GuardrailBase {
  name: string;
  enabled: boolean;
  hookPoint: HookPoint;
  mode: EnforcementMode;
}

export interface KeywordPattern {
  kind: 'literal' | 'regex';
  /** as written in the file */
  value: string;
  /** for `regex` patterns: the translated JS regex; null for literals */
  regex: RegexSource | null;
}

export interface KeywordGuardrail extends GuardrailBase {
  kind: 'keyword';
  patterns: readonly KeywordPattern[];
}

export interface PiiDetector {
  type: PiiDetectorType;
  /** null = the guardrail's default_action */
  action: PiiAction | null;
}

export interface PiiCustomPattern {
  name: string;
  regex: RegexSource;
  action: PiiAction | null;
  /** literal replacement for mask (empty string deletes); null = `[<NAME>_REDACTED]` */
  replacement: string | null;
}

export interface PiiGuardrail extends GuardrailBase {
  kind: 'pii';
  detectors: readonly PiiDetector[];
  customPatterns: readonly PiiCustomPattern[];
  defaultAction: PiiAction;
  /** `max_buffer_bytes` as written, or null when unset (= proxy.guardrail_buffer_bytes; AISIX's own default is 262144) */
  maxBufferBytes: number | null;
  onBufferExceeded: 'fail_closed' | 'fail_open';
}

export type Guardrail = KeywordGuardrail | PiiGuardrail;

/** An `observability_exporters` entry the local proxy acts on (`kind: otlp_http`); other kinds are left out (with a warning). */
export interface ObservabilityExporter {
  name: string;
  kind: 'otlp_http';
  /** the collector URL as written; spans go to `<endpoint>/v1/traces` unless it already ends so */
  endpoint: string;
  enabled: boolean;
  /** static headers sent with every export request; values may be secrets (never printed) */
  headers?: Readonly<Record<string, string>>;
  /** fraction of requests exported, 0 to 1 (`sample_rate`, default 1) */
  sampleRate: number;
}

/** What a cache policy covers (`applies_to`): every request, one model alias, or one caller. */
export type CacheAppliesTo = { kind: 'all' } | { kind: 'model'; name: string } | { kind: 'api_key'; name: string };

/** A `cache_policies` entry: exact-match response cache for non-streaming chat completions (memory backend). */
export interface CachePolicy {
  name: string;
  enabled: boolean;
  /**
   * `model:` and `api_key:` hold a model display_name / caller display_name (a derived id in the
   * file is resolved to it); `model:` may also hold a name one of the file's wildcard models
   * matches (`openai/gpt-4o`), kept as written: AISIX compares it with the model a request names
   */
  appliesTo: CacheAppliesTo;
  /** `api_key` (default): entries private to the caller that stored them; `env`: shared by every caller */
  scope: 'api_key' | 'env';
  /** 1 to 604800, default 3600 */
  ttlSeconds: number;
}

/** A `guardrail_attachments` entry the local proxy acts on (scope env, model or api_key). */
export interface GuardrailAttachment {
  /** the guardrail's name (a derived id in the file is resolved to it) */
  guardrail: string;
  scope: 'env' | 'model' | 'api_key';
  /** model: an alias (model display_name); api_key: a caller display_name; env: null */
  scopeId: string | null;
  priority: number;
  enabled: boolean;
}

/** A `passthrough_routes` entry in the form the local proxy serves: `path_prefix`, `gateway_key` auth, an injected provider key. */
export interface PassthroughRoute {
  /** `name` or `display_name`: what api keys' `allowed_routes` match */
  name: string;
  enabled: boolean;
  /** starts with `/`, no trailing `/` (except `/` itself is refused); matched on path segment boundaries, stripped before joining */
  pathPrefix: string;
  /** `http(s)://host[:port][/base]` as written, without a trailing `/`; the remainder path and query are appended */
  targetUrl: string;
  /** provider key display_name whose secret is injected (`provider_key` or `provider_key_id`) */
  providerKey: string;
  /** bounds the response-header phase and non-SSE bodies; null = proxy.upstream_timeout_ms */
  timeoutMs: number | null;
}

export interface Config {
  /** the file it came from (as given), or `(demo)` for the built-in demo config */
  path: string;
  proxy: ProxySettings;
  providerKeys: readonly ProviderKey[];
  models: readonly Model[];
  apiKeys: readonly ApiKey[];
  /** enabled and disabled alike, in file order; kinds we do not act on are left out (with a warning) */
  guardrails: readonly Guardrail[];
  /** `otlp_http` exporters, enabled and disabled alike, in file order */
  observabilityExporters: readonly ObservabilityExporter[];
  /** enabled and disabled alike, in file order */
  cachePolicies: readonly CachePolicy[];
  /**
   * null when the file has no `guardrail_attachments` collection: every guardrail is global (AISIX
   * at the studied commit). Otherwise the attachments (enabled and disabled, scopes the local proxy
   * acts on), and a guardrail applies only where attached. `[]` when the key is written with no
   * entries (or null). Attachments of guardrails left out of `guardrails` are left out too; each
   * (guardrail, scope, scopeId) appears at most once.
   */
  guardrailAttachments: readonly GuardrailAttachment[] | null;
  /**
   * enabled and disabled alike, in file order; only the form the local proxy serves (the others
   * load with a warning and are left out). Enabled routes have distinct prefixes, and there is
   * at least one api key whenever one is enabled.
   */
  passthroughRoutes: readonly PassthroughRoute[];
}

/** How many entries each collection holds in the file, valid or not (for `validate`'s summary). */
export interface EntryCounts {
  providerKeys: number;
  models: number;
  apiKeys: number;
  guardrails: number;
}

export type LoadResult =
  | { ok: true; config: Config; issues: readonly ConfigIssue[]; counts?: EntryCounts }
  | { ok: false; issues: readonly ConfigIssue[]; counts?: EntryCounts };
