// The text a mock answer carries: the echo of the input, the fixed long/huge texts, or an override
// (the `x-mock-output` header, else `metadata.mock_output`); plus the tool name of `mock-tool`.
import type { Behaviour } from './behaviours.js';
import { isObject, stringAt, type JsonObject } from './json.js';

export const LONG_TEXT_CHARS = 320 * 1024;
export const HUGE_TEXT_CHARS = 20 * 1024 * 1024;
export const REASONING_SUMMARY = 'The mock is thinking about the request before it answers.';
export const DEFAULT_TOOL_NAME = 'get_weather';
/** The header that replaces the output text on every model route (for bodies that cannot carry `metadata.mock_output`). */
export const MOCK_OUTPUT_HEADER = 'x-mock-output';

const SENTENCE = 'The quick brown fox jumps over the lazy dog. ';
const fillers = new Map<number, string>();

/** A deterministic text of exactly `chars` characters, built once per size. */
export function fillerText(chars: number): string {
  let text = fillers.get(chars);
  if (text === undefined) {
    text = SENTENCE.repeat(Math.ceil(chars / SENTENCE.length)).slice(0, chars);
    fillers.set(chars, text);
  }
  return text;
}

/** `metadata.mock_output` when the body sets it to a string. */
export function mockOutputOverride(body: JsonObject): string | undefined {
  const metadata = body.metadata;
  return isObject(metadata) ? stringAt(metadata, 'mock_output') : undefined;
}

/** A request header as one string (repeats joined with ", "), undefined when absent. */
export function headerText(value: string | string[] | undefined): string | undefined {
  return value === undefined || typeof value === 'string' ? value : value.join(', ');
}

/**
 * The answer's text (for `mock-tool`, the call's `arguments` JSON string): the header override,
 * else `metadata.mock_output`, else the filler for long/huge, else `{"input":<echo>}` for tool,
 * else the echo text.
 */
export function answerText(behaviour: Behaviour, body: JsonObject, echoText: string, header: string | undefined): string {
  const override = header ?? mockOutputOverride(body);
  if (override !== undefined) return override;
  switch (behaviour.output) {
    case 'long':
      return fillerText(LONG_TEXT_CHARS);
    case 'huge':
      return fillerText(HUGE_TEXT_CHARS);
    case 'tool':
      return JSON.stringify({ input: echoText });
    default:
      return echoText;
  }
}

/** The first function tool's name (`{type,name}` or chat's `{type,function:{name}}`), else get_weather. */
export function toolName(body: JsonObject): string {
  const tools = body.tools;
  if (!Array.isArray(tools)) return DEFAULT_TOOL_NAME;
  for (const tool of tools) {
    if (!isObject(tool) || tool.type !== 'function') continue;
    const name = stringAt(tool, 'name') ?? (isObject(tool.function) ? stringAt(tool.function, 'name') : undefined);
    if (name !== undefined) return name;
  }
  return DEFAULT_TOOL_NAME;
}

/** Messages tools are `{name, input_schema}` (or `type: "custom"`): the first one's name, else get_weather. */
export function messagesToolName(body: JsonObject): string {
  const tools = body.tools;
  if (!Array.isArray(tools)) return DEFAULT_TOOL_NAME;
  for (const tool of tools) {
    if (!isObject(tool) || (tool.type !== undefined && tool.type !== 'custom')) continue;
    const name = stringAt(tool, 'name');
    if (name !== undefined) return name;
  }
  return DEFAULT_TOOL_NAME;
}
