// One buffered request, end to end once its body is in: log it, check the key, the Messages wire's
// version header and the JSON style (access.ts), run its route, and turn a thrown bug into a 500
// envelope (or a dropped socket when headers are already out). Streamed routes go to
// passthrough.ts instead, WebSocket upgrades to ws-upgrade.ts.
import type { IncomingMessage } from 'node:http';
import { admit } from './access.js';
import { ANTHROPIC_BAD_JSON } from './anthropic-errors.js';
import { createChatCompletion } from './chat-route.js';
import { compactResponse } from './compact-route.js';
import type { Exchange, IncomingExchange, MockState } from './context.js';
import { clearRequests, listModels, listRequests, stats } from './control-routes.js';
import {
  createConversation,
  createConversationItems,
  deleteConversation,
  deleteConversationItem,
  listConversationItems,
  retrieveConversation,
  retrieveConversationItem,
  updateConversation,
} from './conversations-route.js';
import { createEmbeddings } from './embeddings-route.js';
import { BAD_JSON, invalidUrl, SERVER_ERROR } from './errors.js';
import { isObject, type JsonObject } from './json.js';
import { createModeration } from './moderations-route.js';
import { countMessageTokens, createMessage } from './messages-route.js';
import { dropConnection, sendError } from './reply.js';
import { entryFor } from './request-log.js';
import { countInputTokens, createResponse } from './responses-route.js';
import { cancelResponse, deleteResponse, listInputItems, retrieveResponse } from './responses-subroutes.js';
import { isAnthropicRoute, isControlRoute, type BufferedRoute } from './router.js';

function jsonBody(ex: Exchange): JsonObject | undefined {
  if (isObject(ex.json)) return ex.json;
  sendError(ex, 400, ex.wire === 'anthropic' ? ANTHROPIC_BAD_JSON : BAD_JSON);
  return undefined;
}

async function withBody(ex: Exchange, run: (body: JsonObject) => Promise<void> | void): Promise<void> {
  const body = jsonBody(ex);
  if (body !== undefined) await run(body);
}

/** Like withBody, but an empty body counts as `{}` (the SDK's `conversations.create()` sends none). */
async function withOptionalBody(ex: Exchange, run: (body: JsonObject) => Promise<void> | void): Promise<void> {
  if (ex.body.length === 0) return run({});
  return withBody(ex, run);
}

async function runRoute(state: MockState, ex: Exchange, route: BufferedRoute): Promise<void> {
  switch (route.kind) {
    case 'responses.create':
      return withBody(ex, (body) => createResponse(state, ex, body));
    case 'responses.input_tokens':
      return withBody(ex, (body) => countInputTokens(state, ex, body));
    case 'responses.compact':
      return withBody(ex, (body) => compactResponse(state, ex, body));
    case 'chat':
      return withBody(ex, (body) => createChatCompletion(state, ex, body));
    case 'embeddings':
      return withBody(ex, (body) => createEmbeddings(state, ex, body));
    case 'moderations':
      return withBody(ex, (body) => createModeration(state, ex, body));
    case 'messages':
      return withBody(ex, (body) => createMessage(state, ex, body));
    case 'messages.count_tokens':
      return withBody(ex, (body) => countMessageTokens(state, ex, body));
    case 'models':
      return listModels(ex);
    case 'responses.get':
      return retrieveResponse(state, ex, route.id);
    case 'responses.delete':
      return deleteResponse(state, ex, route.id);
    case 'responses.cancel':
      return cancelResponse(state, ex, route.id);
    case 'responses.input_items':
      return listInputItems(state, ex, route.id);
    case 'conversations.create':
      return withOptionalBody(ex, (body) => createConversation(state, ex, body));
    case 'conversations.get':
      return retrieveConversation(state, ex, route.id);
    case 'conversations.update':
      return withBody(ex, (body) => updateConversation(state, ex, route.id, body));
    case 'conversations.delete':
      return deleteConversation(state, ex, route.id);
    case 'conversations.items.list':
      return listConversationItems(state, ex, route.id);
    case 'conversations.items.create':
      return withBody(ex, (body) => createConversationItems(state, ex, route.id, body));
    case 'conversations.item.get':
      return retrieveConversationItem(state, ex, route.id, route.itemId);
    case 'conversations.item.delete':
      return deleteConversationItem(state, ex, route.id, route.itemId);
    case 'mock.requests':
      return listRequests(state, ex);
    case 'mock.requests.clear':
      return clearRequests(state, ex);
    case 'mock.stats':
      return stats(state, ex);
    case 'unknown':
      return sendError(ex, 404, invalidUrl(ex.method, ex.pathname));
  }
}

export async function dispatch(state: MockState, incoming: IncomingExchange, route: BufferedRoute, req: IncomingMessage): Promise<void> {
  if (!isControlRoute(route)) state.log.add(entryFor(req, incoming.arrival, incoming.body, incoming.json));
  const { ex, refusal } = admit(state, incoming, req.headers, isAnthropicRoute(route) ? 'anthropic' : 'openai');
  if (refusal !== undefined) return sendError(ex, refusal.status, refusal.envelope);
  try {
    await runRoute(state, ex, route);
  } catch (err) {
    if (ex.res.headersSent) dropConnection(ex.res, 'destroy');
    else sendError(ex, 500, SERVER_ERROR);
    process.emitWarning(`aisix mock: ${err instanceof Error ? err.message : String(err)}`);
  }
}
