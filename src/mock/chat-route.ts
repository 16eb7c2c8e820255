// `POST /v1/chat/completions`: JSON, or data-only SSE ending in `data: [DONE]`, with the same
// model-name behaviours as `/v1/responses`.
import { behaviourFor } from './behaviours.js';
import { buildChatAnswer, chatChunks, chatCompletion } from './chat.js';
import type { Exchange, MockState } from './context.js';
import { MISSING_MODEL } from './errors.js';
import { applyStreamFaults, preflight, sendJsonAnswer, writeOptions } from './faults.js';
import { isObject, stringAt, type JsonObject } from './json.js';
import { toJson, unfinishedJson } from './json-style.js';
import { replyHeaders, sendJson, SSE_TYPE } from './reply.js';
import { encodeFrame, writeSse } from './sse.js';

export async function createChatCompletion(state: MockState, ex: Exchange, body: JsonObject): Promise<void> {
  const model = stringAt(body, 'model');
  if (model === undefined) return sendJson(ex, 400, MISSING_MODEL);
  const behaviour = behaviourFor(model);
  if (await preflight(state, ex, behaviour)) return;
  const answer = buildChatAnswer(body, behaviour, ex.outputOverride);
  if (body.stream !== true) return sendJsonAnswer(ex, behaviour, chatCompletion(answer));
  const options = body.stream_options;
  const includeUsage = isObject(options) && options.include_usage === true;
  const frames = chatChunks(answer, includeUsage).map((chunk) =>
    encodeFrame(undefined, toJson(chunk.json, ex.style), behaviour.framing, chunk.delta),
  );
  frames.push(encodeFrame(undefined, '[DONE]', behaviour.framing, false));
  const cut = { id: answer.id, object: 'chat.completion.chunk', created: answer.created };
  const broken = encodeFrame(undefined, unfinishedJson(cut, ex.style), behaviour.framing, false);
  await writeSse(ex.res, replyHeaders(SSE_TYPE, ex.arrival), applyStreamFaults(frames, behaviour, broken), writeOptions(behaviour));
}
