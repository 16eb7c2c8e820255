// The `proxy:` section (DESIGN.md §2): local settings AISIX's resources file does not have.
// Defaults live here and nowhere else.
import type { FieldTable } from '../field-spec.js';
import { DEFAULT_TAPE_IGNORE_FIELDS, FAULT_RULE_FIELDS } from './fault.js';

export const PROXY_FIELDS = {
  addr: {
    type: 'string',
    default: '127.0.0.1:3000',
    minLength: 1,
    description: 'Listen address `host:port` (IPv6 as `[::1]:3000`). A non-loopback host needs at least one api key.',
  },
  request_body_limit_bytes: {
    type: 'integer',
    minimum: 0,
    unit: 'bytes',
    default: 33554432,
    description: 'Largest request body accepted; larger ones get 413. 0 = unlimited.',
  },
  request_timeout_ms: {
    type: 'integer',
    minimum: 1,
    unit: 'milliseconds',
    default: 30000,
    description: 'Time a client has to send its whole request (slow-loris guard).',
  },
  upstream_timeout_ms: {
    type: 'integer',
    minimum: 1,
    unit: 'milliseconds',
    default: 600000,
    description: "Deadline for a whole non-streaming upstream call; a model's `timeout` overrides it.",
  },
  stream_idle_timeout_ms: {
    type: 'integer',
    minimum: 1,
    unit: 'milliseconds',
    default: 120000,
    description: 'Longest silence allowed between upstream stream chunks.',
  },
  guardrail_buffer_bytes: {
    type: 'integer',
    minimum: 1,
    unit: 'bytes',
    default: 262144,
    description:
      "Hold-back cap for block-mode output guardrails on streams (a pii guardrail's own smaller `max_buffer_bytes` wins).",
  },
  log_file: {
    type: 'string',
    minLength: 1,
    description: 'Append one JSON line per finished request to this file (its directory is created).',
  },
  log_bodies: {
    type: 'boolean',
    default: false,
    description: 'Include input/output previews (first 2 KB) in the log file.',
  },
  shutdown_grace_ms: {
    type: 'integer',
    minimum: 0,
    unit: 'milliseconds',
    default: 10000,
    description: 'How long SIGINT/SIGTERM/`q` waits for in-flight requests.',
  },
  upstream_retries: {
    type: 'integer',
    minimum: 0,
    default: 2,
    description: "Retry budget of a direct model without `retries` (AISIX's deployment default): upstream 5xx and transport errors, never timeouts.",
  },
  stream_guardrails: {
    type: 'enum',
    values: ['hold', 'window'],
    default: 'hold',
    description:
      "Block-mode output guardrails on streams: `hold` (AISIX's semantics) sends nothing until the stream is in and scanned; `window` holds back only a sliding window as long as the longest possible match, so text keeps flowing.",
  },
  stream_guardrail_window: {
    type: 'integer',
    minimum: 1,
    default: 1024,
    description: "Cap, in characters, of the `window` mode's window: a guardrail whose rules can match more (or unboundedly) holds instead, with a load warning.",
  },
  capture_bodies: {
    type: 'boolean',
    default: false,
    description: 'Keep the whole request and response (assembled stream text, tool calls, reasoning summaries) of the latest requests for the TUI detail view, secrets redacted.',
  },
  capture_keep: {
    type: 'integer',
    minimum: 1,
    default: 200,
    description: 'How many of the latest requests `capture_bodies` keeps.',
  },
  capture_max_bytes: {
    type: 'integer',
    minimum: 1,
    unit: 'bytes',
    default: 1048576,
    description: 'Cap per captured request or response body; a longer one is cut and marked truncated.',
  },
  budget_usd: {
    type: 'number',
    minimum: 0,
    description: 'Spend cap of this proxy process in USD, priced as `cost_usd`: once reached, new model requests get 429 `budget_exceeded`. Default: none.',
  },
  websocket: {
    type: 'boolean',
    default: true,
    description: 'WebSocket mode on `GET /v1/responses` (Codex, the Agents SDK): `false` answers the upgrade 426.',
  },
  allowed_origins: {
    type: 'list',
    items: {
      type: 'string',
      minLength: 1,
      description: 'An exact origin `scheme://host[:port]`: http or https, no path, no trailing `/` (e.g. `https://app.example.com`).',
    },
    orValue: '*',
    description:
      'Browser origins besides loopback ones (always allowed) that may call the proxy; other origins get 403. `"*"` allows every origin and needs api_keys. Default: none.',
  },
  tape_ignore_fields: {
    type: 'list',
    items: {
      type: 'string',
      minLength: 1,
      pattern: { source: '^[^.]+(\\.[^.]+)*$', hint: 'be a dotted path of body fields such as `metadata.user_id`' },
      description: 'A request body field (dotted path into objects) left out of the key.',
    },
    default: DEFAULT_TAPE_IGNORE_FIELDS,
    description: "Request body fields left out of a tape's key (`--record`/`--replay`), so requests differing only in them share a recording. Writing the list replaces the default.",
  },
  faults: {
    type: 'list',
    items: { type: 'object', fields: FAULT_RULE_FIELDS, description: 'A fault rule: match, rate, at and the fault.' },
    description: 'Injected faults for testing an app against a bad day, in file order: the first matching rule that fires applies. Default: none.',
  },
  fault_header: {
    type: 'boolean',
    default: false,
    description: 'true: a request header `x-aisix-fault: status=503; retry_after_s=30` (any fault field, plus `at` and `rate`) injects that fault instead of the rules.',
  },
  faults_seed: {
    type: 'integer',
    minimum: 0,
    maximum: 4294967295,
    description: "Seed of the fault rules' `rate` draws, so a run's faults repeat exactly. Default: a random seed per start.",
  },
} as const satisfies FieldTable;
