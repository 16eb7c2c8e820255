// One request, end to end once its body is in: log it, pick its JSON style, check the bearer key
// and the style, route it, and turn a thrown bug into a 500 envelope (or a dropped socket when
// headers are already out).
import type { IncomingHttpHeaders } from 'node:http';
import { createChatCompletion } from './chat-route.js';
import type { Exchange, IncomingExchange, MockState } from './context.js';
import { clearRequests, listModels, listRequests, stats } from './control-routes.js';
import { BAD_JSON, invalidUrl, MISSING_KEY, SERVER_ERROR, WRONG_KEY, type ErrorEnvelope } from './errors.js';
import { isObject, type JsonObject } from './json.js';
import { dropConnection, sendJson } from './reply.js';
import { flatHeaders } from './request-log.js';
import { chooseJsonStyle } from './request-style.js';
import { countInputTokens, createResponse } from './responses-route.js';
import { cancelResponse, deleteResponse, listInputItems, retrieveResponse } from './responses-subroutes.js';
import { isControlRoute, matchRoute, type Route } from './router.js';

function authError(apiKey: string | undefined, authorization: string | undefined): ErrorEnvelope | undefined {
  if (apiKey === undefined) return undefined;
  if (authorization === undefined || authorization.length === 0) return MISSING_KEY;
  const ok = authorization.length === apiKey.length + 7 && authorization.slice(0, 7).toLowerCase() === 'bearer ' && authorization.slice(7) === apiKey;
  return ok ? undefined : WRONG_KEY;
}

function jsonBody(ex: Exchange): JsonObject | undefined {
  if (isObject(ex.json)) return ex.json;
  sendJson(ex, 400, BAD_JSON);
  return undefined;
}

async function withBody(ex: Exchange, run: (body: JsonObject) => Promise<void>): Promise<void> {
  const body = jsonBody(ex);
  if (body !== undefined) await run(body);
}

async function runRoute(state: MockState, ex: Exchange, route: Route): Promise<void> {
  switch (route.kind) {
    case 'responses.create':
      return withBody(ex, (body) => createResponse(state, ex, body));
    case 'responses.input_tokens':
      return withBody(ex, (body) => countInputTokens(state, ex, body));
    case 'chat':
      return withBody(ex, (body) => createChatCompletion(state, ex, body));
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
    case 'mock.requests':
      return listRequests(state, ex);
    case 'mock.requests.clear':
      return clearRequests(state, ex);
    case 'mock.stats':
      return stats(state, ex);
    case 'unknown':
      return sendJson(ex, 404, invalidUrl(ex.method, ex.pathname));
  }
}

export async function dispatch(state: MockState, incoming: IncomingExchange, target: string, headers: IncomingHttpHeaders): Promise<void> {
  const route = matchRoute(incoming.method, incoming.pathname);
  if (!isControlRoute(route)) {
    state.log.add({ method: incoming.method, path: target, headers: flatHeaders(headers), body: incoming.body, json: incoming.json, time: incoming.arrival });
  }
  const choice = chooseJsonStyle(headers, incoming.json, state.jsonStyle);
  const ex: Exchange = { ...incoming, style: choice.style };
  const denied = authError(state.apiKey, headers.authorization);
  if (denied !== undefined) return sendJson(ex, 401, denied);
  if (choice.problem !== undefined) return sendJson(ex, 400, choice.problem);
  try {
    await runRoute(state, ex, route);
  } catch (err) {
    if (ex.res.headersSent) dropConnection(ex.res, 'destroy');
    else sendJson(ex, 500, SERVER_ERROR);
    process.emitWarning(`aisix mock: ${err instanceof Error ? err.message : String(err)}`);
  }
}
