// The OpenAI Chat Completions protocol (`POST /v1/chat/completions`): model and stream fields,
// `messages` (which must be a non-empty array), guardrail texts, the `data:` chunk grammar ending
// with `[DONE]`, the usage chunk the proxy may ask for (`stream_options.include_usage`), the
// interrupted-stream frame, and the OpenAI error envelope.
import { record } from '../json-fields.js';
import { renderOpenAiError } from '../openai-error.js';
import { openAiRequestFields } from '../openai-request.js';
import type { Protocol } from '../types.js';
import { assembleChat } from './assemble.js';
import { chatBlockedFrames } from './blocked-frames.js';
import { chatFrameTexts, chatTextEnds } from './frame-texts.js';
import { createChatTap } from './stream-tap.js';
import { chatOutputSlots, chatRequestSlots } from './texts.js';
import { chatUsage } from './usage.js';

const INTERRUPTED_CODE = 'upstream_stream_interrupted';

export const chatProtocol: Protocol = {
  name: 'chat',
  ...openAiRequestFields,
  // missing, not an array, or empty: one message (DESIGN.md §4), as AISIX words it
  invalidRequest: (body) =>
    body.kind('messages') === 'array' && !body.isEmpty('messages') ? null : 'request payload is invalid: messages array must not be empty',
  requestSlots: chatRequestSlots,
  outputSlots: chatOutputSlots,
  frameTexts: chatFrameTexts,
  readUsage: chatUsage,
  createTap: createChatTap,
  requestStreamUsage(body) {
    const options = record(body.get('stream_options'));
    if (options !== null && options.include_usage === true) return false;
    body.set('stream_options', { ...(options ?? {}), include_usage: true });
    return true;
  },
  interruptedFrames: (message) =>
    `event: error\ndata: ${JSON.stringify({ error: { message, type: 'upstream_error', code: INTERRUPTED_CODE } })}\n\n`,
  blockedFrames: chatBlockedFrames,
  textEnds: chatTextEnds,
  referencedIds: () => ({ responses: [], conversations: [] }),
  renderError: renderOpenAiError,
  assemble: assembleChat,
};
