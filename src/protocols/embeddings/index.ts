// The OpenAI input-only model endpoints: Embeddings (`POST /v1/embeddings`) and Moderations
// (`POST /v1/moderations`). Both take `model` and `input` (a string, a list of strings, token
// arrays; moderations also `{type:"text",text}` parts), never stream, report usage as
// `usage.prompt_tokens` when the upstream gives it, and answer with vectors or verdicts that carry
// no text for output guardrails. Input guardrails scan every string input.
import { addContent, addString } from '../json-walk.js';
import { chatProtocol } from '../chat/index.js';
import { openAiRequestFields } from '../openai-request.js';
import type { BodyFields, Protocol, TextSlot } from '../types.js';

/** `input` as a string or a list of strings (token arrays carry no text to scan). */
function inputSlots(body: Record<string, unknown>): TextSlot[] {
  const out: TextSlot[] = [];
  const input = body.input;
  if (typeof input === 'string') addString(out, input, ['input']);
  else if (Array.isArray(input)) input.forEach((item: unknown, i) => addString(out, item, ['input', i]));
  return out;
}

/** Moderations also take content parts: `[{type:"text",text}, {type:"image_url",…}]`. */
function moderationSlots(body: Record<string, unknown>): TextSlot[] {
  const input = body.input;
  if (!Array.isArray(input) || input.every((item) => typeof item === 'string')) return inputSlots(body);
  const out: TextSlot[] = [];
  addContent(out, input, ['input']);
  return out;
}

const missingInput = (body: BodyFields): string | null =>
  body.kind('input') === 'string' || body.kind('input') === 'array' ? null : 'request payload is invalid: `input` must be a string or an array';

const inputOnly: Omit<Protocol, 'name' | 'requestSlots'> = {
  ...openAiRequestFields,
  isStream: () => false,
  invalidRequest: missingInput,
  outputSlots: () => [],
  frameTexts: () => ({ slots: [], deltas: [] }),
  // usage, the (unused) stream grammar and the envelope are chat's: the same OpenAI family
  readUsage: chatProtocol.readUsage,
  createTap: chatProtocol.createTap,
  requestStreamUsage: () => false,
  interruptedFrames: chatProtocol.interruptedFrames,
  blockedFrames: chatProtocol.blockedFrames,
  referencedIds: chatProtocol.referencedIds,
  renderError: chatProtocol.renderError,
  // vectors and verdicts: no answer text to put together
  assemble: () => null,
};

export const embeddingsProtocol: Protocol = { ...inputOnly, name: 'embeddings', requestSlots: inputSlots };
export const moderationsProtocol: Protocol = { ...inputOnly, name: 'moderations', requestSlots: moderationSlots };
