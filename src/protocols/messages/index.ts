// The Anthropic Messages protocol (`POST /v1/messages`) and its token counter
// (`POST /v1/messages/count_tokens`, same body minus `max_tokens`, never streamed, answered with
// `{"input_tokens":N}`): model and stream fields, the checks Anthropic makes before any model
// runs (a non-empty `messages` list; on /v1/messages a positive integer `max_tokens`), guardrail
// texts, the stream grammar ending with `message_stop`, usage in OpenAI semantics, Anthropic's
// in-stream error frame for a broken upstream stream, and Anthropic's error envelope. Streams
// always carry usage, and bodies name no ids the proxy binds to callers.
import { openAiRequestFields } from '../openai-request.js';
import type { BodyFields, Protocol } from '../types.js';
import { assembleMessages } from './assemble.js';
import { renderAnthropicError } from './error.js';
import { messagesBlockedFrames } from './blocked-frames.js';
import { messagesFrameTexts, messagesTextEnds } from './frame-texts.js';
import { createMessagesTap } from './stream-tap.js';
import { messagesOutputSlots, messagesRequestSlots } from './texts.js';
import { messagesUsage } from './usage.js';

export { anthropicErrorType, renderAnthropicError } from './error.js';
export { TERMINAL_EVENT as MESSAGES_TERMINAL_EVENT } from './stream-tap.js';

/** `messages` must be a non-empty list (Anthropic's wording). */
function messagesProblem(body: BodyFields): string | null {
  const kind = body.kind('messages');
  if (kind === undefined) return 'messages: Field required';
  if (kind !== 'array') return 'messages: Input should be a valid list';
  return body.isEmpty('messages') ? 'messages: at least one message is required' : null;
}

/** `max_tokens` is required on /v1/messages and must be a positive integer. */
function maxTokensProblem(body: BodyFields): string | null {
  const value = body.get('max_tokens');
  if (value === undefined) return 'max_tokens: Field required';
  if (typeof value !== 'number' || !Number.isInteger(value)) return 'max_tokens: Input should be a valid integer';
  return value < 1 ? 'max_tokens: Input should be greater than or equal to 1' : null;
}

/** Anthropic's in-stream error event, as its API sends it after a 200 has started. */
function interruptedFrames(message: string): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message } })}\n\n`;
}

export const messagesProtocol: Protocol = {
  name: 'messages',
  // `model` and `stream` are named as on the OpenAI routes
  ...openAiRequestFields,
  invalidRequest: (body) => messagesProblem(body) ?? maxTokensProblem(body),
  requestSlots: messagesRequestSlots,
  outputSlots: messagesOutputSlots,
  frameTexts: messagesFrameTexts,
  readUsage: messagesUsage,
  createTap: createMessagesTap,
  requestStreamUsage: () => false,
  interruptedFrames,
  blockedFrames: messagesBlockedFrames,
  textEnds: messagesTextEnds,
  referencedIds: () => ({ responses: [], conversations: [] }),
  renderError: renderAnthropicError,
  // Anthropic names its request id `request-id` (no `x-`)
  requestIdHeader: 'request-id',
  assemble: assembleMessages,
};

/** `POST /v1/messages/count_tokens`: no `max_tokens`, no stream, no output text. */
export const countTokensProtocol: Protocol = {
  ...messagesProtocol,
  isStream: () => false,
  invalidRequest: messagesProblem,
};
