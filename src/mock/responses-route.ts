// `POST /v1/responses` (JSON, or SSE when `stream:true`) and `POST /v1/responses/input_tokens`:
// the model name picks the behaviour, the created response is stored for the sub-routes, and its
// turn (input items, then output items) is appended to the `conversation` it names.
import { behaviourFor, type Behaviour } from './behaviours.js';
import type { Exchange, MockState } from './context.js';
import { appendTurn, conversationRefusal } from './conversations.js';
import { MISSING_MODEL } from './errors.js';
import { applyStreamFaults, preflight, sendJsonAnswer, writeOptions } from './faults.js';
import { inputItems } from './input-items.js';
import { isObject, stringAt, type JsonObject } from './json.js';
import { toJson, unfinishedJson, type JsonStyle } from './json-style.js';
import { responsesInputTexts } from './request-text.js';
import { replyHeaders, sendJson, SSE_TYPE } from './reply.js';
import { responseEvents, type StreamEvent } from './response-events.js';
import { buildResponse, type ResponseObject } from './response-object.js';
import { encodeFrame, writeSse, type Frame } from './sse.js';
import { countTokens } from './usage.js';

function outputChars(response: ResponseObject): number {
  let chars = 0;
  for (const item of response.output) {
    if (item.type === 'message') for (const part of item.content) chars += part.text.length;
    else if (item.type === 'function_call') chars += item.arguments.length;
  }
  return chars;
}

/** Frames of a Responses stream: `event:` equal to `type`, one `data:` line each, in `style`. */
export function responseFrames(events: readonly StreamEvent[], behaviour: Behaviour, style: JsonStyle): Frame[] {
  const frames = events.map((event) =>
    encodeFrame(event.type, toJson(event, style), behaviour.framing, event.type.endsWith('.delta')),
  );
  const cut = { type: 'response.output_text.delta', sequence_number: 0 };
  const broken = encodeFrame(cut.type, unfinishedJson(cut, style), behaviour.framing, false);
  return applyStreamFaults(frames, behaviour, broken);
}

export function wantsObfuscation(body: JsonObject): boolean {
  const options = body.stream_options;
  return !(isObject(options) && options.include_obfuscation === false);
}

/**
 * Keeps a created response for the sub-routes unless the create said `store: false`, and appends
 * its turn to the create's `conversation` (whatever `store` says); a faulty model does neither.
 */
export function storeResponse(state: MockState, body: JsonObject, bodyChars: number, response: ResponseObject, behaviour: Behaviour): void {
  if (behaviour.fault !== 'none') return;
  const items = inputItems(body.input);
  appendTurn(state, body, items, response);
  if (body.store === false) return;
  state.store.put({ response, inputItems: items, obfuscate: wantsObfuscation(body), size: bodyChars + outputChars(response) });
}

export async function createResponse(state: MockState, ex: Exchange, body: JsonObject): Promise<void> {
  const model = stringAt(body, 'model');
  if (model === undefined) return sendJson(ex, 400, MISSING_MODEL);
  const refused = conversationRefusal(state, body);
  if (refused !== undefined) return sendJson(ex, refused.status, refused.envelope);
  const behaviour = behaviourFor(model);
  if (await preflight(state, ex, behaviour)) return;
  const response = buildResponse(body, behaviour, ex.outputOverride);
  const obfuscate = wantsObfuscation(body);
  storeResponse(state, body, ex.body.length, response, behaviour);
  if (body.stream !== true) return sendJsonAnswer(ex, behaviour, response);
  const frames = responseFrames(responseEvents(response, obfuscate), behaviour, ex.style);
  await writeSse(ex.res, replyHeaders(SSE_TYPE, ex.arrival), frames, writeOptions(behaviour));
}

/** `{"object":"response.input_tokens","input_tokens":N}`, counted as a create would count input. */
export async function countInputTokens(state: MockState, ex: Exchange, body: JsonObject): Promise<void> {
  const model = stringAt(body, 'model');
  const behaviour = behaviourFor(model ?? '');
  if (model !== undefined && (await preflight(state, ex, behaviour))) return;
  const tokens = countTokens(responsesInputTexts(body), '', behaviour.extraTokens);
  sendJsonAnswer(ex, behaviour, { object: 'response.input_tokens', input_tokens: tokens.input });
}
