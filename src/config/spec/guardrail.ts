// `guardrails` entries (aisix-behavior.md §1.7): the common fields plus one table per kind the
// local proxy runs (keyword, pii). Remote kinds load with a warning and are not checked further.
import type { FieldTable } from '../field-spec.js';

export const LOCAL_GUARDRAIL_KINDS = ['keyword', 'pii'] as const;
export const REMOTE_GUARDRAIL_KINDS = [
  'semantic',
  'presidio',
  'lakera',
  'openai_moderation',
  'bedrock',
  'azure_content_safety',
  'azure_content_safety_text_moderation',
  'aliyun_text_moderation',
  'aliyun_ai_guardrail',
] as const;
export const PII_DETECTOR_TYPES = ['email', 'china_mobile', 'china_id_card', 'bank_card', 'us_ssn', 'ip_address', 'api_key', 'jwt', 'private_key'] as const;
export const PII_ACTIONS = ['mask', 'block'] as const;

export const GUARDRAIL_COMMON_FIELDS = {
  name: {
    type: 'string',
    minLength: 1,
    required: true,
    requiredMessage: "name is required and must be a non-empty string (it is the entry's identity)",
    description: "Identity of this guardrail; block messages say `guardrail '<name>'`.",
  },
  kind: {
    type: 'string',
    minLength: 1,
    required: true,
    description: 'keyword or pii (remote AISIX kinds such as lakera load but are not run locally).',
  },
  enabled: { type: 'boolean', default: true, description: 'false skips this guardrail entirely.' },
  hook_point: { type: 'enum', values: ['input', 'output', 'both'], default: 'both', description: 'Check requests (input), responses (output) or both.' },
  enforcement_mode: {
    type: 'string',
    default: 'block',
    description: '`block` enforces; `monitor` only records hits (never blocks, masks or delays). Other values mean block.',
  },
  fail_open: { type: 'boolean', default: true, description: 'Remote kinds only: allow traffic when the provider is unreachable.' },
  mandatory: { type: 'boolean', default: false, description: 'Remote kinds only: unavailability blocks even in monitor mode.' },
  direction: { type: 'string', default: 'both', description: 'A hint only; `hook_point` decides where the guardrail runs.' },
  created_at: {
    type: 'ignored',
    shape: 'string',
    effect: 'AISIX orders guardrails by it; aisix applies them in file order',
    description: 'RFC 3339 creation time (AISIX evaluation order).',
  },
} as const satisfies FieldTable;

const KEYWORD_PATTERN_FIELDS = {
  kind: { type: 'enum', values: ['literal', 'regex'], required: true, description: '`literal`: case-insensitive substring; `regex`: a regular expression (`(?i)` for case-insensitive).' },
  value: { type: 'string', minLength: 1, required: true, description: 'The text or regex to look for.' },
} as const satisfies FieldTable;

export const KEYWORD_FIELDS = {
  patterns: {
    type: 'list',
    required: true,
    items: { type: 'object', fields: KEYWORD_PATTERN_FIELDS, description: 'One rule; the first match wins.' },
    description: 'Rules checked in order. An empty list never matches.',
  },
} as const satisfies FieldTable;

const PII_DETECTOR_FIELDS = {
  type: { type: 'enum', values: PII_DETECTOR_TYPES, required: true, description: 'A built-in detector.' },
  action: { type: 'enum', values: PII_ACTIONS, description: 'Overrides `default_action` for this detector.' },
} as const satisfies FieldTable;

const PII_CUSTOM_PATTERN_FIELDS = {
  name: { type: 'string', minLength: 1, maxLength: 64, required: true, description: 'Rule name; masks read `[<NAME>_REDACTED]`.' },
  regex: { type: 'string', minLength: 1, required: true, description: 'A regular expression; with a capture group only group 1 is masked.' },
  action: { type: 'enum', values: PII_ACTIONS, description: 'Overrides `default_action` for this pattern.' },
  replacement: { type: 'string', maxLength: 256, description: 'Literal text masks are replaced with (empty deletes); mask actions only.' },
} as const satisfies FieldTable;

export const PII_FIELDS = {
  detectors: {
    type: 'list',
    items: { type: 'object', fields: PII_DETECTOR_FIELDS, description: 'A built-in detector.' },
    description: 'Built-in detectors to run.',
  },
  custom_patterns: {
    type: 'list',
    items: { type: 'object', fields: PII_CUSTOM_PATTERN_FIELDS, description: 'A custom pattern.' },
    description: 'Your own regex detectors.',
  },
  default_action: { type: 'enum', values: PII_ACTIONS, default: 'mask', description: '`mask` rewrites matched spans; `block` answers 422.' },
  max_buffer_bytes: {
    type: 'integer',
    minimum: 1,
    unit: 'bytes',
    default: 262144,
    description: "Hold-back cap for streamed output (AISIX's default: 262144). Unset locally, `proxy.guardrail_buffer_bytes` applies; set, the smaller of the two.",
  },
  on_buffer_exceeded: { type: 'enum', values: ['fail_closed', 'fail_open'], default: 'fail_closed', description: 'What to do when a stream outgrows the buffer.' },
} as const satisfies FieldTable;
