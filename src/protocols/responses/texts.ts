// Where guardrail text lives in /v1/responses bodies (responses-wire.md §2 and §3): the input
// side (instructions, input string, message parts, tool-call outputs, replayed calls, prompt
// variables) and the output side (message text, tool-call names, arguments and inputs).
import { addContent, addString, isObject } from '../json-walk.js';
import type { Path, TextSlot } from '../types.js';

const REPLAYED_CALL_FIELDS: Readonly<Record<string, string>> = {
  function_call: 'arguments',
  custom_tool_call: 'input',
  mcp_approval_response: 'reason',
};

function addInputItem(out: TextSlot[], item: unknown, path: Path): void {
  if (typeof item === 'string') return addString(out, item, path);
  if (!isObject(item)) return;
  const type = item.type;
  if (type === 'message' || (type === undefined && 'role' in item)) {
    return addContent(out, item.content, [...path, 'content']);
  }
  if (typeof type !== 'string') return;
  const field = REPLAYED_CALL_FIELDS[type];
  if (field) return addString(out, item[field], [...path, field]);
  if (type === 'shell_call_output') return addContent(out, item.output, [...path, 'output'], ['stdout', 'stderr']);
  // function_call_output, custom_tool_call_output, local_shell_call_output, apply_patch_call_output…
  if (type.endsWith('_call_output')) addContent(out, item.output, [...path, 'output']);
}

function addPromptVariables(out: TextSlot[], prompt: unknown): void {
  if (!isObject(prompt) || !isObject(prompt.variables)) return;
  for (const [name, value] of Object.entries(prompt.variables)) {
    const path = ['prompt', 'variables', name];
    if (typeof value === 'string') addString(out, value, path);
    else if (isObject(value) && value.type === 'input_text') addString(out, value.text, [...path, 'text']);
  }
}

/** Every client-supplied text of a /v1/responses request body. */
export function responsesRequestSlots(body: Record<string, unknown>): TextSlot[] {
  const out: TextSlot[] = [];
  addString(out, body.instructions, ['instructions']);
  if (typeof body.input === 'string') addString(out, body.input, ['input']);
  else if (Array.isArray(body.input)) body.input.forEach((item: unknown, i) => addInputItem(out, item, ['input', i]));
  addPromptVariables(out, body.prompt);
  return out;
}

/** One output item: content parts' `text` (not reasoning) and top-level name/arguments/input. */
export function addOutputItem(out: TextSlot[], item: unknown, path: Path): void {
  if (!isObject(item) || item.type === 'reasoning') return;
  addContent(out, item.content, [...path, 'content']);
  for (const key of ['name', 'arguments', 'input']) addString(out, item[key], [...path, key]);
}

/** Every output text of a Response object (a JSON reply or a stream's `response` field). */
export function addResponseOutput(out: TextSlot[], response: unknown, path: Path): void {
  if (!isObject(response) || !Array.isArray(response.output)) return;
  response.output.forEach((item: unknown, i) => addOutputItem(out, item, [...path, 'output', i]));
}

export function responsesOutputSlots(json: unknown): TextSlot[] {
  const out: TextSlot[] = [];
  addResponseOutput(out, json, []);
  return out;
}
