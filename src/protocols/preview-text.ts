// Plain-text projections of request and response bodies for log previews (the gateway keeps
// the first 2 KB): the same texts the guardrails scan, joined with newlines.
import { chatOutputSlots, chatRequestSlots } from './extract-chat.js';
import { responsesOutputSlots, responsesRequestSlots } from './extract-responses.js';
import type { WireFormat } from './types.js';

export function requestText(format: WireFormat, body: Record<string, unknown>): string {
  const slots = format === 'responses' ? responsesRequestSlots(body) : chatRequestSlots(body);
  return slots.map((s) => s.text).join('\n');
}

export function responseText(format: WireFormat, json: unknown): string {
  const slots = format === 'responses' ? responsesOutputSlots(json) : chatOutputSlots(json);
  return slots.map((s) => s.text).join('\n');
}
