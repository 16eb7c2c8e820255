// A /v1/responses answer put together for a reader (DESIGN.md §13): from a Response object (JSON
// reply, stored-response read), its `message` items' `output_text`/`refusal` parts, its `reasoning`
// items' summaries, its `function_call` (and `custom_tool_call`) items; from a stream or a
// WebSocket turn, the `response.output_text.delta` / `response.refusal.delta` pieces, the reasoning
// summary (and reasoning text) deltas, and the tool calls announced by `response.output_item.added`
// with their `response.function_call_arguments.delta` pieces (a `*.done` copy wins). A stream that
// carried no deltas (a replayed stored response, say) is read from its terminal event's response.
import { AnswerBuilder, text } from '../answer-builder.js';
import { isObject, type JsonObject } from '../json-walk.js';
import type { AnswerSource } from '../types.js';
import type { AssembledAnswer } from '../../events/capture.js';

const TEXT_DELTAS = new Set(['response.output_text.delta', 'response.refusal.delta']);
const REASONING_DELTAS = new Set(['response.reasoning_summary_text.delta', 'response.reasoning_text.delta']);
const ARGUMENT_DELTAS = new Set(['response.function_call_arguments.delta', 'response.custom_tool_call_input.delta']);
const ARGUMENT_DONE: Readonly<Record<string, string>> = {
  'response.function_call_arguments.done': 'arguments',
  'response.custom_tool_call_input.done': 'input',
};
/** tool call item type → the field holding its arguments */
const CALL_ITEMS: Readonly<Record<string, string>> = { function_call: 'arguments', custom_tool_call: 'input' };

function addToolItem(b: AnswerBuilder, item: JsonObject, key: string): void {
  const field = typeof item.type === 'string' ? CALL_ITEMS[item.type] : undefined;
  if (field === undefined) return;
  const call = b.call(key);
  call.id = text(item.call_id) ?? text(item.id) ?? call.id;
  call.name = text(item.name) ?? call.name;
  const args = text(item[field]);
  if (args !== null && args !== '') call.arguments = args;
}

function addItem(b: AnswerBuilder, item: unknown, i: number): void {
  if (!isObject(item)) return;
  if (item.type === 'message' && Array.isArray(item.content)) {
    for (const part of item.content) {
      if (!isObject(part)) continue;
      if (part.type === 'output_text') b.addText(part.text);
      else if (part.type === 'refusal') b.addText(part.refusal);
    }
  } else if (item.type === 'reasoning') {
    const parts = Array.isArray(item.summary) && item.summary.length > 0 ? item.summary : Array.isArray(item.content) ? item.content : [];
    parts.forEach((part: unknown, j) => b.addReasoning(`${i}|${j}`, isObject(part) ? part.text : undefined));
  } else {
    addToolItem(b, item, text(item.id) ?? `#${i}`);
  }
}

function addResponse(b: AnswerBuilder, response: unknown): void {
  if (!isObject(response) || !Array.isArray(response.output)) return;
  b.seen = true;
  response.output.forEach((item: unknown, i) => addItem(b, item, i));
}

/** the item a delta or `*.done` event belongs to: its id, else its output index */
function itemKey(event: JsonObject): string {
  return text(event.item_id) ?? `#${String(event.output_index)}`;
}

function fromFrames(frames: readonly unknown[]): AssembledAnswer | null {
  const b = new AnswerBuilder();
  let deltas = false;
  let terminal: unknown = undefined;
  for (const frame of frames) {
    if (!isObject(frame) || typeof frame.type !== 'string') continue;
    const type = frame.type;
    if (!type.startsWith('response.')) continue;
    b.seen = true;
    if (TEXT_DELTAS.has(type)) {
      deltas = true;
      b.addText(frame.delta);
    } else if (REASONING_DELTAS.has(type)) {
      deltas = true;
      b.addReasoning(`${itemKey(frame)}|${String(frame.summary_index ?? frame.content_index ?? '')}`, frame.delta);
    } else if (ARGUMENT_DELTAS.has(type)) {
      deltas = true;
      const piece = text(frame.delta);
      if (piece !== null) b.call(itemKey(frame)).arguments += piece;
    } else if (ARGUMENT_DONE[type] !== undefined) {
      const args = text(frame[ARGUMENT_DONE[type]]);
      const call = b.call(itemKey(frame));
      if (args !== null) call.arguments = args;
      call.name = text(frame.name) ?? call.name;
    } else if ((type === 'response.output_item.added' || type === 'response.output_item.done') && isObject(frame.item)) {
      const key = text(frame.item.id) ?? `#${String(frame.output_index)}`;
      addToolItem(b, frame.item, key);
    } else if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') {
      terminal = frame.response;
    }
  }
  // no deltas (a stream replayed without them): the terminal event's response is the answer
  if (!deltas && terminal !== undefined) {
    const whole = fromJson(terminal);
    if (whole !== null && (whole.text !== '' || whole.reasoning !== '' || whole.tool_calls.length > 0)) return whole;
  }
  return b.build();
}

function fromJson(json: unknown): AssembledAnswer | null {
  const b = new AnswerBuilder();
  addResponse(b, json);
  return b.build();
}

export function assembleResponses(answer: AnswerSource): AssembledAnswer | null {
  return 'json' in answer ? fromJson(answer.json) : fromFrames(answer.frames);
}
