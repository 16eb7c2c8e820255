// `POST /v1/embeddings`: OpenAI's `{"object":"list","data":[…],"model","usage"}` with vectors
// derived from the input, after the same model-name behaviours as the other model routes
// (errors, bursts, resets, hangs, the slow first byte, cut/stall JSON; `mock-no-usage`).
import { behaviourFor } from './behaviours.js';
import type { Exchange, MockState } from './context.js';
import { embeddingList, readEmbeddingRequest } from './embeddings.js';
import { MISSING_MODEL } from './errors.js';
import { preflight, sendJsonAnswer } from './faults.js';
import { stringAt, type JsonObject } from './json.js';
import { sendJson } from './reply.js';

export async function createEmbeddings(state: MockState, ex: Exchange, body: JsonObject): Promise<void> {
  const model = stringAt(body, 'model');
  if (model === undefined) return sendJson(ex, 400, MISSING_MODEL);
  const request = readEmbeddingRequest(body);
  if ('error' in request) return sendJson(ex, 400, request);
  const behaviour = behaviourFor(model);
  if (await preflight(state, ex, behaviour)) return;
  sendJsonAnswer(ex, behaviour, embeddingList(request, model, behaviour.usage));
}
