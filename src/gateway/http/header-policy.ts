// Which headers never cross the proxy, in either direction — the one list the model routes'
// upstream headers, passthrough requests and passthrough answers all use: hop-by-hop headers
// (RFC 9110 §7.6.1) and the ones a `Connection` header names, the caller's credentials, and our
// own `x-aisix-*` headers (a caller cannot inject them upstream; an upstream cannot spoof ours).
// Also the credential header names the model routes never forward and the capture redacts.
import type { IncomingHttpHeaders } from 'node:http';

export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'expect',
]);

/** The caller's credentials for the proxy: never forwarded to any upstream. */
export const CALLER_CREDENTIALS: ReadonlySet<string> = new Set(['authorization', 'x-api-key', 'proxy-authorization', 'cookie']);

/** Other providers' credential headers (Azure's, Google's): never forwarded on model routes, always redacted in a capture. */
export const PROVIDER_CREDENTIALS: ReadonlySet<string> = new Set(['api-key', 'x-goog-api-key']);

export const OWN_PREFIX = 'x-aisix-';

/** Lower-case names a message's `Connection` header lists (they are hop-by-hop for it). */
export function connectionNamed(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): ReadonlySet<string> {
  const value = headers.connection;
  if (value === undefined) return EMPTY;
  const text = Array.isArray(value) ? value.join(',') : value;
  return new Set(text.toLowerCase().split(',').map((h) => h.trim()).filter((h) => h !== ''));
}

const EMPTY: ReadonlySet<string> = new Set();

/** Whether a header may cross the proxy at all (before any route's own allowlist or strip list). */
export function crossesProxy(name: string, named: ReadonlySet<string>): boolean {
  return !HOP_BY_HOP.has(name) && !named.has(name) && !name.startsWith(OWN_PREFIX);
}
