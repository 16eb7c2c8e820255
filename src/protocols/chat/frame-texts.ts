// Text carried by one /v1/chat/completions stream chunk: `choices[].delta.content` and
// `delta.tool_calls[].function.{name,arguments}` (and legacy `delta.function_call`), as deltas
// keyed by choice and tool-call index so pieces of one text are joined before scanning; a
// `finish_reason` says the choice's texts are complete (window mode).
import { isObject } from '../json-walk.js';
import type { DeltaSlot, FrameTexts } from '../types.js';
import type { Path } from '../types.js';

function addDelta(deltas: DeltaSlot[], value: unknown, key: string, path: Path): void {
  if (typeof value === 'string') deltas.push({ key, path, text: value });
}

function addToolCallDeltas(deltas: DeltaSlot[], calls: unknown, choice: string, path: Path): void {
  if (!Array.isArray(calls)) return;
  calls.forEach((call: unknown, j) => {
    if (!isObject(call) || !isObject(call.function)) return;
    const id = `${choice}|tool|${String(call.index ?? j)}`;
    for (const key of ['name', 'arguments']) {
      addDelta(deltas, call.function[key], `${id}|${key}`, [...path, j, 'function', key]);
    }
  });
}

export function chatFrameTexts(json: unknown): FrameTexts {
  const deltas: DeltaSlot[] = [];
  if (!isObject(json) || !Array.isArray(json.choices)) return { slots: [], deltas };
  json.choices.forEach((choice: unknown, i) => {
    if (!isObject(choice) || !isObject(choice.delta)) return;
    const id = String(choice.index ?? i);
    const path = ['choices', i, 'delta'];
    addDelta(deltas, choice.delta.content, `${id}|content`, [...path, 'content']);
    addToolCallDeltas(deltas, choice.delta.tool_calls, id, [...path, 'tool_calls']);
    if (isObject(choice.delta.function_call)) {
      for (const key of ['name', 'arguments']) {
        addDelta(deltas, choice.delta.function_call[key], `${id}|fn|${key}`, [...path, 'function_call', key]);
      }
    }
  });
  return { slots: [], deltas };
}

/** A choice's `finish_reason`: its content and tool-call texts are complete. */
export function chatTextEnds(json: unknown): string[] {
  if (!isObject(json) || !Array.isArray(json.choices)) return [];
  return json.choices.flatMap((choice: unknown, i) => (isObject(choice) && typeof choice.finish_reason === 'string' ? [`${String(choice.index ?? i)}|`] : []));
}
