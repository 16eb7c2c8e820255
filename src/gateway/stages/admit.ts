// The admit stage, first of every route: while auth is off, a POST body that is not JSON → 415
// (a web page's "simple" cross-site request is text/plain or a form); a declared body over the limit
// → 413; then caller authentication (AISIX rules: `Authorization: Bearer <key>` first, `x-api-key`
// only when Authorization is absent; SHA-256 lookup; disabled and expired keys) → 401.
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKey } from '../../config/types.js';
import { GatewayError } from '../errors.js';
import { hasBody } from '../http/message.js';
import type { RequestContext } from '../routes/context.js';
import type { KeyIndex } from '../runtime/key-index.js';
import { tooLarge } from './body.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export function admit(ctx: RequestContext): void {
  const { req, row, runtime } = ctx;
  if (row.body === 'json') {
    if (runtime.exposure.authOff && hasBody(req.headers) && !JSON_TYPE.test(req.headers['content-type'] ?? '')) {
      const got = req.headers['content-type'] ?? 'none';
      throw new GatewayError('unsupported_media_type', `content-type must be application/json (got ${JSON.stringify(got.slice(0, 100))}): without api_keys the proxy accepts JSON bodies only, so no web page can post to it`);
    }
    const declared = req.headers['content-length'];
    const limit = runtime.config.proxy.requestBodyLimitBytes;
    if (limit > 0 && declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
  }
  if (row.auth) {
    ctx.caller = authenticate(req.headers, runtime.keys, Date.now());
    ctx.record.caller = ctx.caller?.name ?? null;
  }
}

function bearerToken(headers: IncomingHttpHeaders): string {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const token = authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    if (token !== '') return token;
    throw new GatewayError('unauthorized', 'missing or malformed Authorization header');
  }
  const apiKey = headers['x-api-key'];
  const token = typeof apiKey === 'string' ? apiKey.trim() : '';
  if (token === '') throw new GatewayError('unauthorized', 'missing or malformed Authorization header');
  return token;
}

/** The caller's key, or null when auth is off. Throws a 401 GatewayError otherwise. */
export function authenticate(headers: IncomingHttpHeaders, keys: KeyIndex | null, now: number): ApiKey | null {
  if (keys === null) return null;
  const key = keys.lookup(bearerToken(headers));
  if (key === undefined) throw new GatewayError('unauthorized', 'invalid API key');
  if (key.disabled) throw new GatewayError('key_disabled', 'API key has been disabled');
  if (key.expiresAt !== null && key.expiresAt < now) throw new GatewayError('key_expired', 'API key has expired');
  return key;
}
