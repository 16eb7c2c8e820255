// The exact-match response cache (DESIGN.md §10) through the real loader, gateway and mock: hits
// served without an upstream call (the mock's request log counts them), the key (sorted body keys,
// the caller unless `scope: env`, the model), `Cache-Control: no-cache` / `no-store`, the TTL with an
// injected clock, the routes and streams a policy does not cache (`bypass`), no header where no
// policy applies, output guardrails on hits, and the event's `cache`, `cost_usd` and `usage`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseCache } from '../../src/gateway/runtime/response-cache.js';
import { finishedFor, requestIdOf } from '../helpers/finished.js';
import { jsonOf, postResponses, rawRequest, type RawResponse } from '../helpers/http.js';
import { apiKey, CALLER_KEY, configYaml, DEFAULT_MODELS, model, piiGuardrail, providerKey, startStack, type Stack } from '../helpers/stack.js';

const OTHER_KEY = 'sk-other-caller';
let clock = 1_000_000_000_000;
let stack: Stack;

function chat(body: Record<string, unknown>, headers: Record<string, string> = {}, key = CALLER_KEY): Promise<RawResponse> {
  return rawRequest(stack.url, {
    path: '/v1/chat/completions',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Upstream chat calls the mock has seen whose last message is `text`. */
function upstreamCalls(text: string): number {
  return stack.mock.requests().filter((r) => r.path === '/v1/chat/completions' && r.body.includes(JSON.stringify(text))).length;
}

function ask(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'gpt', messages: [{ role: 'user', content: text }], ...extra };
}

beforeAll(async () => {
  stack = await startStack({
    env: { OTHER_KEY },
    cache: new ResponseCache(() => clock),
    yaml: configYaml({
      provider_keys: [providerKey('mock'), providerKey('tenanted', '${MOCK_URL}/v1', { request: { forward_client_headers: ['x-tenant'] } })],
      models: [
        ...DEFAULT_MODELS, model('shared', 'mock-echo'), model('uncached', 'mock-echo'), model('masked', 'mock-echo'),
        model('tenant', 'mock-echo', { provider_key: 'tenanted' }),
        model('flaky-first', 'mock-burst-500', { retries: 0 }), model('steady-second', 'mock-echo', { retries: 0 }),
        { display_name: 'routed', routing: { strategy: 'failover', targets: [{ model: 'flaky-first', priority: 1 }, { model: 'steady-second', priority: 0 }] } },
      ],
      api_keys: [apiKey('dev', 'CALLER_KEY'), apiKey('other', 'OTHER_KEY')],
      guardrails: [piiGuardrail('emails', [['email', 'mask']], { hook_point: 'output' })],
      guardrail_attachments: [{ guardrail_id: 'emails', scope_type: 'model', scope_id: 'masked', priority: 1 }],
      cache_policies: [
        { name: 'gpt-private', applies_to: 'model:gpt', ttl_seconds: 60 },
        { name: 'shared-env', applies_to: 'model:shared', scope: 'env' },
        { name: 'masked', applies_to: 'model:masked' },
        { name: 'off', applies_to: 'model:uncached', enabled: false },
        { name: 'errors', applies_to: 'model:error-500' },
        { name: 'tenants', applies_to: 'model:tenant' },
        { name: 'routed', applies_to: 'model:routed' },
      ],
    }),
  });
});

afterAll(async () => {
  await stack?.close();
});

describe('exact cache on chat completions', () => {
  it('serves the second identical request from the cache, byte for byte, without calling the upstream', async () => {
    const first = await chat(ask('cache me once'));
    const second = await chat(ask('cache me once'));
    expect(first.status).toBe(200);
    expect(first.headers['x-aisix-cache']).toBe('miss');
    expect(second.status).toBe(200);
    expect(second.headers['x-aisix-cache']).toBe('hit');
    expect(second.body).toBe(first.body);
    expect(upstreamCalls('cache me once')).toBe(1);
    const miss = await finishedFor(stack, requestIdOf(first));
    const hit = await finishedFor(stack, requestIdOf(second));
    expect(miss.cache).toBe('miss');
    expect(miss.cost_usd).toBeGreaterThan(0);
    expect(miss.attempts).toHaveLength(1);
    expect(hit).toMatchObject({ cache: 'hit', cost_usd: 0, usage: null, attempts: [], alias: 'gpt', status: 200, outcome: 'ok', cost_source: null });
  });

  it('keys on the body with its object keys sorted, and on every value', async () => {
    await chat(ask('key order', { temperature: 0.5, top_p: 1 }));
    const reordered = await rawRequest(stack.url, {
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json' },
      body: `{"top_p":1,"temperature":0.5,"messages":[{"content":"key order","role":"user"}],"model":"gpt"}`,
    });
    expect(reordered.headers['x-aisix-cache']).toBe('hit');
    const changed = await chat(ask('key order', { temperature: 0.6, top_p: 1 }));
    expect(changed.headers['x-aisix-cache']).toBe('miss');
    expect(upstreamCalls('key order')).toBe(2);
  });

  it('keeps entries private to their caller unless the policy scope is env', async () => {
    await chat(ask('private answer'));
    const other = await chat(ask('private answer'), {}, OTHER_KEY);
    expect(other.headers['x-aisix-cache']).toBe('miss');
    expect(upstreamCalls('private answer')).toBe(2);

    const mine = await chat({ ...ask('shared answer'), model: 'shared' });
    const theirs = await chat({ ...ask('shared answer'), model: 'shared' }, {}, OTHER_KEY);
    expect(mine.headers['x-aisix-cache']).toBe('miss');
    expect(theirs.headers['x-aisix-cache']).toBe('hit');
    expect(theirs.body).toBe(mine.body);
    expect(upstreamCalls('shared answer')).toBe(1);
  });

  it('Cache-Control: no-cache skips the read but stores; no-store skips the write', async () => {
    const stored = await chat(ask('fresh please'));
    const refreshed = await chat(ask('fresh please'), { 'cache-control': 'no-cache' });
    expect(refreshed.headers['x-aisix-cache']).toBe('miss');
    expect(upstreamCalls('fresh please')).toBe(2);
    const after = await chat(ask('fresh please'));
    expect(after.headers['x-aisix-cache']).toBe('hit');
    expect(after.body).toBe(refreshed.body); // the refreshed answer replaced the first one
    expect(after.body).not.toBe(stored.body);

    const unstored = await chat(ask('do not keep'), { 'cache-control': 'no-store' });
    expect(unstored.headers['x-aisix-cache']).toBe('bypass');
    const again = await chat(ask('do not keep'));
    expect(again.headers['x-aisix-cache']).toBe('miss');
    expect(upstreamCalls('do not keep')).toBe(2);
    expect((await finishedFor(stack, requestIdOf(unstored))).cache).toBe('bypass');
  });

  it('expires entries after ttl_seconds (injected clock)', async () => {
    await chat(ask('short lived'));
    clock += 59_000;
    expect((await chat(ask('short lived'))).headers['x-aisix-cache']).toBe('hit');
    clock += 1_000;
    expect((await chat(ask('short lived'))).headers['x-aisix-cache']).toBe('miss');
    expect(upstreamCalls('short lived')).toBe(2);
  });

  it('bypasses streams and the routes the cache does not serve; no header where no policy applies', async () => {
    const streamed = await chat(ask('streamed', { stream: true }));
    expect(streamed.status).toBe(200);
    expect(streamed.headers['x-aisix-cache']).toBe('bypass');
    const responses = await postResponses(stack.url, { model: 'gpt', input: 'responses route' });
    expect(responses.status).toBe(200);
    expect(responses.headers['x-aisix-cache']).toBe('bypass');
    expect((await finishedFor(stack, requestIdOf(responses))).cache).toBe('bypass');

    const disabled = await chat({ ...ask('no policy'), model: 'uncached' });
    expect(disabled.headers['x-aisix-cache']).toBeUndefined();
    expect((await finishedFor(stack, requestIdOf(disabled))).cache).toBeNull();
    const other = await chat({ ...ask('no policy'), model: 'slow' });
    expect(other.headers['x-aisix-cache']).toBeUndefined();
  });

  it('runs output guardrails on a hit too: the stored answer is the upstream one, masked again on the way out', async () => {
    const first = await chat({ ...ask('write to ann@example.com'), model: 'masked' });
    const second = await chat({ ...ask('write to ann@example.com'), model: 'masked' });
    expect(second.headers['x-aisix-cache']).toBe('hit');
    for (const res of [first, second]) {
      const text = JSON.stringify(jsonOf(res));
      expect(text).toContain('[EMAIL_REDACTED]');
      expect(text).not.toContain('ann@example.com');
    }
    const hit = await finishedFor(stack, requestIdOf(second));
    expect(hit.guardrails).toEqual([{ name: 'emails', stage: 'output', action: 'mask', rule: 'email' }]);
    expect(upstreamCalls('write to ann@example.com')).toBe(1);
  });

  it('does not store failed answers', async () => {
    const before = stack.mock.requests().filter((r) => r.path === '/v1/chat/completions' && r.body.includes('mock-error-500')).length;
    const first = await chat({ ...ask('broken'), model: 'error-500' });
    const second = await chat({ ...ask('broken'), model: 'error-500' });
    expect([first.status, second.status]).toEqual([502, 502]);
    // an error answer says nothing about the cache (nothing was stored)
    expect([first.headers['x-aisix-cache'], second.headers['x-aisix-cache']]).toEqual([undefined, undefined]);
    const after = stack.mock.requests().filter((r) => r.path === '/v1/chat/completions' && r.body.includes('mock-error-500')).length;
    expect(after - before).toBe(2);
  });

  it('keys on the client headers the provider key forwards upstream', async () => {
    const alpha = await chat({ ...ask('tenant question'), model: 'tenant' }, { 'x-tenant': 'alpha' });
    const beta = await chat({ ...ask('tenant question'), model: 'tenant' }, { 'x-tenant': 'beta' });
    const alphaAgain = await chat({ ...ask('tenant question'), model: 'tenant' }, { 'x-tenant': 'alpha' });
    expect([alpha.headers['x-aisix-cache'], beta.headers['x-aisix-cache'], alphaAgain.headers['x-aisix-cache']]).toEqual(['miss', 'miss', 'hit']);
    expect(alphaAgain.body).toBe(alpha.body);
  });

  it('stores a routing model\'s answer under the target that served it, never under the one that failed', async () => {
    // flaky-first (mock-burst-500) fails its first 3 calls; steady-second answers meanwhile
    const failedOver = [];
    for (let i = 0; i < 3; i++) failedOver.push(await chat({ ...ask('routed question'), model: 'routed' }));
    expect(failedOver.map((r) => [r.status, r.headers['x-aisix-served-by'], r.headers['x-aisix-cache']])).toEqual(Array(3).fill([200, 'steady-second', 'miss']));
    const recovered = await chat({ ...ask('routed question'), model: 'routed' });
    expect([recovered.headers['x-aisix-served-by'], recovered.headers['x-aisix-cache']]).toEqual(['flaky-first', 'miss']);
    const hit = await chat({ ...ask('routed question'), model: 'routed' });
    expect(hit.headers['x-aisix-cache']).toBe('hit');
    expect(hit.body).toBe(recovered.body);
    expect((jsonOf(hit) as { model: string }).model).toBe('mock-burst-500');
  });
});
