// Where text lives in /v1/chat/completions bodies: `messages[].content` (string or text parts),
// `messages[].content_blocks` (text blocks, which AISIX scans too) and assistant tool-call
// arguments on the input side; `choices[].message` content and tool-call names/arguments on the
// output side. Guardrails and previews read these slots and nothing else.
import { addContent, addString, isObject } from '../json-walk.js';
import type { Path, TextSlot } from '../types.js';

function addToolCalls(out: TextSlot[], calls: unknown, path: Path, keys: readonly string[]): void {
  if (!Array.isArray(calls)) return;
  calls.forEach((call: unknown, j) => {
    if (!isObject(call) || !isObject(call.function)) return;
    for (const key of keys) addString(out, call.function[key], [...path, j, 'function', key]);
  });
}

function addLegacyFunctionCall(out: TextSlot[], call: unknown, path: Path, keys: readonly string[]): void {
  if (!isObject(call)) return;
  for (const key of keys) addString(out, call[key], [...path, key]);
}

/** Every message text of a chat request, plus replayed assistant tool-call arguments. */
export function chatRequestSlots(body: Record<string, unknown>): TextSlot[] {
  const out: TextSlot[] = [];
  if (!Array.isArray(body.messages)) return out;
  body.messages.forEach((message: unknown, i) => {
    if (!isObject(message)) return;
    addContent(out, message.content, ['messages', i, 'content']);
    addContent(out, message.content_blocks, ['messages', i, 'content_blocks']);
    addToolCalls(out, message.tool_calls, ['messages', i, 'tool_calls'], ['arguments']);
    addLegacyFunctionCall(out, message.function_call, ['messages', i, 'function_call'], ['arguments']);
  });
  return out;
}

/** Every assistant text of a chat completion: content and tool-call names and arguments. */
export function chatOutputSlots(json: unknown): TextSlot[] {
  const out: TextSlot[] = [];
  if (!isObject(json) || !Array.isArray(json.choices)) return out;
  json.choices.forEach((choice: unknown, i) => {
    if (!isObject(choice) || !isObject(choice.message)) return;
    const path = ['choices', i, 'message'];
    addContent(out, choice.message.content, [...path, 'content']);
    addToolCalls(out, choice.message.tool_calls, [...path, 'tool_calls'], ['name', 'arguments']);
    addLegacyFunctionCall(out, choice.message.function_call, [...path, 'function_call'], ['name', 'arguments']);
  });
  return out;
}
