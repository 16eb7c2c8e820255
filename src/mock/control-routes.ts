// The routes that are not model calls: `GET /v1/models` (one entry per mock model name) and the
// test hooks under `/_mock/` (request log, clearing it, connection, WebSocket and store counts).
import { MOCK_MODELS } from './behaviours.js';
import type { Exchange, MockState } from './context.js';
import { sendJson } from './reply.js';

/** A fixed `created` so the list is byte-identical across runs. */
const MODELS_CREATED = 1_700_000_000;

const MODELS_LIST = {
  object: 'list',
  data: MOCK_MODELS.map((id) => ({ id, object: 'model', created: MODELS_CREATED, owned_by: 'aisix-mock' })),
};

export function listModels(ex: Exchange): void {
  sendJson(ex, 200, MODELS_LIST);
}

/** `GET /_mock/requests`: the log as a JSON array, oldest first. */
export function listRequests(state: MockState, ex: Exchange): void {
  sendJson(ex, 200, state.log.list());
}

/** `DELETE /_mock/requests`: `{"cleared":N}`. */
export function clearRequests(state: MockState, ex: Exchange): void {
  sendJson(ex, 200, { cleared: state.log.clear() });
}

/** `GET /_mock/stats`; `open_connections` includes the connection asking. */
export function stats(state: MockState, ex: Exchange): void {
  const body = {
    open_connections: state.openConnections(),
    connections_seen: state.connectionsSeen(),
    requests_logged: state.log.size,
    stored_responses: state.store.size,
    stored_conversations: state.conversations.size,
    open_websockets: state.openWebSockets(),
  };
  sendJson(ex, 200, body);
}
