// `api_keys` entries: the callers of the proxy (aisix-behavior.md §1.6). AISIX field names.
import type { FieldTable } from '../field-spec.js';
import { rateLimitSpec } from './rate-limit.js';

export const API_KEY_FIELDS = {
  display_name: {
    type: 'string',
    minLength: 1,
    required: true,
    requiredMessage: "display_name is required and must be a non-empty string (it is the entry's identity)",
    description: 'Identity of this caller; shown in the request log and the terminal UI.',
  },
  key_env: {
    type: 'string',
    minLength: 1,
    pattern: { source: '^[A-Za-z_][A-Za-z0-9_]*$', hint: 'be the name of an environment variable (letters, digits and `_`), not the key itself' },
    secret: true,
    description: 'Environment variable holding the plaintext caller key; SHA-256 hashed at load. Set this or `key_hash`.',
  },
  key_hash: {
    type: 'string',
    description: 'SHA-256 of the caller key, 64 lowercase hex characters. Set this or `key_env`.',
  },
  allowed_models: {
    type: 'list',
    required: true,
    requiredMessage: 'field `allowed_models` is required (use ["*"] to allow every model)',
    items: { type: 'string', minLength: 1, description: 'A model display_name, or a glob with one `*`.' },
    description: 'Models this key may call: names or single-`*` globs ("*" = all). An empty list denies everything.',
  },
  expires_at: {
    type: 'string',
    format: 'date-time',
    description: 'RFC 3339 time after which the key is rejected (401 api_key_expired).',
  },
  disabled: { type: 'boolean', default: false, description: 'true rejects the key (401 api_key_disabled).' },
  rate_limit: rateLimitSpec('this key'),
  allowed_routes: {
    type: 'list',
    default: [],
    items: { type: 'string', minLength: 1, description: 'A passthrough route name, or a glob with one `*`.' },
    description: 'Passthrough routes this key may use: names or single-`*` globs ("*" = all). Default: none (a request to a route answers 403).',
  },
  allowed_agents: { type: 'ignored', shape: 'array', effect: 'AISIX uses it for A2A agents', description: 'A2A agents this key may reach (AISIX only).' },
  mcp_access: { type: 'ignored', shape: 'object', effect: 'AISIX uses it for MCP tools', description: 'MCP tool ACL (AISIX only).' },
  mcp_rate_limits: { type: 'ignored', shape: 'object', effect: 'AISIX uses it for MCP tools', description: 'Per-MCP-server limits (AISIX only).' },
  team_id: { type: 'ignored', shape: 'string', effect: 'AISIX scopes policies with it', description: 'Team of this key (AISIX only).' },
  user_id: { type: 'ignored', shape: 'string', effect: 'AISIX scopes policies with it', description: 'Owner of this key (AISIX only).' },
  user_name: { type: 'ignored', shape: 'string', effect: 'AISIX labels telemetry with it', description: 'Owner name for telemetry (AISIX only).' },
  jwt_subject: { type: 'ignored', shape: 'string', effect: 'AISIX authenticates JWTs with it', description: 'JWT subject bound to this key (AISIX only).' },
  jwt_provider: { type: 'ignored', shape: 'string', effect: 'AISIX authenticates JWTs with it', description: 'OIDC provider of `jwt_subject` (AISIX only).' },
} as const satisfies FieldTable;
