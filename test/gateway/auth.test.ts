import { describe, expect, it } from 'vitest';
import { authenticate } from '../../src/gateway/stages/admit.js';
import { indexKeys } from '../../src/gateway/runtime/key-index.js';
import { apiKey, configYaml, loadStackConfig } from '../helpers/stack.js';

describe('authenticate', () => {
  // the keys as the loader produces them: key_env plaintext hashed, expires_at parsed (1 s after the epoch)
  const { config } = loadStackConfig(
    configYaml({
      api_keys: [
        apiKey('a', 'KEY_A'),
        apiKey('old', 'KEY_OLD', { expires_at: '1970-01-01T00:00:01Z' }),
        apiKey('off', 'KEY_OFF', { disabled: true }),
      ],
    }),
    { MOCK_URL: 'http://127.0.0.1:9', KEY_A: 'sk-a', KEY_OLD: 'sk-old', KEY_OFF: 'sk-off' },
  );
  const keys = indexKeys(config.apiKeys);

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
