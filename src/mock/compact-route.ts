// `POST /v1/responses/compact`: the model name picks the behaviour as on `POST /v1/responses` (errors,
// bursts, resets, hangs, the slow first byte, cut/stall of the JSON body); `previous_response_id`
// must name a stored response, whose input comes before this one's. Nothing is stored.
import { behaviourFor } from './behaviours.js';
import { buildCompaction } from './compaction.js';
import type { Exchange, MockState } from './context.js';
import { MISSING_MODEL, previousNotFound } from './errors.js';
import { preflight, sendJsonAnswer } from './faults.js';
import { stringAt, type JsonObject } from './json.js';
import { sendJson } from './reply.js';

export async function compactResponse(state: MockState, ex: Exchange, body: JsonObject): Promise<void> {
  const model = stringAt(body, 'model');
  if (model === undefined) return sendJson(ex, 400, MISSING_MODEL);
  const previousId = stringAt(body, 'previous_response_id');
  const previous = previousId === undefined ? undefined : state.store.get(previousId);
  if (previousId !== undefined && previous === undefined) return sendJson(ex, 400, previousNotFound(previousId));
  const behaviour = behaviourFor(model);
  if (await preflight(state, ex, behaviour)) return;
  sendJsonAnswer(ex, behaviour, buildCompaction(body, behaviour, ex.outputOverride, previous?.inputItems ?? []));
}
