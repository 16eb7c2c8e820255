// `models` entries (aisix-behavior.md §1.5): direct and routing models are served (retries,
// failover, cooldown as AISIX does); ensemble and semantic models load (with a warning) so a
// production AISIX file runs, but answer 400.
import type { FieldTable } from '../field-spec.js';
import { rateLimitSpec } from './rate-limit.js';

export const ROUTING_STRATEGIES = ['failover', 'round_robin', 'consistent_hash', 'least_cost', 'least_latency', 'least_busy'] as const;

const ROUTING_TARGET_FIELDS = {
  model: { type: 'string', minLength: 1, required: true, description: 'A model display_name defined in this file (globs with `*` are not checked).' },
  weight: { type: 'integer', minimum: 0, description: 'Relative weight (default 1).' },
  priority: { type: 'integer', minimum: -2147483648, description: 'Higher is preferred (default 0).' },
  tags: { type: 'list', items: { type: 'string', minLength: 1, description: 'A tag.' }, description: 'Target tags.' },
} as const satisfies FieldTable;

const ROUTING_FIELDS = {
  targets: {
    type: 'list',
    minItems: 1,
    required: true,
    items: { type: 'object', fields: ROUTING_TARGET_FIELDS, description: 'One routing target.' },
    description: 'The models this group routes between.',
  },
  strategy: { type: 'enum', values: ROUTING_STRATEGIES, default: 'failover', description: 'How a target is picked.' },
  retries: { type: 'integer', minimum: 0, description: 'Retries across targets.' },
  retry_on_429: { type: 'boolean', description: 'Retry another target on 429 (default false).' },
  fallback_on_statuses: {
    type: 'list',
    items: { type: 'integer', minimum: 400, maximum: 599, description: 'An HTTP status.' },
    description: 'Upstream statuses that move on to the next target.',
  },
  max_fallbacks: { type: 'integer', minimum: 0, description: 'Most targets tried after the first.' },
  hash_on: { type: 'ignored', shape: 'array', effect: 'AISIX hashes requests to targets with it', description: 'Hash sources for `consistent_hash`.' },
  when_all_unavailable: { type: 'enum', values: ['fail', 'try_anyway'], description: 'What to do when every target is cooling down.' },
} as const satisfies FieldTable;

export const COOLDOWN_DEFAULTS = {
  enabled: true,
  default_seconds: 30,
  max_seconds: 600,
  honor_retry_after: true,
  trigger_statuses: [401, 408, 429, 500, 502, 503, 504],
  trigger_on_timeout: true,
  trigger_on_transport: true,
} as const;

const COOLDOWN_FIELDS = {
  enabled: { type: 'boolean', description: 'Whether cooldown is active (default true once the block is written).' },
  default_seconds: { type: 'integer', minimum: 0, description: 'Cooldown without a usable Retry-After (default 30).' },
  max_seconds: { type: 'integer', minimum: 1, description: 'Upper bound when Retry-After is used (default 600).' },
  honor_retry_after: { type: 'boolean', description: "Use the upstream's Retry-After seconds (default true)." },
  trigger_statuses: {
    type: 'list',
    items: { type: 'integer', minimum: 100, maximum: 599, description: 'An HTTP status.' },
    description: 'Upstream statuses that start a cooldown (default 401, 408, 429, 500, 502, 503, 504).',
  },
  trigger_on_timeout: { type: 'boolean', description: 'Timeouts start a cooldown (default true).' },
  trigger_on_transport: { type: 'boolean', description: 'Transport errors start a cooldown (default true).' },
} as const satisfies FieldTable;

export const MODEL_FIELDS = {
  display_name: {
    type: 'string',
    minLength: 1,
    required: true,
    requiredMessage: "display_name is required and must be a non-empty string (it is the entry's identity)",
    description: 'The alias callers send as `model`. One `*` makes a wildcard model (`openai/*`).',
  },
  provider: {
    type: 'string',
    minLength: 1,
    maxLength: 64,
    pattern: { source: '^[a-z0-9][a-z0-9._-]*$', hint: 'be lowercase letters, digits, `.`, `_` or `-` (e.g. `openai`)' },
    description: 'Vendor id; `openai` models are served on /v1/responses.',
  },
  model_name: {
    type: 'string',
    minLength: 1,
    description: 'The upstream model id. In a wildcard model, `*` is replaced by the matched part.',
  },
  provider_key: {
    type: 'string',
    minLength: 1,
    description: 'The display_name of the provider key this model calls with.',
  },
  provider_key_id: {
    type: 'string',
    minLength: 1,
    description: "AISIX's canonical form of `provider_key` (a derived id); prefer `provider_key`.",
  },
  timeout: {
    type: 'integer',
    minimum: 0,
    unit: 'milliseconds',
    description: 'Non-streaming upstream deadline; overrides proxy.upstream_timeout_ms. 0 disables.',
  },
  stream_timeout: {
    type: 'integer',
    minimum: 0,
    unit: 'milliseconds',
    description: 'Longest gap between stream chunks; overrides proxy.stream_idle_timeout_ms.',
  },
  cost: {
    type: 'object',
    fields: {
      input_per_1k: { type: 'number', minimum: 0, required: true, description: 'USD per 1,000 input tokens.' },
      output_per_1k: { type: 'number', minimum: 0, required: true, description: 'USD per 1,000 output tokens.' },
    },
    description: 'Prices used for the cost column and `cost_usd`.',
  },
  routing: { type: 'object', fields: ROUTING_FIELDS, description: 'Makes this a routing model: requests go to its targets (failover or weighted round robin).' },
  ensemble: { type: 'ignored', shape: 'object', effect: 'it makes an ensemble model, which the local proxy does not serve; requests for it answer 400', description: 'Makes this an ensemble model (AISIX only).' },
  semantic: { type: 'ignored', shape: 'object', effect: 'it makes a semantic router, which the local proxy does not serve; requests for it answer 400', description: 'Makes this a semantic router (AISIX only).' },
  retries: { type: 'integer', minimum: 0, description: 'Upstream retries on 5xx and transport errors (default proxy.upstream_retries; an explicit budget also retries timeouts).' },
  rate_limit: rateLimitSpec('this model (one bucket per display_name: a wildcard model shares one)'),
  allowed_cidrs: { type: 'ignored', shape: 'array', effect: 'AISIX restricts client addresses with it', description: 'Client CIDR allowlist (AISIX only).' },
  cooldown: { type: 'object', fields: COOLDOWN_FIELDS, description: 'Takes this model out of routing rotation for a while after a failure (opt-in: no block, no cooldown).' },
  background_model_check: { type: 'ignored', shape: 'object', effect: 'AISIX probes models in the background with it', description: 'Background health probe (AISIX only).' },
  auto_prompt_caching: { type: 'ignored', shape: 'object', effect: 'AISIX adds prompt-cache hints with it', description: 'Automatic prompt caching (AISIX only).' },
  embedding: { type: 'ignored', shape: 'object', effect: 'AISIX serves embeddings with it', description: 'Embedding settings (AISIX only).' },
} as const satisfies FieldTable;

/** Fields each model shape refuses (model.schema.json `oneOf`), checked by the models section. */
export const SHAPE_FORBIDS = {
  direct: ['routing', 'ensemble', 'semantic'],
  routing: ['provider', 'model_name', 'provider_key', 'provider_key_id', 'background_model_check', 'cooldown', 'embedding', 'retries', 'auto_prompt_caching', 'cost'],
  ensemble: ['provider', 'model_name', 'provider_key', 'provider_key_id', 'background_model_check', 'cooldown', 'embedding', 'timeout', 'stream_timeout', 'retries', 'auto_prompt_caching', 'cost'],
  semantic: ['provider', 'model_name', 'provider_key', 'provider_key_id', 'background_model_check', 'cooldown', 'embedding', 'auto_prompt_caching', 'cost'],
} as const;
