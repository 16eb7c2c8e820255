// Caller authentication (DESIGN.md §3, AISIX auth rules): `Authorization: Bearer <key>` first,
// `x-api-key` only when Authorization is absent; SHA-256 lookup; expired and disabled keys.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKey } from '../config/types.js';
import { GatewayError } from './errors.js';

/**
 * The caller keys of one config snapshot, looked up by the SHA-256 of the presented token. A token
 * that matched is remembered, so a known caller costs no hash on later requests; only matches are
 * kept, so the memo never holds more entries than there are configured keys.
 */
export class KeyIndex {
  private readonly byHash: ReadonlyMap<string, ApiKey>;
  private readonly byToken = new Map<string, ApiKey>();

  constructor(keys: readonly ApiKey[]) {
    this.byHash = new Map(keys.filter((k) => k.keyHash !== '').map((k) => [k.keyHash, k]));
  }

  lookup(token: string): ApiKey | undefined {
    const known = this.byToken.get(token);
    if (known !== undefined) return known;
    const key = this.byHash.get(createHash('sha256').update(token).digest('hex'));
    if (key !== undefined) this.byToken.set(token, key);
    return key;
  }
}

/** null when the config has no api_keys (auth off, loopback only). */
export function indexKeys(keys: readonly ApiKey[]): KeyIndex | null {
  return keys.length === 0 ? null : new KeyIndex(keys);
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
