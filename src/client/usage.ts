// Reads a Responses `usage` object (responses-wire.md §3): input/output/total tokens, cached and
// reasoning details (every `*_details` field optional). No usage object means null, never zeros.
import { field, num } from './json-fields.js';
import type { Usage } from './types.js';

export function readUsage(usage: unknown): Usage | null {
  if (typeof usage !== 'object' || usage === null) return null;
  const input = num(field(usage, 'input_tokens'));
  const output = num(field(usage, 'output_tokens'));
  const total = field(usage, 'total_tokens');
  return {
    input_tokens: input,
    output_tokens: output,
    total_tokens: typeof total === 'number' ? total : input + output,
    cached_tokens: num(field(field(usage, 'input_tokens_details'), 'cached_tokens')),
    reasoning_tokens: num(field(field(usage, 'output_tokens_details'), 'reasoning_tokens')),
  };
}
