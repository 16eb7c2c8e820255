// Caller authentication (DESIGN.md §3, AISIX auth rules): `Authorization: Bearer <key>` first,
// `x-api-key` only when Authorization is absent; SHA-256 lookup; expired and disabled keys.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKey } from '../config/types.js';
import { GatewayError } from './errors.js';

/** hash → key; null when the config has no api_keys (auth off, loopback only). */
export type KeyIndex = ReadonlyMap<string, ApiKey> | null;

export function indexKeys(keys: readonly ApiKey[]): KeyIndex {
  if (keys.length === 0) return null;
  return new Map(keys.filter((k) => k.keyHash !== '').map((k) => [k.keyHash, k]));
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
export function authenticate(headers: IncomingHttpHeaders, keys: KeyIndex, now: number): ApiKey | null {
  if (keys === null) return null;
  const hash = createHash('sha256').update(bearerToken(headers)).digest('hex');
  const key = keys.get(hash);
  if (key === undefined) throw new GatewayError('unauthorized', 'invalid API key');
  if (key.disabled) throw new GatewayError('key_disabled', 'API key has been disabled');
  if (key.expiresAt !== null && key.expiresAt < now) throw new GatewayError('key_expired', 'API key has expired');
  return key;
}
