// `POST /v1/moderations`: `{"id":"modr-…","model","results":[…]}`, one result per input. `model`
// is optional (`omni-moderation-latest`); when sent it picks a behaviour like the other model
// routes. No `usage`, as OpenAI's answers have none, except for `mock-usage`.
import { behaviourFor } from './behaviours.js';
import type { Exchange, MockState } from './context.js';
import { invalidParameter } from './errors.js';
import { preflight, sendJsonAnswer } from './faults.js';
import { newId } from './ids.js';
import type { JsonObject } from './json.js';
import { classify, DEFAULT_MODERATION_MODEL, moderationTokens, readModerationInputs } from './moderations.js';
import { sendJson } from './reply.js';

export async function createModeration(state: MockState, ex: Exchange, body: JsonObject): Promise<void> {
  const sent = body.model ?? undefined;
  if (sent !== undefined && typeof sent !== 'string') return sendJson(ex, 400, invalidParameter('model', 'expected a string.'));
  const model = typeof sent === 'string' ? sent : undefined;
  const inputs = readModerationInputs(body.input);
  if ('error' in inputs) return sendJson(ex, 400, inputs);
  const behaviour = behaviourFor(model ?? DEFAULT_MODERATION_MODEL);
  if (model !== undefined && (await preflight(state, ex, behaviour))) return;
  const answer: JsonObject = { id: newId('modr-'), model: model ?? DEFAULT_MODERATION_MODEL, results: inputs.map(classify) };
  if (behaviour.usageEverywhere) {
    const tokens = moderationTokens(inputs);
    answer.usage = { prompt_tokens: tokens, total_tokens: tokens };
  }
  sendJsonAnswer(ex, behaviour, answer);
}
