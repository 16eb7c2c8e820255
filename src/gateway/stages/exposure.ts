// The exposure stage (DESIGN.md §9), run for every request and WebSocket upgrade before routing:
// an `Origin` that is neither loopback nor allowed → 403 `origin_not_allowed`; while auth is off, a
// `Host` that is not a loopback name → 403 `host_not_allowed` (DNS rebinding). Allowed origins get
// CORS headers on whatever answer follows, and their preflights are answered (by the caller of
// this stage, through the relay) without routing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostOfHeader, isLoopbackHost, isLoopbackOrigin } from '../../net/loopback.js';
import { GatewayError } from '../errors.js';
import type { Exposure } from '../runtime/runtime.js';

/** Headers a browser app may read from our answers (§9). */
export const EXPOSED_HEADERS = [
  'x-aisix-request-id', 'x-aisix-call-id', 'retry-after', 'x-request-id', 'request-id', 'x-aisix-served-by', 'x-aisix-cache',
  'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests',
  'x-ratelimit-limit-tokens', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-tokens',
  'x-ratelimit-limit-concurrent', 'x-ratelimit-remaining-concurrent',
].join(', ');

export type ExposureVerdict = 'pass' | 'preflight';

function originAllowed(origin: string, exposure: Exposure): boolean {
  return isLoopbackOrigin(origin) || exposure.anyOrigin || exposure.allowedOrigins.has(origin.toLowerCase());
}

/**
 * Throws the 403 when the request may not reach the proxy; sets the CORS headers of an allowed
 * origin; says whether the request is a CORS preflight to answer.
 */
export function checkExposure(req: IncomingMessage, res: ServerResponse | null, exposure: Exposure): ExposureVerdict {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    // `Origin: null` (sandboxed frames, file: pages) is not loopback either
    if (!originAllowed(origin, exposure)) {
      throw new GatewayError('origin_not_allowed', `origin ${JSON.stringify(origin.slice(0, 200))} is not allowed to call this proxy (allow it in proxy.allowed_origins)`);
    }
  }
  if (exposure.authOff) {
    const host = hostOfHeader(req.headers.host ?? 'localhost');
    if (host === null || !isLoopbackHost(host)) {
      throw new GatewayError('host_not_allowed', 'the Host header must name this machine (localhost or a loopback address) while the proxy runs without api_keys');
    }
  }
  if (origin === undefined || res === null) return 'pass'; // a WebSocket upgrade has no CORS
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined ? 'preflight' : 'pass';
}
