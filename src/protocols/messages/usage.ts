// Anthropic `usage` (a Message's, `message_start`'s, `message_delta`'s) in the event's OpenAI
// semantics (DESIGN.md §5): `input_tokens` counts every prompt token — Anthropic's uncached input
// plus cache reads plus cache writes — `cached_tokens` the cache reads, `cache_creation_tokens` the
// cache writes; total = normalised input + output. Anthropic reports no reasoning split: 0. Never
// estimated: no usage object, no usage.
import type { Usage } from '../../events/types.js';
import { field, num } from '../json-fields.js';

/** The usage fields a stream's frames carry, merged: a later number replaces an earlier one. */
export const USAGE_FIELDS = ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const;

export function messagesUsage(usage: unknown): Usage | null {
  if (typeof usage !== 'object' || usage === null || Array.isArray(usage)) return null;
  const cacheRead = num(field(usage, 'cache_read_input_tokens'));
  const cacheCreation = num(field(usage, 'cache_creation_input_tokens'));
  const input = num(field(usage, 'input_tokens')) + cacheRead + cacheCreation;
  const output = num(field(usage, 'output_tokens'));
  return {
    input_tokens: input,
    output_tokens: output,
    total_tokens: input + output,
    cached_tokens: cacheRead,
    reasoning_tokens: 0,
    cache_creation_tokens: cacheCreation,
  };
}
