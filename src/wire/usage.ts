// Normalises the token usage an upstream reported (Responses or Chat Completions shape) into the
// event's `Usage`, for the gateway and the test-request client alike. Never estimates: no usage
// object, no usage.
import type { Usage } from '../events/types.js';
import { field, num } from './json-fields.js';

interface UsageNames {
  input: string;
  output: string;
  inputDetails: string;
  outputDetails: string;
}

function readUsage(usage: unknown, names: UsageNames): Usage | null {
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
  };
}

const RESPONSES: UsageNames = { input: 'input_tokens', output: 'output_tokens', inputDetails: 'input_tokens_details', outputDetails: 'output_tokens_details' };
const CHAT: UsageNames = { input: 'prompt_tokens', output: 'completion_tokens', inputDetails: 'prompt_tokens_details', outputDetails: 'completion_tokens_details' };

/** `usage` of a Responses object: input/output tokens with their details. */
export const responsesUsage = (usage: unknown): Usage | null => readUsage(usage, RESPONSES);

/** `usage` of a chat completion (or its final stream chunk). */
export const chatUsage = (usage: unknown): Usage | null => readUsage(usage, CHAT);
