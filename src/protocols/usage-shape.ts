// Normalises an upstream `usage` object into the event's `Usage`, given the field names of one
// protocol (each protocol module passes its own). Never estimates: no usage object, no usage.
import type { Usage } from '../events/types.js';
import { field, num } from './json-fields.js';

export interface UsageNames {
  input: string;
  output: string;
  inputDetails: string;
  outputDetails: string;
}

export function readUsage(usage: unknown, names: UsageNames): Usage | null {
  if (typeof usage !== 'object' || usage === null) return null;
  const input = num(field(usage, names.input));
  const output = num(field(usage, names.output));
  const total = field(usage, 'total_tokens');
  return {
    input_tokens: input,
    output_tokens: output,
    total_tokens: typeof total === 'number' ? total : input + output,
    cached_tokens: num(field(field(usage, names.inputDetails), 'cached_tokens')),
    reasoning_tokens: num(field(field(usage, names.outputDetails), 'reasoning_tokens')),
    cache_creation_tokens: 0,
  };
}
