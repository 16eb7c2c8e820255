// The OpenAI Responses protocol (`POST /v1/responses` and its model sub-routes): model and stream
// fields, guardrail texts, stream grammar, usage, the interrupted-stream frame, the ids a body
// refers to (`previous_response_id`, `conversation`), and the OpenAI error envelope.
import { record } from '../json-fields.js';
import { renderOpenAiError } from '../openai-error.js';
import { openAiRequestFields } from '../openai-request.js';
import type { Protocol, ReferencedIds } from '../types.js';
import { responsesFrameTexts } from './frame-texts.js';
import { createResponsesTap } from './stream-tap.js';

export { TERMINAL_EVENTS as RESPONSES_TERMINAL_EVENTS } from './stream-tap.js';
import { responsesOutputSlots, responsesRequestSlots } from './texts.js';
import { responsesUsage } from './usage.js';

export const INTERRUPTED_CODE = 'upstream_stream_interrupted';

function referencedIds(body: Record<string, unknown>): ReferencedIds {
  const responses = typeof body.previous_response_id === 'string' ? [body.previous_response_id] : [];
  const conversation = body.conversation;
  const id = typeof conversation === 'string' ? conversation : record(conversation)?.id;
  return { responses, conversations: typeof id === 'string' ? [id] : [] };
}

export const responsesProtocol: Protocol = {
  name: 'responses',
  ...openAiRequestFields,
  invalidRequest: () => null,
  requestSlots: responsesRequestSlots,
  outputSlots: responsesOutputSlots,
  frameTexts: responsesFrameTexts,
  readUsage: responsesUsage,
  createTap: createResponsesTap,
  requestStreamUsage: () => false,
  interruptedFrames: (message, sequence) =>
    `event: error\ndata: ${JSON.stringify({ type: 'error', code: INTERRUPTED_CODE, message, sequence_number: sequence })}\n\n`,
  referencedIds,
  renderError: renderOpenAiError,
};
