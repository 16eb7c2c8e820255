// `POST /v1/messages` (JSON, or Anthropic's SSE when `stream:true`) and
// `POST /v1/messages/count_tokens`, on Anthropic's wire, with the same model-name behaviours as the
// OpenAI routes (errors re-typed into Anthropic's envelope by reply.ts).
import { fieldRequired } from './anthropic-errors.js';
import { behaviourFor, type Behaviour } from './behaviours.js';
import type { Exchange, MockState } from './context.js';
import { applyStreamFaults, preflight, sendJsonAnswer, writeOptions } from './faults.js';
import { stringAt, type JsonObject } from './json.js';
import { toJson, unfinishedJson } from './json-style.js';
import { buildMessageAnswer, messageEvents, messageObject } from './messages.js';
import { replyHeaders, sendError, SSE_TYPE } from './reply.js';
import { messagesInputTexts } from './request-text.js';
import { encodeFrame, writeSse, type Frame } from './sse.js';
import { countTokens } from './usage.js';

/** The first required field that is missing (or of the wrong type), in Anthropic's order. */
function missingField(body: JsonObject, create: boolean): string | undefined {
  if (stringAt(body, 'model') === undefined) return 'model';
  if (!Array.isArray(body.messages)) return 'messages';
  if (create && typeof body.max_tokens !== 'number') return 'max_tokens';
  return undefined;
}

/** Anthropic always writes `event:` lines (its SDK skips frames without one), so data-only framing keeps them. */
function messageFramingOf(behaviour: Behaviour): Behaviour['framing'] {
  return behaviour.framing === 'data-only' ? 'lf' : behaviour.framing;
}

export async function createMessage(state: MockState, ex: Exchange, body: JsonObject): Promise<void> {
  const missing = missingField(body, true);
  if (missing !== undefined) return sendError(ex, 400, fieldRequired(missing));
  const behaviour = behaviourFor(stringAt(body, 'model') ?? '');
  if (await preflight(state, ex, behaviour)) return;
  const answer = buildMessageAnswer(body, behaviour, ex.outputOverride);
  if (body.stream !== true) return sendJsonAnswer(ex, behaviour, messageObject(answer));
  const framing = messageFramingOf(behaviour);
  const frames: Frame[] = messageEvents(answer).map((event) => encodeFrame(event.type, toJson(event.json, ex.style), framing, event.delta));
  const cut = { type: 'content_block_delta', index: 0 };
  const broken = encodeFrame(cut.type, unfinishedJson(cut, ex.style), framing, false);
  await writeSse(ex.res, replyHeaders(SSE_TYPE, ex.arrival, undefined, ex.wire), applyStreamFaults(frames, behaviour, broken), writeOptions(behaviour));
}

/** `{"input_tokens":N}`: every input token a create would report (cache reads and writes included). */
export async function countMessageTokens(state: MockState, ex: Exchange, body: JsonObject): Promise<void> {
  const missing = missingField(body, false);
  if (missing !== undefined) return sendError(ex, 400, fieldRequired(missing));
  const behaviour = behaviourFor(stringAt(body, 'model') ?? '');
  if (await preflight(state, ex, behaviour)) return;
  const tokens = countTokens(messagesInputTexts(body), '', behaviour.extraTokens);
  sendJsonAnswer(ex, behaviour, { input_tokens: tokens.input });
}
