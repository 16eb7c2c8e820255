// The OpenAI Responses protocol (`POST /v1/responses` and its model sub-routes): model and stream
// fields, guardrail texts, stream grammar, usage, the interrupted-stream frames, the ids a body
// refers to (`previous_response_id`, `conversation`), and the OpenAI error envelope.
import { record } from '../json-fields.js';
import { renderOpenAiError } from '../openai-error.js';
import { openAiRequestFields } from '../openai-request.js';
import type { BodyFields, Protocol, ReferencedIds } from '../types.js';
import { assembleResponses } from './assemble.js';
import { responsesBlockedFrames } from './blocked-frames.js';
import { responsesFrameTexts, responsesTextEnds } from './frame-texts.js';
import { createResponsesTap } from './stream-tap.js';

export { TERMINAL_EVENTS as RESPONSES_TERMINAL_EVENTS } from './stream-tap.js';
import { responsesOutputSlots, responsesRequestSlots } from './texts.js';
import { responsesUsage } from './usage.js';

export const INTERRUPTED_CODE = 'upstream_stream_interrupted';

/**
 * `error`, then `response.failed` carrying the same reason in `response.error` (DESIGN.md §3, §11):
 * clients that only read terminal events report the proxy's reason, not their own "stream closed".
 */
function interruptedFrames(message: string, sequence: number, responseId: string | null): string {
  const error = { type: 'error', code: INTERRUPTED_CODE, message, sequence_number: sequence };
  const failed = {
    type: 'response.failed',
    sequence_number: sequence + 1,
    response: { id: responseId ?? 'resp_interrupted', object: 'response', status: 'failed', error: { code: INTERRUPTED_CODE, message }, incomplete_details: null, output: [] },
  };
  return `event: error\ndata: ${JSON.stringify(error)}\n\nevent: response.failed\ndata: ${JSON.stringify(failed)}\n\n`;
}

function referencedIds(body: BodyFields): ReferencedIds {
  const previous = body.get('previous_response_id');
  const responses = typeof previous === 'string' ? [previous] : [];
  const conversation = body.get('conversation');
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
  interruptedFrames,
  blockedFrames: responsesBlockedFrames,
  textEnds: responsesTextEnds,
  referencedIds,
  renderError: renderOpenAiError,
  assemble: assembleResponses,
};
