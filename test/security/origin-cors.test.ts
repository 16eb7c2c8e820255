// DESIGN §9 with auth on: the Origin rule still comes first (before routing and before auth),
// loopback origins and `proxy.allowed_origins` get CORS (preflight 204, Allow-Origin, exposed
// headers), everything else is 403 origin_not_allowed with the upstream untouched.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import {
  ALICE_KEY, bearer, CALLER_ENV, configYaml, expectError, expectNoLeaks, headerList, http, json, JSON_HEADERS, startServe,
  stopAllChildren, writeConfig, type RawResponse, type Serve,
} from './harness.js';

const APP = 'http://app.test:3000';
let mock: MockServer;
/** auth on, no proxy.allowed_origins: only loopback origins may call it */
let serve: Serve;
/** auth on, proxy.allowed_origins: [APP] (started in its describe, so a loader that does not know
 * the key yet fails only those tests) */
let listed: Serve;
const body = json({ model: 'gpt', input: 'hello there' });

beforeAll(async () => {
  mock = await startMock();
  serve = await startServe(writeConfig(configYaml({ upstream: mock.url, callers: ['alice', 'bob'] })), CALLER_ENV);
});
afterAll(async () => {
  await stopAllChildren();
  await mock.close();
});
beforeEach(() => mock.clearRequests());

const post = (headers: Record<string, string>, path = '/v1/responses', to: Serve = serve) => http(to.base, { path, headers, body });
const preflight = (origin: string, to: Serve, path = '/v1/responses'): Promise<RawResponse> =>
  http(to.base, {
    method: 'OPTIONS', path,
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });

describe('auth on: happy path', () => {
  it('serves the official openai SDK with a caller key', async () => {
    const client = new OpenAI({ baseURL: `${serve.base}/v1`, apiKey: ALICE_KEY, maxRetries: 0 });
    const r = await client.responses.create({ model: 'gpt', input: 'sdk says hi' });
    expect(r.output_text).toBe('sdk says hi');
    expect(mock.requests()).toHaveLength(1);
  });

  it('does not apply the auth-off Host rule: a LAN host name with a valid key is served', async () => {
    const res = await post({ ...JSON_HEADERS, ...bearer(ALICE_KEY), host: `devbox.lan:${serve.port}` });
    expect(res.status, res.body).toBe(200);
  });
});

describe('auth on: Origin rule comes before everything', () => {
  const evil = 'https://evil.example';

  it('refuses Origin https://evil.example even with a valid key: 403 origin_not_allowed, upstream untouched', async () => {
    expectError(await post({ ...JSON_HEADERS, ...bearer(ALICE_KEY), origin: evil }), 403, 'permission_denied', 'origin_not_allowed');
    expect(mock.requests()).toHaveLength(0);
  });

  it('refuses it on GET /v1/models with a valid key', async () => {
    const res = await http(serve.base, { method: 'GET', path: '/v1/models', headers: { ...bearer(ALICE_KEY), origin: evil } });
    expectError(res, 403, 'permission_denied', 'origin_not_allowed');
  });

  it('refuses it on an unknown route (403, not 404)', async () => {
    expectError(await post({ ...JSON_HEADERS, ...bearer(ALICE_KEY), origin: evil }, '/v1/nope'), 403, 'permission_denied', 'origin_not_allowed');
  });

  it('refuses it without a key or with a wrong key (403, not 401)', async () => {
    expectError(await post({ ...JSON_HEADERS, origin: evil }), 403, 'permission_denied', 'origin_not_allowed');
    expectError(await post({ ...JSON_HEADERS, ...bearer('sk-wrong'), origin: evil }), 403, 'permission_denied', 'origin_not_allowed');
    expect(mock.requests()).toHaveLength(0);
  });

  it('refuses it on a stored response id of the caller (no upstream GET)', async () => {
    const created = await post({ ...JSON_HEADERS, ...bearer(ALICE_KEY) });
    const id = (JSON.parse(created.body) as { id: string }).id;
    mock.clearRequests();
    const res = await http(serve.base, { method: 'GET', path: `/v1/responses/${id}`, headers: { ...bearer(ALICE_KEY), origin: evil } });
    expectError(res, 403, 'permission_denied', 'origin_not_allowed');
    expect(mock.requests()).toHaveLength(0);
  });

  it.each([['http://localhost:5173'], ['http://127.0.0.1:8080']])('allows the loopback Origin %s with a valid key', async (origin) => {
    const res = await post({ ...JSON_HEADERS, ...bearer(ALICE_KEY), origin });
    expect(res.status, res.body).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
  });

  it('answers a loopback origin’s preflight 204 without a key (browsers send none on preflights); refuses evil.example’s 403', async () => {
    const ok = await preflight('http://localhost:5173', serve);
    expect(ok.status, ok.body).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(headerList(ok, 'access-control-allow-headers')).toContain('authorization');
    expectError(await preflight(evil, serve), 403, 'permission_denied', 'origin_not_allowed');
    expect(mock.requests()).toHaveLength(0);
  });
});

describe('proxy.allowed_origins', () => {
  beforeAll(async () => {
    listed = await startServe(writeConfig(configYaml({ upstream: mock.url, callers: ['alice', 'bob'], allowedOrigins: [APP] })), CALLER_ENV);
  });

  it('answers the preflight from a listed origin with 204, the origin, the requested method and headers, Vary: Origin — no key needed, upstream untouched', async () => {
    const res = await preflight(APP, listed);
    expect(res.status, res.body).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    expect(headerList(res, 'access-control-allow-methods')).toContain('post');
    const allowed = headerList(res, 'access-control-allow-headers');
    // `*` does not cover Authorization (Fetch standard), so both must be listed
    expect(allowed).toContain('authorization');
    expect(allowed).toContain('content-type');
    expect(headerList(res, 'vary')).toContain('origin');
    expect(mock.requests()).toHaveLength(0);
  });

  it('lets the actual POST from the listed origin through, with Allow-Origin and Expose-Headers (x-aisix-request-id, retry-after)', async () => {
    const res = await post({ ...JSON_HEADERS, ...bearer(ALICE_KEY), origin: APP }, '/v1/responses', listed);
    expect(res.status, res.body).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    const exposed = headerList(res, 'access-control-expose-headers');
    expect(exposed).toContain('x-aisix-request-id');
    expect(exposed).toContain('retry-after');
    expect(res.headers['x-aisix-request-id']).toBeTruthy();
    expect(mock.requests()).toHaveLength(1);
  });

  it('lets the listed origin read error answers too (401 without a key carries Allow-Origin and Expose-Headers)', async () => {
    const res = await post({ ...JSON_HEADERS, origin: APP }, '/v1/responses', listed);
    expectError(res, 401, 'invalid_api_key');
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    expect(headerList(res, 'access-control-expose-headers')).toContain('retry-after');
    expect(mock.requests()).toHaveLength(0);
  });

  it('refuses a preflight from a non-listed origin with 403 origin_not_allowed', async () => {
    const res = await preflight('https://evil.example', listed);
    expectError(res, 403, 'permission_denied', 'origin_not_allowed');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(mock.requests()).toHaveLength(0);
  });

  it.each([['http://app.test:3001'], ['https://app.test:3000'], ['http://app.test'], ['http://evil.app.test:3000']])(
    'matches listed origins exactly: %s is refused (preflight and POST with a valid key)',
    async (origin) => {
      expectError(await preflight(origin, listed), 403, 'permission_denied', 'origin_not_allowed');
      expectError(await post({ ...JSON_HEADERS, ...bearer(ALICE_KEY), origin }, '/v1/responses', listed), 403, 'permission_denied', 'origin_not_allowed');
      expect(mock.requests()).toHaveLength(0);
    },
  );
});

describe('auth on: secrets', () => {
  it('never showed the upstream key in any response body or header, nor on the child’s stdout/stderr', () => {
    expectNoLeaks();
  });
});
