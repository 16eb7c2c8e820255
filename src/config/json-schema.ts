// Builds the JSON Schema of the config file (committed as aisix.schema.json, for editor
// completion and hover) from the same field tables the loader checks against. A test fails when
// the committed file is stale. Semantic rules (references, regexes, xor pairs) stay loader-only.
import type { FieldSpec, FieldTable } from './field-spec.js';
import { API_KEY_FIELDS } from './spec/api-key.js';
import { CACHE_POLICY_FIELDS } from './spec/cache-policy.js';
import { GUARDRAIL_ATTACHMENT_FIELDS } from './spec/guardrail-attachment.js';
import { GUARDRAIL_COMMON_FIELDS, KEYWORD_FIELDS, LOCAL_GUARDRAIL_KINDS, PII_FIELDS, REMOTE_GUARDRAIL_KINDS } from './spec/guardrail.js';
import { MODEL_FIELDS } from './spec/model.js';
import { EXPORTER_COMMON_FIELDS, HEADERS_DESCRIPTION, LOCAL_EXPORTER_KINDS, OTLP_HTTP_FIELDS, REMOTE_EXPORTER_KINDS } from './spec/observability-exporter.js';
import { PASSTHROUGH_ROUTE_FIELDS } from './spec/passthrough-route.js';
import { PROVIDER_KEY_FIELDS } from './spec/provider-key.js';
import { PROXY_FIELDS } from './spec/proxy.js';
import { IGNORED_COLLECTIONS } from './spec/top-level.js';

type Schema = { [key: string]: unknown };

export function buildJsonSchema(): Schema {
  const properties: Schema = {
    _format_version: { type: 'string', const: '1', description: 'Required: the string "1" (quoted).' },
    proxy: objectSchema(PROXY_FIELDS, 'Local settings of the aisix proxy (not part of an AISIX resources file).'),
    provider_keys: collection(objectSchema(PROVIDER_KEY_FIELDS, 'An upstream credential.'), 'Upstream credentials.'),
    models: collection(objectSchema(MODEL_FIELDS, 'A model alias.'), 'The aliases callers send as `model`.'),
    api_keys: collection(objectSchema(API_KEY_FIELDS, 'A caller key.'), 'Caller keys; without any, the proxy needs no key (loopback only).'),
    guardrails: collection(guardrailSchema(), 'Guardrails, applied in file order: to every request, or only where attached once the file has `guardrail_attachments`.'),
    observability_exporters: collection(exporterSchema(), 'Telemetry exporters: `otlp_http` sends one OTLP span per request.'),
    cache_policies: collection(objectSchema(CACHE_POLICY_FIELDS, 'A cache policy.'), 'Exact-match response caching of non-streaming chat completions, in memory.'),
    guardrail_attachments: collection(
      objectSchema(GUARDRAIL_ATTACHMENT_FIELDS, 'Attaches one guardrail to every request (`env`), one model or one caller.'),
      'Where each guardrail applies. With this collection, a guardrail applies only where attached; without it, everywhere.',
    ),
    passthrough_routes: collection(
      objectSchema(PASSTHROUGH_ROUTE_FIELDS, 'A passthrough route (identity: `name` or `display_name`). The local proxy serves `path_prefix` + `target_url` routes with `auth_mode: gateway_key` and `credential_mode: inject`.'),
      'Authenticated relays from a path prefix to an upstream, with a provider key injected. No guardrail inspects this traffic.'),
  };
  for (const [name, what] of Object.entries(IGNORED_COLLECTIONS)) {
    properties[name] = { type: ['array', 'object', 'null'], description: `AISIX ${what}; loaded with a warning and ignored by the local proxy.` };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'aisix config: an AISIX AI Gateway resources file plus a local `proxy:` section',
    type: 'object',
    additionalProperties: false,
    required: ['_format_version'],
    properties,
  };
}

function collection(items: Schema, description: string): Schema {
  return { type: ['array', 'null'], description, items };
}

function objectSchema(fields: FieldTable, description: string): Schema {
  const required = Object.entries(fields).filter(([, spec]) => spec.required).map(([key]) => key);
  return {
    type: 'object',
    description,
    additionalProperties: false,
    ...(required.length > 0 ? { required } : {}),
    properties: propertiesOf(fields),
  };
}

function propertiesOf(fields: FieldTable): Schema {
  return Object.fromEntries(Object.entries(fields).map(([key, spec]) => [key, fieldSchema(spec)]));
}

function fieldSchema(spec: FieldSpec): Schema {
  switch (spec.type) {
    case 'string':
      return compact({ type: 'string', description: spec.description, default: spec.default, minLength: spec.minLength, maxLength: spec.maxLength, pattern: spec.pattern?.source, format: spec.format === 'date-time' ? 'date-time' : undefined });
    case 'integer':
      return compact({ type: 'integer', description: spec.description, default: spec.default, minimum: spec.minimum, maximum: spec.maximum });
    case 'number':
      return compact({ type: 'number', description: spec.description, default: spec.default, minimum: spec.minimum, maximum: spec.maximum });
    case 'boolean':
      return compact({ type: 'boolean', description: spec.description, default: spec.default });
    case 'enum':
      return compact({ type: 'string', description: spec.description, enum: [...spec.values], default: spec.default });
    case 'list': {
      const list = compact({ type: 'array', description: spec.description, default: spec.default, items: fieldSchema(spec.items), minItems: spec.minItems });
      if (spec.orValue === undefined) return list;
      const { description, ...array } = list;
      return { description, anyOf: [array, { type: 'string', const: spec.orValue }] };
    }
    case 'object':
      return objectSchema(spec.fields, spec.description);
    case 'ignored':
      return compact({ type: spec.shape === 'any' ? undefined : spec.shape, description: `${spec.description} Ignored by the local proxy: ${spec.effect}.` });
  }
}

/** One `kind` enum over every AISIX kind; keyword and pii entries are closed over their fields. */
function guardrailSchema(): Schema {
  const branch = (kind: string, fields: FieldTable, required: readonly string[]): Schema => ({
    if: { properties: { kind: { const: kind } }, required: ['kind'] },
    then: { ...objectSchema({ ...GUARDRAIL_COMMON_FIELDS, ...fields }, `A ${kind} guardrail.`), required: ['name', 'kind', ...required] },
  });
  const kind = { ...fieldSchema(GUARDRAIL_COMMON_FIELDS.kind), enum: [...LOCAL_GUARDRAIL_KINDS, ...REMOTE_GUARDRAIL_KINDS] };
  return {
    type: 'object',
    description: 'A guardrail. The local proxy runs `keyword` and `pii`; other AISIX kinds load with a warning.',
    required: ['name', 'kind'],
    properties: { ...propertiesOf(GUARDRAIL_COMMON_FIELDS), kind },
    allOf: [branch('keyword', KEYWORD_FIELDS, ['patterns']), branch('pii', PII_FIELDS, [])],
  };
}

/** Like guardrails: one `kind` enum over AISIX's kinds; `otlp_http` entries are closed over their fields plus `headers`. */
function exporterSchema(): Schema {
  const otlp = objectSchema({ ...EXPORTER_COMMON_FIELDS, ...OTLP_HTTP_FIELDS }, 'An OTLP/HTTP trace exporter.');
  const headers = { type: 'object', description: HEADERS_DESCRIPTION, additionalProperties: { type: 'string' } };
  const kind = { ...fieldSchema(EXPORTER_COMMON_FIELDS.kind), enum: [...LOCAL_EXPORTER_KINDS, ...REMOTE_EXPORTER_KINDS] };
  return {
    type: 'object',
    description: 'An observability exporter. The local proxy runs `otlp_http`; other AISIX kinds load with a warning.',
    required: ['name', 'kind'],
    properties: { ...propertiesOf(EXPORTER_COMMON_FIELDS), kind },
    allOf: [{ if: { properties: { kind: { const: 'otlp_http' } }, required: ['kind'] }, then: { ...otlp, properties: { ...(otlp['properties'] as Schema), headers } } }],
  };
}

function compact(schema: Schema): Schema {
  return Object.fromEntries(Object.entries(schema).filter(([, value]) => value !== undefined));
}
