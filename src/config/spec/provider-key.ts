// `provider_keys` entries: the upstream credentials (aisix-behavior.md §1.4). AISIX field names.
import type { FieldTable } from '../field-spec.js';

export const ADAPTERS = ['openai', 'anthropic', 'bedrock', 'vertex', 'azure-openai'] as const;
/** AISIX's default `strip_headers` */
export const DEFAULT_STRIP_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-api-key'] as const;

const REQUEST_FIELDS = {
  forward_client_headers: {
    type: 'list',
    items: { type: 'string', minLength: 1, description: 'A header name; one `*` allowed (`x-trace-*`).' },
    description: 'Client headers forwarded upstream, as single-`*` globs matched case-insensitively. Default: none.',
  },
  param_renames: { type: 'ignored', shape: 'object', effect: 'AISIX renames request body fields with it', description: 'Rename top-level request body keys (AISIX only).' },
  param_constraints: { type: 'ignored', shape: 'object', effect: 'AISIX clamps `temperature` with it', description: 'Clamp `temperature` (AISIX only).' },
  default_body_fields: { type: 'ignored', shape: 'object', effect: 'AISIX adds body fields with it', description: 'Body fields added when the caller did not set them (AISIX only).' },
  default_headers: { type: 'ignored', shape: 'object', effect: 'AISIX adds upstream headers with it', description: 'Headers added upstream when the caller did not set them (AISIX only).' },
} as const satisfies FieldTable;

export const PROVIDER_KEY_FIELDS = {
  display_name: {
    type: 'string',
    minLength: 1,
    required: true,
    requiredMessage: "display_name is required and must be a non-empty string (it is the entry's identity)",
    description: 'Identity of this provider key; models refer to it with `provider_key: <display_name>`.',
  },
  api_key: {
    type: 'string',
    minLength: 1,
    secret: true,
    description: 'The upstream API key, usually `${OPENAI_API_KEY}`. Never printed.',
  },
  secret: {
    type: 'string',
    minLength: 1,
    secret: true,
    description: 'Another spelling of `api_key` (set exactly one of the two).',
  },
  api_base: {
    type: 'string',
    minLength: 1,
    format: 'http-url',
    description: 'Upstream root URL. Defaults to https://api.openai.com/v1 for `provider: openai`.',
  },
  provider: {
    type: 'string',
    default: '',
    description: 'Vendor id, free text: `openai`, `anthropic`, `deepseek`, …',
  },
  adapter: {
    type: 'enum',
    values: ADAPTERS,
    description: 'Protocol family; set `openai` for OpenAI-compatible third parties.',
  },
  request: {
    type: 'object',
    fields: REQUEST_FIELDS,
    description: 'Request-shape overrides; the local proxy acts on `forward_client_headers` only.',
  },
  response: { type: 'ignored', shape: 'object', effect: 'AISIX reshapes bridged responses with it', description: 'Response-shape overrides (AISIX only).' },
  strip_headers: {
    type: 'list',
    default: DEFAULT_STRIP_HEADERS,
    items: {
      type: 'string',
      minLength: 1,
      pattern: { source: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", hint: "be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)" },
      description: 'A header name (case-insensitive).',
    },
    description:
      "Inbound headers removed before a passthrough route forwards a request with this key's secret (default: authorization, cookie, set-cookie, x-api-key). The caller's credentials and `x-aisix-*` headers are removed whatever it says. Passthrough routes only.",
  },
  telemetry_tags: { type: 'ignored', shape: 'object', effect: 'AISIX tags its metrics with it', description: 'Telemetry attribution tags (AISIX only).' },
  tls: { type: 'ignored', shape: 'object', effect: 'AISIX uses it for custom CA certificates', description: 'Per-key TLS trust settings (AISIX only).' },
} as const satisfies FieldTable;
