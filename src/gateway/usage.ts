// Normalises the token usage an upstream reported (Responses or Chat Completions shape) into the
// event's `Usage`. Never estimates: no usage object, no usage.
import type { Usage } from '../events/types.js';

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
}

/** `usage` of a Responses object: input/output tokens with their details. */
export function responsesUsage(usage: unknown): Usage | null {
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

/** `usage` of a chat completion (or its final stream chunk). */
export function chatUsage(usage: unknown): Usage | null {
  if (typeof usage !== 'object' || usage === null) return null;
  const input = num(field(usage, 'prompt_tokens'));
  const output = num(field(usage, 'completion_tokens'));
  const total = field(usage, 'total_tokens');
  return {
    input_tokens: input,
    output_tokens: output,
    total_tokens: typeof total === 'number' ? total : input + output,
    cached_tokens: num(field(field(usage, 'prompt_tokens_details'), 'cached_tokens')),
    reasoning_tokens: num(field(field(usage, 'completion_tokens_details'), 'reasoning_tokens')),
  };
}

export { field };
