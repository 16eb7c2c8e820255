// The text of a Response object as the SDKs define `output_text` (what test-request prints):
// every `output_text` (and `refusal`) part of its `message` items, in order. `output_text` is an SDK
// convenience, not on the wire (responses-wire.md §3). Also the function calls, for summaries.
import { field, str } from '../json-fields.js';

function partText(part: unknown): string {
  const type = field(part, 'type');
  if (type === 'output_text') return str(field(part, 'text')) ?? '';
  if (type === 'refusal') return str(field(part, 'refusal')) ?? '';
  return '';
}

export function outputText(response: unknown): string {
  const output = field(response, 'output');
  if (!Array.isArray(output)) return '';
  let text = '';
  for (const item of output) {
    if (field(item, 'type') !== 'message') continue;
    const content = field(item, 'content');
    if (Array.isArray(content)) for (const part of content) text += partText(part);
  }
  return text;
}

/** `name(arguments)` of every function call item, for callers that print a summary. */
export function functionCalls(response: unknown): string[] {
  const output = field(response, 'output');
  if (!Array.isArray(output)) return [];
  return output
    .filter((item) => field(item, 'type') === 'function_call')
    .map((item) => `${str(field(item, 'name')) ?? '?'}(${str(field(item, 'arguments')) ?? ''})`);
}
