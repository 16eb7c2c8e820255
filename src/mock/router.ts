// Maps method + path to a route with plain string comparisons (no regex on the hot path). The
// query string is not part of the match (`?beta=true` paths route like the plain ones).

export type Route =
  | { kind: 'responses.create' | 'responses.input_tokens' | 'chat' | 'models' }
  | { kind: 'responses.get' | 'responses.delete' | 'responses.cancel' | 'responses.input_items'; id: string }
  | { kind: 'mock.requests' | 'mock.requests.clear' | 'mock.stats' }
  | { kind: 'unknown' };

const UNKNOWN: Route = { kind: 'unknown' };
const RESPONSES_PREFIX = '/v1/responses/';

function fixedRoute(method: string, pathname: string): Route | undefined {
  switch (pathname) {
    case '/v1/responses':
      return method === 'POST' ? { kind: 'responses.create' } : UNKNOWN;
    case '/v1/chat/completions':
      return method === 'POST' ? { kind: 'chat' } : UNKNOWN;
    case '/v1/models':
      return method === 'GET' ? { kind: 'models' } : UNKNOWN;
    case '/v1/responses/input_tokens':
      return method === 'POST' ? { kind: 'responses.input_tokens' } : UNKNOWN;
    case '/_mock/requests':
      if (method === 'GET') return { kind: 'mock.requests' };
      return method === 'DELETE' ? { kind: 'mock.requests.clear' } : UNKNOWN;
    case '/_mock/stats':
      return method === 'GET' ? { kind: 'mock.stats' } : UNKNOWN;
    default:
      return undefined;
  }
}

function responseIdRoute(method: string, rest: string): Route {
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

export function matchRoute(method: string, pathname: string): Route {
  const fixed = fixedRoute(method, pathname);
  if (fixed !== undefined) return fixed;
  if (pathname.startsWith(RESPONSES_PREFIX)) return responseIdRoute(method, pathname.slice(RESPONSES_PREFIX.length));
  return UNKNOWN;
}

/** `/_mock/*` routes are not logged (so a test reading the log does not see itself). */
export function isControlRoute(route: Route): boolean {
  return route.kind.startsWith('mock.');
}
