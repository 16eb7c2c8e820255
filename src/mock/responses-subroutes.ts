// The `/v1/responses/{id}` routes, served from what the mock created: retrieve (JSON, or an SSE
// replay with `?stream=true` and optional `starting_after`), delete, cancel and input_items.
import type { Exchange, MockState } from './context.js';
import { responseNotFound } from './errors.js';
import { listPage, parseListQuery } from './input-items.js';
import { replyHeaders, sendJson, SSE_TYPE } from './reply.js';
import { responseEvents } from './response-events.js';
import { responseFrames } from './responses-route.js';
import { behaviourFor } from './behaviours.js';
import { writeSse } from './sse.js';
import type { StoredResponse } from './store.js';

const PLAIN = behaviourFor('mock-echo');

function found(state: MockState, ex: Exchange, id: string): StoredResponse | undefined {
  const stored = state.store.get(id);
  if (stored === undefined) sendJson(ex, 404, responseNotFound(id));
  return stored;
}

export async function retrieveResponse(state: MockState, ex: Exchange, id: string): Promise<void> {
  const stored = found(state, ex, id);
  if (stored === undefined) return;
  const query = new URLSearchParams(ex.query);
  if (query.get('stream') !== 'true') return sendJson(ex, 200, stored.response);
  const after = Number(query.get('starting_after') ?? '-1');
  const obfuscate = query.get('include_obfuscation') === 'false' ? false : stored.obfuscate;
  const events = responseEvents(stored.response, obfuscate).filter((event) => event.sequence_number > after);
  await writeSse(ex.res, replyHeaders(SSE_TYPE, ex.arrival), responseFrames(events, PLAIN, ex.style), { deltaDelayMs: 0, bytewise: false, end: 'close' });
}

export function deleteResponse(state: MockState, ex: Exchange, id: string): void {
  if (!state.store.delete(id)) return sendJson(ex, 404, responseNotFound(id));
  sendJson(ex, 200, { id, object: 'response', deleted: true });
}

/** Marks the stored response cancelled (the mock allows it for any response) and returns it. */
export function cancelResponse(state: MockState, ex: Exchange, id: string): void {
  const stored = found(state, ex, id);
  if (stored === undefined) return;
  stored.response.status = 'cancelled';
  sendJson(ex, 200, stored.response);
}

export function listInputItems(state: MockState, ex: Exchange, id: string): void {
  const stored = found(state, ex, id);
  if (stored === undefined) return;
  const page = listPage(stored.inputItems, parseListQuery(new URLSearchParams(ex.query)));
  sendJson(ex, 200, page);
}
