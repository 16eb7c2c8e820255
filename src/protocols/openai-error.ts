// The OpenAI error envelope `{"error":{message,type,param?,code?}}` (DESIGN.md §4), both ways:
// rendering the proxy's own errors, and reading an upstream's error body. `param` and `code` are
// omitted when they have no value.
import { record } from './json-fields.js';
import type { ErrorFields } from './types.js';

export function renderOpenAiError(error: ErrorFields): string {
  const body: Record<string, string> = { message: error.message, type: error.type };
  if (error.param !== undefined) body.param = error.param;
  if (error.code !== undefined) body.code = error.code;
  return JSON.stringify({ error: body });
}

/** The `error` object of an OpenAI-style error body, or null when the text is not one. */
export function readOpenAiError(text: string): Record<string, unknown> | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const error = record(record(json)?.error);
  return error !== null && typeof error.message === 'string' ? error : null;
}
