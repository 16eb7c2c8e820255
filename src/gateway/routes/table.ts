// THE route table (DESIGN.md §8): every route the proxy answers is one row naming its protocol
// and its stages, in order. A route cannot skip a check by being written separately: admission
// (exposure ran before routing), auth, body rules, resolve, guard, dispatch and relay are the same
// functions for every row that needs them. Adding a route means adding a row here.
import { chatProtocol, countTokensProtocol, embeddingsProtocol, messagesProtocol, moderationsProtocol, responsesProtocol } from '../../protocols/index.js';
import { admit } from '../stages/admit.js';
import { bindReferencedIds, resolveStored } from '../stages/bind-ids.js';
import { cache } from '../stages/cache.js';
import { readModelBody } from '../stages/body.js';
import { guardItems, readPassedBody, resolveConversation } from '../stages/conversations.js';
import { dispatch } from '../stages/dispatch.js';
import { guard } from '../stages/guard.js';
import { health, listModels } from '../stages/list-models.js';
import { rateLimit } from '../stages/rate-limit.js';
import { resolve } from '../stages/resolve.js';
import { dispatchTurn } from '../websocket/dispatch-turn.js';
import type { PassthroughRoute } from '../../config/types.js';
import { allowRoute } from '../stages/allow-route.js';
import { budget } from '../stages/budget.js';
import { passthrough } from '../stages/passthrough.js';
import type { RouteRow } from './context.js';

const MODEL_STAGES = [admit, readModelBody, resolve, bindReferencedIds, guard, budget, rateLimit, cache, dispatch] as const;
/** token counting (free upstream, never priced): a model request the spend cap lets through */
const COUNT_STAGES = [admit, readModelBody, resolve, bindReferencedIds, guard, rateLimit, cache, dispatch] as const;
const STORED_STAGES = [admit, resolveStored, dispatch] as const;
const CONVERSATION_STAGES = [admit, resolveConversation, dispatch] as const;
const CONVERSATION_WRITE_STAGES = [admit, readPassedBody, resolveConversation, guardItems, dispatch] as const;
const PASSTHROUGH_STAGES = [admit, allowRoute, rateLimit, passthrough] as const;
/** a WebSocket turn: POST /v1/responses' checks, then the session's upstream link */
const WEBSOCKET_TURN_STAGES = [admit, readModelBody, resolve, bindReferencedIds, guard, budget, rateLimit, dispatchTurn] as const;

type Defaults = Omit<RouteRow, 'method' | 'path' | 'name' | 'upstream' | 'passthrough'>;

const modelRoute: Defaults = { protocol: responsesProtocol, body: 'json', auth: true, countsUsage: true, streams: true, caches: false, providers: 'openai', stages: MODEL_STAGES, binds: 'responses' };
const storedRoute: Defaults = { protocol: responsesProtocol, body: 'none', auth: true, countsUsage: false, streams: false, caches: false, providers: 'openai', stages: STORED_STAGES, binds: null };
const localRoute: Defaults = { protocol: null, body: 'none', auth: true, countsUsage: false, streams: false, caches: false, providers: 'openai', stages: [admit], binds: null };
/** the Conversations API: a pass-through to the only OpenAI provider key, ids bound to their caller */
const conversationRoute: Defaults = { ...storedRoute, stages: CONVERSATION_STAGES };
const conversationWrite: Defaults = { ...conversationRoute, body: 'json', stages: CONVERSATION_WRITE_STAGES };

const rows: readonly Omit<RouteRow, 'passthrough'>[] = [
  { ...modelRoute, method: 'POST', path: '/v1/responses', name: '/v1/responses', upstream: 'responses' },
  { ...modelRoute, method: 'POST', path: '/v1/responses/input_tokens', name: '/v1/responses/input_tokens', upstream: 'responses/input_tokens', streams: false, stages: COUNT_STAGES },
  { ...modelRoute, method: 'POST', path: '/v1/responses/compact', name: '/v1/responses/compact', upstream: 'responses/compact', streams: false },
  { ...modelRoute, method: 'POST', path: '/v1/messages', name: '/v1/messages', upstream: 'messages', protocol: messagesProtocol, providers: 'anthropic', binds: null },
  { ...modelRoute, method: 'POST', path: '/v1/messages/count_tokens', name: '/v1/messages/count_tokens', upstream: 'messages/count_tokens', protocol: countTokensProtocol, providers: 'anthropic', streams: false, binds: null, stages: COUNT_STAGES },
  { ...modelRoute, method: 'POST', path: '/v1/chat/completions', name: '/v1/chat/completions', upstream: 'chat/completions', protocol: chatProtocol, providers: 'openai_compatible', caches: true, binds: null },
  { ...modelRoute, method: 'POST', path: '/v1/embeddings', name: '/v1/embeddings', upstream: 'embeddings', protocol: embeddingsProtocol, providers: 'openai_compatible', streams: false, binds: null },
  { ...modelRoute, method: 'POST', path: '/v1/moderations', name: '/v1/moderations', upstream: 'moderations', protocol: moderationsProtocol, providers: 'openai_compatible', streams: false, binds: null },
  { ...storedRoute, method: 'GET', path: '/v1/responses/{id}', name: '/v1/responses/{id}', upstream: 'responses/{id}', streams: true },
  { ...storedRoute, method: 'DELETE', path: '/v1/responses/{id}', name: '/v1/responses/{id}', upstream: 'responses/{id}' },
  { ...storedRoute, method: 'POST', path: '/v1/responses/{id}/cancel', name: '/v1/responses/{id}/cancel', upstream: 'responses/{id}/cancel' },
  { ...storedRoute, method: 'GET', path: '/v1/responses/{id}/input_items', name: '/v1/responses/{id}/input_items', upstream: 'responses/{id}/input_items' },
  { ...conversationWrite, method: 'POST', path: '/v1/conversations', name: '/v1/conversations', upstream: 'conversations', binds: 'conversations' },
  { ...conversationRoute, method: 'GET', path: '/v1/conversations/{id}', name: '/v1/conversations/{id}', upstream: 'conversations/{id}' },
  { ...conversationWrite, method: 'POST', path: '/v1/conversations/{id}', name: '/v1/conversations/{id}', upstream: 'conversations/{id}' },
  { ...conversationRoute, method: 'DELETE', path: '/v1/conversations/{id}', name: '/v1/conversations/{id}', upstream: 'conversations/{id}' },
  { ...conversationRoute, method: 'GET', path: '/v1/conversations/{id}/items', name: '/v1/conversations/{id}/items', upstream: 'conversations/{id}/items' },
  { ...conversationWrite, method: 'POST', path: '/v1/conversations/{id}/items', name: '/v1/conversations/{id}/items', upstream: 'conversations/{id}/items' },
  { ...conversationRoute, method: 'GET', path: '/v1/conversations/{id}/items/{item}', name: '/v1/conversations/{id}/items/{item}', upstream: 'conversations/{id}/items/{item}' },
  { ...conversationRoute, method: 'DELETE', path: '/v1/conversations/{id}/items/{item}', name: '/v1/conversations/{id}/items/{item}', upstream: 'conversations/{id}/items/{item}' },
  { ...localRoute, method: 'GET', path: '/v1/models', name: '/v1/models', upstream: null, stages: [admit, listModels] },
  { ...localRoute, method: 'GET', path: '/healthz', name: '/healthz', upstream: null, auth: false, stages: [admit, health] },
  // Claude Code checks its base URL with `HEAD /` before its first request
  { ...localRoute, method: 'HEAD', path: '/', name: '/', upstream: null, auth: false, stages: [admit, health] },
];

export const ROUTES: readonly RouteRow[] = rows.map((row) => ({ ...row, passthrough: null }));

/**
 * `GET /v1/responses` with `Upgrade: websocket` (DESIGN.md §11): one row for every
 * `response.create` frame of a client socket (websocket/session.ts runs its stages).
 */
export const WEBSOCKET_ROUTE: RouteRow = {
  ...modelRoute, method: 'GET', path: '/v1/responses', name: '/v1/responses', upstream: 'responses', stages: WEBSOCKET_TURN_STAGES, passthrough: null,
};

const passthroughRows = new WeakMap<PassthroughRoute, RouteRow>();

/**
 * The row of a file's passthrough route (built once per route of a runtime): authenticated, the
 * caller's `allowed_routes`, its rate limit, then a byte-faithful streamed relay. No body rule:
 * the body is never parsed, so it is neither size-limited nor JSON-checked (a passthrough route
 * needs api_keys, so the auth-off content-type rule never applies).
 */
export function passthroughRow(route: PassthroughRoute): RouteRow {
  let row = passthroughRows.get(route);
  if (row === undefined) {
    row = {
      method: '*', path: route.pathPrefix, name: `${route.pathPrefix}/*`, protocol: null, body: 'none', auth: true, upstream: null,
      countsUsage: false, streams: true, caches: false, providers: 'openai_compatible', stages: PASSTHROUGH_STAGES, passthrough: route, binds: null,
    };
    passthroughRows.set(route, row);
  }
  return row;
}

for (const { name, stages } of [...ROUTES, WEBSOCKET_ROUTE, { name: 'passthrough routes', stages: PASSTHROUGH_STAGES }]) {
  if (stages[0] !== admit) throw new Error(`route ${name}: the first stage must be admit`);
}
