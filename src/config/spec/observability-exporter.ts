// `observability_exporters` entries (AISIX's observability_exporter schema): the fields every kind
// shares, and the `otlp_http` fields the local proxy acts on. The other AISIX kinds load with a
// warning and are not checked further. `headers` (an open map of strings) is read by the section.
import type { FieldTable } from '../field-spec.js';

export const LOCAL_EXPORTER_KINDS = ['otlp_http'] as const;
export const REMOTE_EXPORTER_KINDS = ['aliyun_sls', 'object_store', 'datadog'] as const;

/** AISIX's `endpoint` rule: https://, or plain http:// only to these hosts. */
export const AISIX_OTLP_ENDPOINT = /^https:\/\/.+|^http:\/\/(mock-otlp|otel-collector|127\.0\.0\.1|localhost)(:[0-9]+)?(\/.*)?$/;

export const EXPORTER_COMMON_FIELDS = {
  name: {
    type: 'string',
    minLength: 1,
    maxLength: 120,
    required: true,
    requiredMessage: "name is required and must be a non-empty string (it is the entry's identity)",
    description: 'Identity of this exporter; warnings about it name it.',
  },
  kind: {
    type: 'string',
    minLength: 1,
    required: true,
    description: '`otlp_http` (other AISIX kinds: aliyun_sls, object_store, datadog load with a warning and export nothing locally).',
  },
  enabled: { type: 'boolean', default: true, description: 'false keeps the exporter configured but sends nothing.' },
} as const satisfies FieldTable;

export const OTLP_HTTP_FIELDS = {
  endpoint: {
    type: 'string',
    minLength: 1,
    required: true,
    format: 'http-url',
    description:
      'The OTLP/HTTP collector: spans are POSTed as JSON to `<endpoint>/v1/traces` (an endpoint already ending in `/v1/traces` is used as is). AISIX accepts plain http:// only for localhost, 127.0.0.1, otel-collector and mock-otlp.',
  },
  sample_rate: { type: 'number', minimum: 0, description: 'Fraction of requests exported, from 0.0 to 1.0. Default: all of them.' },
  content_mode: {
    type: 'enum',
    values: ['metadata_only', 'full'],
    default: 'metadata_only',
    description: '`metadata_only` (the local proxy always exports metadata only; `full` loads with a warning).',
  },
  content_max_bytes: {
    type: 'integer',
    minimum: 1,
    maximum: 1_048_576,
    default: 131_072,
    unit: 'bytes',
    description: 'Cap per captured prompt or response field when `content_mode` is `full` (AISIX only).',
  },
} as const satisfies FieldTable;

export const HEADERS_DESCRIPTION = 'Static headers sent with every export request (e.g. `authorization: Bearer ${OTLP_TOKEN}`). Values are never printed.';
