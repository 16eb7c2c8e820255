// A /v1/chat/completions answer put together for a reader (DESIGN.md §13): from a completion, every
// choice's `message.content` (a string or text parts), its `reasoning_content` / `reasoning` (what
// OpenAI-compatible servers send), its `tool_calls` (and legacy `function_call`); from a stream, the
// `choices[].delta` pieces joined the same way, tool calls joined per choice and `index` (the id
// and name come with a call's first delta — a server that repeats the name replaces it, as the
// OpenAI SDK does — the arguments in pieces). A message or delta with both reasoning fields counts
// the first one only (servers that send both send the same text twice).
import { AnswerBuilder, text } from '../answer-builder.js';
import { isObject, type JsonObject } from '../json-walk.js';
import type { AnswerSource } from '../types.js';
import type { AssembledAnswer } from '../../events/capture.js';

const REASONING_FIELDS = ['reasoning_content', 'reasoning'] as const;

function addContent(b: AnswerBuilder, content: unknown): void {
  if (typeof content === 'string') return b.addText(content);
  if (!Array.isArray(content)) return;
  for (const part of content) if (isObject(part) && part.type === 'text') b.addText(part.text);
}

function addReasoning(b: AnswerBuilder, choice: string, message: JsonObject): void {
  const field = REASONING_FIELDS.find((f) => typeof message[f] === 'string');
  if (field !== undefined) b.addReasoning(choice, message[field]);
}

/** A tool call (whole or a delta) into the call kept under `key`: id and name set (when not empty), arguments appended. */
function addCall(b: AnswerBuilder, key: string, call: JsonObject, fn: unknown): void {
  if (!isObject(fn)) return;
  const kept = b.call(key);
  kept.id = text(call.id) ?? kept.id;
  const name = text(fn.name);
  if (name !== null && name !== '') kept.name = name;
  kept.arguments += text(fn.arguments) ?? '';
}

function addCalls(b: AnswerBuilder, choice: string, message: JsonObject): void {
  if (Array.isArray(message.tool_calls)) {
    message.tool_calls.forEach((call: unknown, j) => {
      if (isObject(call)) addCall(b, `${choice}|${String(call.index ?? j)}`, call, call.function);
    });
  }
  if (isObject(message.function_call)) addCall(b, `${choice}|fn`, {}, message.function_call);
}

/** Every choice's message (JSON) or delta (stream), in order. */
function addChoices(b: AnswerBuilder, json: unknown, field: 'message' | 'delta'): void {
  if (!isObject(json) || !Array.isArray(json.choices)) return;
  b.seen = true;
  json.choices.forEach((choice: unknown, i) => {
    if (!isObject(choice) || !isObject(choice[field])) return;
    const message = choice[field] as JsonObject;
    const id = String(choice.index ?? i);
    addContent(b, message.content);
    addReasoning(b, id, message);
    addCalls(b, id, message);
  });
}

export function assembleChat(answer: AnswerSource): AssembledAnswer | null {
  const b = new AnswerBuilder();
  if ('json' in answer) addChoices(b, answer.json, 'message');
  else for (const frame of answer.frames) addChoices(b, frame, 'delta');
  return b.build();
}
