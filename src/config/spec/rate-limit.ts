// `rate_limit` on api keys and models (AISIX RateLimit, rate_limit.schema.json): fixed windows of
// requests (rps, rpm, rph, rpd) and tokens (tpm, tpd), and in-flight requests (concurrency).
import type { FieldTable, ObjectSpec } from '../field-spec.js';

const RATE_LIMIT_FIELDS = {
  rps: { type: 'integer', minimum: 1, description: 'Requests per 1-second window.' },
  rpm: { type: 'integer', minimum: 1, description: 'Requests per 60-second window.' },
  rph: { type: 'integer', minimum: 1, description: 'Requests per 3,600-second window.' },
  rpd: { type: 'integer', minimum: 1, description: 'Requests per 86,400-second window.' },
  tpm: { type: 'integer', minimum: 1, description: 'Tokens per 60-second window (charged after each completion).' },
  tpd: { type: 'integer', minimum: 1, description: 'Tokens per 86,400-second window (charged after each completion).' },
  concurrency: { type: 'integer', minimum: 1, description: 'Most requests in flight at once.' },
} as const satisfies FieldTable;

/** The spec of a `rate_limit` block; `whose` names the bucket ("this key", "this model …"). */
export function rateLimitSpec(whose: string): ObjectSpec<typeof RATE_LIMIT_FIELDS> {
  return {
    type: 'object',
    fields: RATE_LIMIT_FIELDS,
    description: `Rate limits of ${whose}: fixed windows aligned to the epoch; over a limit → 429 rate_limit_exceeded.`,
  };
}
