import { describe, expect, it } from 'vitest';
import { authenticate, indexKeys } from '../../src/gateway/auth.js';
import { apiKey } from '../helpers/stack.js';

describe('authenticate', () => {
  const keys = indexKeys([apiKey('a', 'sk-a'), apiKey('old', 'sk-old', { expiresAt: 1_000 }), apiKey('off', 'sk-off', { disabled: true })]);

  it('finds a key by its token every time, and still checks expiry on a remembered token', () => {
    const headers = { authorization: 'Bearer sk-a' };
    expect(authenticate(headers, keys, 0)?.name).toBe('a');
    expect(authenticate(headers, keys, 0)?.name).toBe('a');
    expect(() => authenticate({ authorization: 'Bearer sk-old' }, keys, 500)).not.toThrow();
    expect(() => authenticate({ authorization: 'Bearer sk-old' }, keys, 2_000)).toThrow('API key has expired');
    expect(() => authenticate({ 'x-api-key': 'sk-off' }, keys, 0)).toThrow('API key has been disabled');
  });

  it('rejects unknown tokens every time and malformed headers', () => {
    expect(() => authenticate({ authorization: 'Bearer nope' }, keys, 0)).toThrow('invalid API key');
    expect(() => authenticate({ authorization: 'Bearer nope' }, keys, 0)).toThrow('invalid API key');
    expect(() => authenticate({ authorization: 'Basic sk-a', 'x-api-key': 'sk-a' }, keys, 0)).toThrow('missing or malformed');
    expect(authenticate({}, null, 0)).toBeNull();
  });
});
