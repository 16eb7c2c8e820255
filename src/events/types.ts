// The typed facts the gateway publishes (DESIGN.md §5). Data only: no colours, no formatted text.
// Field names are snake_case because they are written as-is to NDJSON and the request log.
import type { FaultKind } from '../config/types.js';

export type Outcome =
  | 'ok'
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'too_large'
  | 'provider_rejected'
  | 'blocked_input'
  | 'blocked_output'
  | 'upstream_error'
  | 'timeout'
  | 'aborted'
  | 'internal_error'
  | 'unavailable'
  | 'rate_limited'
  | 'replay_miss';

export interface GuardrailHit {
  name: string;
  stage: 'input' | 'output';
  action: 'block' | 'mask' | 'monitor';
  /** the rule that fired: a pattern's value, a detector type or a custom pattern name */
  rule: string;
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  /** tokens written to the provider's prompt cache (Anthropic's cache_creation_input_tokens); 0 elsewhere */
  cache_creation_tokens: number;
}

/** One upstream attempt of a request (retries and failover make several). */
export interface Attempt {
  /** the direct model (routing target) the attempt went to */
  target: string;
  /** the upstream's own status (500, not the 502 the client got); null where there was none */
  status: number | null;
  error_code: string | null;
  ms: number;
}

export interface RequestFinished {
  id: string;
  time: string;
  method: string;
  route: string;
  caller: string | null;
  alias: string | null;
  provider: string | null;
  upstream_model: string | null;
  stream: boolean;
  status: number;
  outcome: Outcome;
  error_type: string | null;
  error_code: string | null;
  /** the error message sent, for the TUI detail view (never contains matched guardrail text) */
  error_message: string | null;
  guardrails: GuardrailHit[];
  usage: Usage | null;
  cost_usd: number | null;
  latency_ms: number;
  upstream_ms: number | null;
  ttft_ms: number | null;
  upstream_request_id: string | null;
  response_id: string | null;
  /** `http`, or `websocket` for a response.create frame */
  transport: 'http' | 'websocket';
  /** one per upstream attempt; [] when none was made */
  attempts: Attempt[];
  /** the routing target that produced the answer; null for direct models */
  served_by: string | null;
  /** `hit`, `miss`, `bypass`, or null when no cache policy applies */
  cache: 'hit' | 'miss' | 'bypass' | null;
  /** `replayed` or `recorded` from a tape, else null */
  tape: 'replayed' | 'recorded' | null;
  /** the injected fault's kind (`status`, `delay`, `cut`, `reset`, `stall`, `malformed`), else null */
  fault: FaultKind | null;
  /** where cost_usd came from: the model's `cost` (`config`), the price catalog, or null */
  cost_source: 'config' | 'catalog' | null;
  /** first 2 KB of the input / output text; only when proxy.log_bodies or a reporter asks for them */
  input_preview?: string;
  output_preview?: string;
}

export interface RequestStarted {
  id: string;
  time: string;
  method: string;
  path: string;
}

export interface ServerListening {
  url: string;
  config_path: string;
  aliases: string[];
  auth: boolean;
  /** `proxy.budget_usd`: this process's spend cap in USD, or null (none) */
  budget_usd: number | null;
}

export interface ConfigReloaded {
  time: string;
  added: string[];
  removed: string[];
  changed: string[];
  /** whether the new config has api_keys (callers must authenticate), as `server.listening`'s `auth` */
  auth: boolean;
  /** the new config's `proxy.budget_usd` (a reload can change the cap), as `server.listening`'s */
  budget_usd: number | null;
}

export interface ConfigRejected {
  time: string;
  errors: { line: number; col: number; scope: string; message: string }[];
}

export interface Warning {
  message: string;
}

/** Event name → payload. */
export interface GatewayEvents {
  'server.listening': ServerListening;
  'request.started': RequestStarted;
  'request.finished': RequestFinished;
  'config.reloaded': ConfigReloaded;
  'config.rejected': ConfigRejected;
  warning: Warning;
}

export type GatewayEventName = keyof GatewayEvents;
