// `cache_policies` entries (AISIX's cache_policy schema): an exact-match response cache the
// gateway applies to non-streaming chat completions only, as AISIX does. The local proxy keeps
// every entry in memory; `redis` and `semantic` load with a warning (section-cache-policies.ts).
import type { FieldTable } from '../field-spec.js';

export const CACHE_BACKENDS = ['memory', 'redis'] as const;
export const CACHE_SCOPES = ['api_key', 'env'] as const;

export const CACHE_POLICY_FIELDS = {
  name: {
    type: 'string',
    minLength: 1,
    maxLength: 120,
    required: true,
    requiredMessage: "name is required and must be a non-empty string (it is the entry's identity)",
    description: 'Identity of this cache policy; warnings about it name it.',
  },
  enabled: { type: 'boolean', default: true, description: 'false keeps the policy configured but caches nothing with it.' },
  applies_to: {
    type: 'string',
    minLength: 1,
    maxLength: 255,
    default: 'all',
    description:
      'Which requests the policy caches: `all`, `model:<model display_name>` (the name requests send) or `api_key:<api key display_name>`; a derived id works in place of a name. Non-streaming chat completions only.',
  },
  backend: {
    type: 'enum',
    values: CACHE_BACKENDS,
    default: 'memory',
    description: 'Where entries are kept. The local proxy keeps them in memory (`redis` loads with a warning).',
  },
  scope: {
    type: 'enum',
    values: CACHE_SCOPES,
    default: 'api_key',
    description: '`api_key`: an entry is served only to the caller that stored it; `env`: to every caller.',
  },
  ttl_seconds: {
    type: 'integer',
    minimum: 1,
    maximum: 604_800,
    default: 3600,
    description: 'How long an entry is served, in seconds (at most 7 days).',
  },
  semantic: {
    type: 'ignored',
    shape: 'object',
    effect: 'AISIX also serves similar requests from the cache with it; the local proxy matches exactly-identical requests only',
    description: 'Embedding-similarity matching (AISIX only).',
  },
  purge_generation: {
    type: 'ignored',
    shape: 'integer',
    effect: 'AISIX bumps it to purge the policy\'s entries',
    description: 'Invalidation counter managed by AISIX\'s purge operation.',
  },
} as const satisfies FieldTable;
