// DESIGN §9 while auth is off (no api_keys, loopback only): the Host rule (DNS rebinding), the
// non-JSON body rule (cross-site "simple" requests) and the Origin rule, in the §3 check order,
// each refusal proven by the upstream's empty request log.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import {
  configYaml, expectError, expectNoLeaks, headerList, http, json, JSON_HEADERS, startServe, stopAllChildren, UPSTREAM_KEY, writeConfig,
  type Serve,
} from './harness.js';

let mock: MockServer;
let serve: Serve;
const body = json({ model: 'gpt', input: 'hello there' });

beforeAll(async () => {
  mock = await startMock();
  serve = await startServe(writeConfig(configYaml({ upstream: mock.url })));
});
afterAll(async () => {
  await stopAllChildren();
  await mock.close();
});
beforeEach(() => mock.clearRequests());

const post = (headers: Record<string, string>, path = '/v1/responses', b: string = body) =>
  http(serve.base, { path, headers, body: b });

describe('auth off: happy path', () => {
  it('serves the official openai SDK on 127.0.0.1 and forwards the provider key upstream', async () => {
    const client = new OpenAI({ baseURL: `${serve.base}/v1`, apiKey: 'unused-when-auth-is-off', maxRetries: 0 });
    const r = await client.responses.create({ model: 'gpt', input: 'hello from the sdk' });
    expect(r.output_text).toBe('hello from the sdk');
    expect(mock.requests()).toHaveLength(1);
    // the leak checks of this suite are meaningful: the upstream really receives this key
    expect(mock.requests()[0]?.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEY}`);
  });
});

describe('auth off: Host rule (DNS rebinding)', () => {
  it('refuses Host: evil.example:1234 with 403 permission_denied / host_not_allowed, upstream untouched', async () => {
    const res = await post({ ...JSON_HEADERS, host: 'evil.example:1234' });
    expectError(res, 403, 'permission_denied', 'host_not_allowed');
    expect(mock.requests()).toHaveLength(0);
  });

  it.each([
    ['attacker.example'],
    ['localhost.attacker.example'],
    ['127.0.0.1.attacker.example:80'],
    ['0.0.0.0:PORT'],
    ['192.168.1.10:PORT'],
  ])('refuses the non-loopback Host %s (403 host_not_allowed), upstream untouched', async (host) => {
    const res = await post({ ...JSON_HEADERS, host: host.replace('PORT', String(serve.port)) });
    expectError(res, 403, 'permission_denied', 'host_not_allowed');
    expect(mock.requests()).toHaveLength(0);
  });

  it('refuses a rebinding Host on every route, before routing: GET /v1/models, GET /v1/responses/{id}, an unknown route', async () => {
    const host = 'evil.example';
    expectError(await http(serve.base, { method: 'GET', path: '/v1/models', headers: { host } }), 403, 'permission_denied', 'host_not_allowed');
    expectError(await http(serve.base, { method: 'GET', path: '/v1/responses/resp_abc123', headers: { host } }), 403, 'permission_denied', 'host_not_allowed');
    expectError(await http(serve.base, { method: 'GET', path: '/no/such/route', headers: { host } }), 403, 'permission_denied', 'host_not_allowed');
    expect(mock.requests()).toHaveLength(0);
  });

  it.each([['localhost:PORT'], ['127.0.0.1:PORT'], ['[::1]:PORT'], ['foo.localhost'], ['127.1.2.3:PORT']])(
    'serves the loopback Host %s',
    async (host) => {
      const res = await post({ ...JSON_HEADERS, host: host.replace('PORT', String(serve.port)) });
      expect(res.status, res.body).toBe(200);
      expect((JSON.parse(res.body) as { object: string }).object).toBe('response');
      expect(mock.requests()).toHaveLength(1);
    },
  );
});

describe('auth off: non-JSON bodies (cross-site simple requests)', () => {
  it('refuses POST /v1/responses with content-type text/plain and a JSON body, no Origin: 415 unsupported_media_type, upstream untouched', async () => {
    const res = await post({ 'content-type': 'text/plain' });
    expectError(res, 415, 'invalid_request_error', 'unsupported_media_type');
    expect(mock.requests()).toHaveLength(0);
  });

  it.each([
    ['text/plain;charset=UTF-8'],
    ['application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=x'],
  ])('refuses the other CORS-safelisted content type %s with 415, upstream untouched', async (type) => {
    const res = await post({ 'content-type': type });
    expectError(res, 415, 'invalid_request_error', 'unsupported_media_type');
    expect(mock.requests()).toHaveLength(0);
  });

  it('refuses a JSON body sent with no content-type at all (what fetch sends for a typeless Blob) with 415', async () => {
    const res = await post({});
    expectError(res, 415, 'invalid_request_error', 'unsupported_media_type');
    expect(mock.requests()).toHaveLength(0);
  });

  it('refuses a non-JSON body on /v1/chat/completions too', async () => {
    const res = await post({ 'content-type': 'text/plain' }, '/v1/chat/completions', json({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] }));
    expectError(res, 415, 'invalid_request_error', 'unsupported_media_type');
    expect(mock.requests()).toHaveLength(0);
  });

  it.each([['application/json; charset=utf-8'], ['application/vnd.api+json'], ['APPLICATION/JSON']])('accepts content-type %s', async (type) => {
    const res = await post({ 'content-type': type });
    expect(res.status, res.body).toBe(200);
    expect(mock.requests()).toHaveLength(1);
  });

  it('answers an unknown route 404 unknown_route before the 415 check (§3 order)', async () => {
    const res = await post({ 'content-type': 'text/plain' }, '/v1/not-a-route');
    expectError(res, 404, 'invalid_request_error', 'unknown_route');
  });

  it('does not refuse a body-less POST such as /v1/responses/{id}/cancel for its missing content-type', async () => {
    const created = await post(JSON_HEADERS);
    const id = (JSON.parse(created.body) as { id: string }).id;
    mock.clearRequests();
    const res = await http(serve.base, { path: `/v1/responses/${id}/cancel`, headers: { 'content-length': '0' } });
    expect(res.status, res.body).toBe(200);
    expect(mock.requests().map((r) => r.path)).toEqual([`/v1/responses/${id}/cancel`]);
  });
});

describe('auth off: Origin rule', () => {
  it('refuses Origin: https://evil.example with 403 origin_not_allowed, upstream untouched', async () => {
    const res = await post({ ...JSON_HEADERS, origin: 'https://evil.example' });
    expectError(res, 403, 'permission_denied', 'origin_not_allowed');
    expect(mock.requests()).toHaveLength(0);
  });

  it('checks Origin before anything else: unknown route, non-JSON body, GET /v1/models, /healthz, a preflight', async () => {
    const origin = 'https://evil.example';
    expectError(await post({ 'content-type': 'text/plain', origin }), 403, 'permission_denied', 'origin_not_allowed');
    expectError(await post({ ...JSON_HEADERS, origin }, '/v1/not-a-route'), 403, 'permission_denied', 'origin_not_allowed');
    expectError(await http(serve.base, { method: 'GET', path: '/v1/models', headers: { origin } }), 403, 'permission_denied', 'origin_not_allowed');
    expectError(await http(serve.base, { method: 'GET', path: '/healthz', headers: { origin } }), 403, 'permission_denied', 'origin_not_allowed');
    const preflight = await http(serve.base, {
      method: 'OPTIONS', path: '/v1/responses',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expectError(preflight, 403, 'permission_denied', 'origin_not_allowed');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(mock.requests()).toHaveLength(0);
  });

  it.each([['null'], ['http://localhost.evil.example'], ['http://127.0.0.1.evil.example:8080'], ['https://evil.example:443']])(
    'refuses the non-loopback Origin %s',
    async (origin) => {
      expectError(await post({ ...JSON_HEADERS, origin }), 403, 'permission_denied', 'origin_not_allowed');
      expect(mock.requests()).toHaveLength(0);
    },
  );

  it.each([['http://localhost:5173'], ['http://127.0.0.1:8080'], ['http://[::1]:3000'], ['http://app.localhost:5173']])(
    'allows the loopback Origin %s and lets the page read the answer (Access-Control-Allow-Origin)',
    async (origin) => {
      const res = await post({ ...JSON_HEADERS, origin });
      expect(res.status, res.body).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(headerList(res, 'access-control-expose-headers')).toContain('x-aisix-request-id');
      expect(mock.requests()).toHaveLength(1);
    },
  );

  it('answers a CORS preflight from a loopback origin with 204 and never contacts the upstream', async () => {
    const origin = 'http://localhost:5173';
    const res = await http(serve.base, {
      method: 'OPTIONS', path: '/v1/responses',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(res.status, res.body).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(headerList(res, 'access-control-allow-methods')).toContain('post');
    expect(headerList(res, 'access-control-allow-headers')).toContain('content-type');
    expect(headerList(res, 'vary')).toContain('origin');
    expect(mock.requests()).toHaveLength(0);
  });
});

describe('auth off: DNS rebinding with a matching Origin', () => {
  it('refuses Host attacker.example + Origin http://attacker.example with 403, upstream untouched', async () => {
    const res = await post({ ...JSON_HEADERS, host: 'attacker.example', origin: 'http://attacker.example' });
    expect(res.status, res.body).toBe(403);
    const code = (JSON.parse(res.body) as { error: { code?: string } }).error.code;
    expect(['host_not_allowed', 'origin_not_allowed']).toContain(code);
    expectError(res, 403, 'permission_denied', code);
    expect(mock.requests()).toHaveLength(0);
  });

  it('refuses the same rebinding pair on GET /v1/models and on a stored response id', async () => {
    const headers = { host: `attacker.example:${serve.port}`, origin: `http://attacker.example:${serve.port}` };
    expect((await http(serve.base, { method: 'GET', path: '/v1/models', headers })).status).toBe(403);
    expect((await http(serve.base, { method: 'GET', path: '/v1/responses/resp_anything', headers })).status).toBe(403);
    expect(mock.requests()).toHaveLength(0);
  });
});

describe('auth off: secrets', () => {
  it('never showed the upstream key in any response body or header, nor on the child’s stdout/stderr', () => {
    expectNoLeaks();
  });
});
