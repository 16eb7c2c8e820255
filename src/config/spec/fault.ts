// `proxy.faults` rules and the `x-aisix-fault` header (DESIGN.md §12): what a rule matches, how
// often it fires, where it acts and the fault itself. The header's `key=value` names are the
// `fault` fields below (plus `at` and `rate`), read with the same ranges.
import type { FieldTable } from '../field-spec.js';

export const FAULT_AT = ['client', 'upstream'] as const;

/** The fault fields; exactly one kind per fault (`retry_after_s` only with `status`). */
export const FAULT_FIELDS = {
  status: {
    type: 'integer',
    minimum: 400,
    maximum: 599,
    description: 'Answer with this HTTP status and an OpenAI-style error envelope (429, 500, 503, ...).',
  },
  retry_after_s: {
    type: 'integer',
    minimum: 0,
    description: 'With `status`: the `Retry-After` header sent with it, in seconds.',
  },
  delay_ms: {
    type: 'integer',
    minimum: 0,
    unit: 'milliseconds',
    description: 'Wait this long before the response headers, then answer as usual.',
  },
  cut_after_events: {
    type: 'integer',
    minimum: 0,
    description: 'Streams: break the stream after N events; the client gets the interrupted-stream error frames, as from any broken upstream.',
  },
  reset_after_events: {
    type: 'integer',
    minimum: 0,
    description: "Streams: drop the client's connection after N events.",
  },
  stall_ms: {
    type: 'integer',
    minimum: 1,
    unit: 'milliseconds',
    description: 'Streams: go silent this long after the first event, then carry on.',
  },
  malformed: {
    type: 'boolean',
    description: '`true`: a frame that is not JSON after the first event (streams), or a JSON body cut in half.',
  },
} as const satisfies FieldTable;

export const FAULT_MATCH_FIELDS = {
  alias: {
    type: 'string',
    minLength: 1,
    description: 'The model a request names (with `at: upstream`, also the routing target an attempt goes to): a name or a glob with one `*`. Default: every model.',
  },
  caller: {
    type: 'string',
    minLength: 1,
    description: "The caller's api key display_name, or a glob with one `*`. Default: every caller.",
  },
} as const satisfies FieldTable;

export const FAULT_RULE_FIELDS = {
  match: { type: 'object', fields: FAULT_MATCH_FIELDS, description: 'Which requests the rule applies to (both fields optional).' },
  rate: {
    type: 'number',
    minimum: 0,
    maximum: 1,
    default: 1,
    description: 'Probability that the rule fires: once per request (`at: client`) or per upstream attempt (`at: upstream`).',
  },
  at: {
    type: 'enum',
    values: FAULT_AT,
    default: 'client',
    description: '`client`: the client gets the fault as written, no retries. `upstream`: as if the upstream had answered it (retries and failover apply).',
  },
  fault: {
    type: 'object',
    fields: FAULT_FIELDS,
    required: true,
    description: 'One of `{status, retry_after_s}`, `{delay_ms}`, `{cut_after_events}`, `{reset_after_events}`, `{stall_ms}`, `{malformed: true}`.',
  },
} as const satisfies FieldTable;

/** `proxy.tape_ignore_fields` when not written (DESIGN.md §12). */
export const DEFAULT_TAPE_IGNORE_FIELDS = ['prompt_cache_key', 'safety_identifier', 'user', 'metadata.user_id', 'client_metadata'] as const;
