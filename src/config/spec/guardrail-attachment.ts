// `guardrail_attachments` entries (AISIX's guardrail_attachment schema): which requests a
// guardrail applies to once the file has this collection. Entries have no identity of their own.
// The local proxy acts on scopes `env`, `model` and `api_key`; the other AISIX scopes load with a
// warning and are left out (section-guardrail-attachments.ts).
import type { FieldTable } from '../field-spec.js';

export const LOCAL_SCOPE_TYPES = ['env', 'model', 'api_key'] as const;
export const REMOTE_SCOPE_TYPES = ['mcp_server', 'team', 'passthrough_route'] as const;

export const GUARDRAIL_ATTACHMENT_FIELDS = {
  guardrail_id: {
    type: 'string',
    minLength: 1,
    required: true,
    description: 'The guardrail to attach: its `name`, or its derived id.',
  },
  scope_type: {
    type: 'enum',
    values: [...LOCAL_SCOPE_TYPES, ...REMOTE_SCOPE_TYPES],
    required: true,
    description:
      '`env`: every request; `model`: requests for one alias; `api_key`: requests from one caller. AISIX\'s `mcp_server`, `team` and `passthrough_route` scopes load with a warning and are not applied locally.',
  },
  scope_id: {
    type: 'string',
    minLength: 1,
    description: 'For `model`: a model display_name; for `api_key`: an api key display_name (a derived id works in place of a name). Absent for `env`.',
  },
  priority: {
    type: 'integer',
    minimum: -2_147_483_648,
    maximum: 2_147_483_647,
    required: true,
    description: 'Higher wins when several attachments bring the same guardrail to a request.',
  },
  enabled: { type: 'boolean', default: true, description: 'false keeps the attachment configured but applies nothing with it.' },
  env_id: { type: 'string', description: 'Written by the managed control plane; neither AISIX nor the local proxy reads it.' },
} as const satisfies FieldTable;
