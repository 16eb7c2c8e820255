// Maps method + path to a route with plain string comparisons (no regex on the hot path). The
// query string is not part of the match (`?beta=true` paths route like the plain ones).
// `/mock-passthrough/*` routes are streamed: the server hands them over before reading the body.
// WebSocket upgrades are matched apart (`isWebSocketRoute`): only `GET /v1/responses` upgrades.
// `/v1/conversations/{id}[/items[/{item_id}]]` takes its ids from the path segments.

/** Routes whose request body is streamed, not read whole first (passthrough.ts). */
export type StreamedRoute = { kind: 'passthrough.echo' } | { kind: 'passthrough.sse' } | { kind: 'passthrough.status'; status: number };

/** Routes answered once the whole body is in (dispatch.ts). */
export type BufferedRoute =
  | { kind: 'responses.create' | 'responses.input_tokens' | 'responses.compact' | 'chat' | 'models' | 'embeddings' | 'moderations' }
  | { kind: 'messages' | 'messages.count_tokens' }
  | { kind: 'responses.get' | 'responses.delete' | 'responses.cancel' | 'responses.input_items'; id: string }
  | { kind: 'conversations.create' }
  | { kind: 'conversations.get' | 'conversations.update' | 'conversations.delete'; id: string }
  | { kind: 'conversations.items.list' | 'conversations.items.create'; id: string }
  | { kind: 'conversations.item.get' | 'conversations.item.delete'; id: string; itemId: string }
  | { kind: 'mock.requests' | 'mock.requests.clear' | 'mock.stats' }
  | { kind: 'unknown' };

export type Route = BufferedRoute | StreamedRoute;

const UNKNOWN: BufferedRoute = { kind: 'unknown' };
const RESPONSES_PATH = '/v1/responses';
const MESSAGES_PATH = '/v1/messages';
const RESPONSES_PREFIX = '/v1/responses/';
const CONVERSATIONS_PREFIX = '/v1/conversations/';
const PASSTHROUGH_PREFIX = '/mock-passthrough/';
const STATUS_PREFIX = 'status/';

function fixedRoute(method: string, pathname: string): BufferedRoute | undefined {
  switch (pathname) {
    case RESPONSES_PATH:
      return method === 'POST' ? { kind: 'responses.create' } : UNKNOWN;
    case '/v1/chat/completions':
      return method === 'POST' ? { kind: 'chat' } : UNKNOWN;
    case '/v1/models':
      return method === 'GET' ? { kind: 'models' } : UNKNOWN;
    case '/v1/embeddings':
      return method === 'POST' ? { kind: 'embeddings' } : UNKNOWN;
    case '/v1/moderations':
      return method === 'POST' ? { kind: 'moderations' } : UNKNOWN;
    case '/v1/responses/input_tokens':
      return method === 'POST' ? { kind: 'responses.input_tokens' } : UNKNOWN;
    case '/v1/responses/compact':
      return method === 'POST' ? { kind: 'responses.compact' } : UNKNOWN;
    case '/v1/conversations':
      return method === 'POST' ? { kind: 'conversations.create' } : UNKNOWN;
    case MESSAGES_PATH:
      return method === 'POST' ? { kind: 'messages' } : UNKNOWN;
    case '/v1/messages/count_tokens':
      return method === 'POST' ? { kind: 'messages.count_tokens' } : UNKNOWN;
    case '/_mock/requests':
      if (method === 'GET') return { kind: 'mock.requests' };
      return method === 'DELETE' ? { kind: 'mock.requests.clear' } : UNKNOWN;
    case '/_mock/stats':
      return method === 'GET' ? { kind: 'mock.stats' } : UNKNOWN;
    default:
      return undefined;
  }
}

function responseIdRoute(method: string, rest: string): BufferedRoute {
  const slash = rest.indexOf('/');
  const id = slash < 0 ? rest : rest.slice(0, slash);
  const sub = slash < 0 ? '' : rest.slice(slash + 1);
  if (id.length === 0) return UNKNOWN;
  if (sub === '' && method === 'GET') return { kind: 'responses.get', id };
  if (sub === '' && method === 'DELETE') return { kind: 'responses.delete', id };
  if (sub === 'cancel' && method === 'POST') return { kind: 'responses.cancel', id };
  if (sub === 'input_items' && method === 'GET') return { kind: 'responses.input_items', id };
  return UNKNOWN;
}

/** `{id}`, `{id}/items` or `{id}/items/{item_id}` after `/v1/conversations/`; empty segments match nothing. */
function conversationRoute(method: string, rest: string): BufferedRoute {
  const parts = rest.split('/');
  const [id, sub, itemId] = parts;
  if (id === undefined || id.length === 0 || parts.length > 3) return UNKNOWN;
  if (sub === undefined) {
    if (method === 'GET') return { kind: 'conversations.get', id };
    if (method === 'POST') return { kind: 'conversations.update', id };
    return method === 'DELETE' ? { kind: 'conversations.delete', id } : UNKNOWN;
  }
  if (sub !== 'items') return UNKNOWN;
  if (itemId === undefined) {
    if (method === 'GET') return { kind: 'conversations.items.list', id };
    return method === 'POST' ? { kind: 'conversations.items.create', id } : UNKNOWN;
  }
  if (itemId.length === 0) return UNKNOWN;
  if (method === 'GET') return { kind: 'conversations.item.get', id, itemId };
  return method === 'DELETE' ? { kind: 'conversations.item.delete', id, itemId } : UNKNOWN;
}

/** Three digits from 200 to 599, else undefined. */
function statusCode(text: string): number | undefined {
  if (text.length !== 3) return undefined;
  let code = 0;
  for (let i = 0; i < 3; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    code = code * 10 + digit;
  }
  return code >= 200 && code <= 599 ? code : undefined;
}

/** Any method: `GET sse` streams events, `status/<code>` answers that code, the rest echoes. */
function passthroughRoute(method: string, rest: string): Route {
  if (rest === 'sse' && method === 'GET') return { kind: 'passthrough.sse' };
  if (!rest.startsWith(STATUS_PREFIX)) return { kind: 'passthrough.echo' };
  const status = statusCode(rest.slice(STATUS_PREFIX.length));
  return status === undefined ? UNKNOWN : { kind: 'passthrough.status', status };
}

export function matchRoute(method: string, pathname: string): Route {
  const fixed = fixedRoute(method, pathname);
  if (fixed !== undefined) return fixed;
  if (pathname.startsWith(RESPONSES_PREFIX)) return responseIdRoute(method, pathname.slice(RESPONSES_PREFIX.length));
  if (pathname.startsWith(CONVERSATIONS_PREFIX)) return conversationRoute(method, pathname.slice(CONVERSATIONS_PREFIX.length));
  if (pathname.startsWith(PASSTHROUGH_PREFIX)) return passthroughRoute(method, pathname.slice(PASSTHROUGH_PREFIX.length));
  return UNKNOWN;
}

export function isStreamedRoute(route: Route): route is StreamedRoute {
  return route.kind.startsWith('passthrough.');
}

/** The Messages routes answer on Anthropic's wire (envelope, `x-api-key`, `anthropic-version`). */
export function isAnthropicRoute(route: Route): boolean {
  return route.kind.startsWith('messages');
}

/** The one path that takes a WebSocket upgrade: Responses WebSocket mode. */
export function isWebSocketRoute(method: string, pathname: string): boolean {
  return method === 'GET' && pathname === RESPONSES_PATH;
}

/** `/_mock/*` routes are not logged (so a test reading the log does not see itself). */
export function isControlRoute(route: Route): boolean {
  return route.kind.startsWith('mock.');
}
