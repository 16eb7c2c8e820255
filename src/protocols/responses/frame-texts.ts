// Text carried by one /v1/responses stream event (responses-wire.md §4, "Text appears up to five
// times"): text and tool-argument deltas keyed by item and content part, `*.done` copies,
// content parts, output items, and the `response.output` of lifecycle/terminal events. A `*.done`
// event says its part's deltas are complete (window mode).
import { addOutputItem, addResponseOutput } from './texts.js';
import { addString, isObject, type JsonObject } from '../json-walk.js';
import type { DeltaSlot, FrameTexts } from '../types.js';
import type { TextSlot } from '../types.js';

const DELTA_EVENTS = new Set([
  'response.output_text.delta',
  'response.function_call_arguments.delta',
  'response.custom_tool_call_input.delta',
  'response.mcp_call_arguments.delta',
]);

/** Fields holding a whole copy of the text, per event type. */
const DONE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'response.output_text.done': ['text'],
  'response.function_call_arguments.done': ['arguments', 'name'],
  'response.custom_tool_call_input.done': ['input'],
  'response.mcp_call_arguments.done': ['arguments'],
};

function deltaKey(event: JsonObject, type: string): string {
  const item = typeof event.item_id === 'string' ? event.item_id : `#${String(event.output_index)}`;
  return `${type}|${item}|${String(event.content_index ?? '')}`;
}

function addCopies(slots: TextSlot[], event: JsonObject, type: string): void {
  const fields = DONE_FIELDS[type];
  if (fields) return fields.forEach((f) => addString(slots, event[f], [f]));
  if (type === 'response.content_part.added' || type === 'response.content_part.done') {
    if (isObject(event.part)) addString(slots, event.part.text, ['part', 'text']);
    return;
  }
  if (type === 'response.output_item.added' || type === 'response.output_item.done') {
    return addOutputItem(slots, event.item, ['item']);
  }
  addResponseOutput(slots, event.response, ['response']);
}

export function responsesFrameTexts(json: unknown): FrameTexts {
  const slots: TextSlot[] = [];
  const deltas: DeltaSlot[] = [];
  if (!isObject(json) || typeof json.type !== 'string') return { slots, deltas };
  const type = json.type;
  if (DELTA_EVENTS.has(type)) {
    // the key includes the event type, so text and argument deltas of one item never mix
    if (typeof json.delta === 'string') deltas.push({ key: deltaKey(json, type), path: ['delta'], text: json.delta });
  } else {
    addCopies(slots, json, type);
  }
  return { slots, deltas };
}

/** A `*.done` event of a delta kind: that item part's deltas are complete. */
export function responsesTextEnds(json: unknown): string[] {
  if (!isObject(json) || typeof json.type !== 'string' || !json.type.endsWith('.done')) return [];
  const delta = `${json.type.slice(0, -'.done'.length)}.delta`;
  return DELTA_EVENTS.has(delta) ? [deltaKey(json, delta)] : [];
}
