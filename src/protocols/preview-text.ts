// Plain-text projections of request and response bodies for log previews (the gateway keeps
// the first 2 KB): the same texts the guardrails scan, joined with newlines.
import type { Protocol, TextSlot } from './types.js';

const joined = (slots: readonly TextSlot[]): string => slots.map((s) => s.text).join('\n');

export function requestText(protocol: Protocol, body: Record<string, unknown>): string {
  return joined(protocol.requestSlots(body));
}

export function responseText(protocol: Protocol, json: unknown): string {
  return joined(protocol.outputSlots(json));
}
