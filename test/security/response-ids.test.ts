// DESIGN §3/§9: response ids are bound to the caller that created them. With more than one caller
// key, an id not relayed for this caller — another caller's, or one never seen — answers 404
// without contacting the upstream, on the id routes and in `previous_response_id`.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import {
  ALICE_KEY, BOB_KEY, bearer, CALLER_ENV, configYaml, expectError, expectNoLeaks, http, json, JSON_HEADERS, startServe,
  stopAllChildren, writeConfig, type RawResponse, type Serve,
} from './harness.js';

let mock: MockServer;
let serve: Serve;
let aliceId: string;

beforeAll(async () => {
  mock = await startMock();
  serve = await startServe(writeConfig(configYaml({ upstream: mock.url, callers: ['alice', 'bob'] })), CALLER_ENV);
  const created = await http(serve.base, {
    path: '/v1/responses', headers: { ...JSON_HEADERS, ...bearer(ALICE_KEY) }, body: json({ model: 'gpt', input: 'alice private text' }),
  });
  if (created.status !== 200) throw new Error(`alice's create failed: ${created.status} ${created.body}`);
  aliceId = (JSON.parse(created.body) as { id: string }).id;
});
afterAll(async () => {
  await stopAllChildren();
  await mock.close();
});
beforeEach(() => mock.clearRequests());

const get = (key: string, path: string) => http(serve.base, { method: 'GET', path, headers: bearer(key) });

/** 404 `invalid_request_error` in the OpenAI envelope (§3's answer for an id the proxy cannot place); any code. */
function expect404(res: RawResponse): { message: string } {
  expect(res.status, res.body).toBe(404);
  const code = (JSON.parse(res.body) as { error: { code?: string } }).error.code;
  return expectError(res, 404, 'invalid_request_error', code);
}

describe('response ids are bound to their caller', () => {
  it('alice created a stored response through the proxy', () => {
    expect(aliceId).toMatch(/^resp_/);
  });

  it("bob's GET /v1/responses/{alice's id} → 404, upstream never contacted", async () => {
    expect404(await get(BOB_KEY, `/v1/responses/${aliceId}`));
    expect(mock.requests()).toHaveLength(0);
  });

  it("bob's GET …/input_items, POST …/cancel and DELETE on alice's id → 404, upstream never contacted", async () => {
    expect404(await get(BOB_KEY, `/v1/responses/${aliceId}/input_items`));
    expect404(await http(serve.base, { path: `/v1/responses/${aliceId}/cancel`, headers: { ...bearer(BOB_KEY), 'content-length': '0' } }));
    expect404(await http(serve.base, { method: 'DELETE', path: `/v1/responses/${aliceId}`, headers: bearer(BOB_KEY) }));
    expect(mock.requests()).toHaveLength(0);
  });

  it("bob's POST /v1/responses with previous_response_id: <alice's id> → 404, upstream never contacted", async () => {
    const res = await http(serve.base, {
      path: '/v1/responses', headers: { ...JSON_HEADERS, ...bearer(BOB_KEY) },
      body: json({ model: 'gpt', input: 'what did alice say?', previous_response_id: aliceId }),
    });
    expect404(res);
    expect(res.body).not.toContain('alice private text');
    expect(mock.requests()).toHaveLength(0);
  });

  it("bob's streamed POST with previous_response_id: <alice's id> → 404 too, upstream never contacted", async () => {
    const res = await http(serve.base, {
      path: '/v1/responses', headers: { ...JSON_HEADERS, ...bearer(BOB_KEY) },
      body: json({ model: 'gpt', input: 'x', stream: true, previous_response_id: aliceId }),
    });
    expect404(res);
    expect(mock.requests()).toHaveLength(0);
  });

  it("answers bob for alice's id exactly as for an id never seen (does not reveal that it exists or whose it is)", async () => {
    const never = 'resp_0000000000000000000000000000000000000000000000aa';
    const a = await get(BOB_KEY, `/v1/responses/${aliceId}`);
    const b = await get(BOB_KEY, `/v1/responses/${never}`);
    expect(a.status).toBe(404);
    expect(b.status).toBe(404);
    expect(a.body.replaceAll(aliceId, '<id>')).toBe(b.body.replaceAll(never, '<id>'));
    expect(a.body).not.toMatch(/alice/i);
    expect(mock.requests()).toHaveLength(0);
  });

  it('answers an id never relayed for anyone 404 without contacting the upstream (more than one caller key)', async () => {
    expect404(await get(ALICE_KEY, '/v1/responses/resp_never_seen_by_this_proxy'));
    expect(mock.requests()).toHaveLength(0);
  });

  it("alice's own GET /v1/responses/{id} → 200, relayed to the upstream", async () => {
    const res = await get(ALICE_KEY, `/v1/responses/${aliceId}`);
    expect(res.status, res.body).toBe(200);
    expect((JSON.parse(res.body) as { id: string }).id).toBe(aliceId);
    expect(mock.requests().map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/responses/${aliceId}`]);
  });

  it("alice's own previous_response_id is relayed (200)", async () => {
    const res = await http(serve.base, {
      path: '/v1/responses', headers: { ...JSON_HEADERS, ...bearer(ALICE_KEY) },
      body: json({ model: 'gpt', input: 'and then?', previous_response_id: aliceId }),
    });
    expect(res.status, res.body).toBe(200);
    expect(mock.requests()).toHaveLength(1);
  });
});

describe('response ids: secrets', () => {
  it('never showed the upstream key in any response body or header, nor on the child’s stdout/stderr', () => {
    expectNoLeaks();
  });
});
