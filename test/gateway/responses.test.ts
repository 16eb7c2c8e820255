import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveResourceId } from '../../src/config/resource-id.js';
import { CALLER_KEY, UPSTREAM_KEY, configYaml, model, providerKey, sha256, startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

describe('POST /v1/responses through the proxy', () => {
  it('relays a JSON response and records usage and cost from what the upstream sent', async () => {
    stack.mock.clearRequests();
    const before = stack.events.length;
    const { data: response, response: raw } = await stack.client().responses.create({ model: 'gpt', input: 'hello there proxy' }).withResponse();
    expect(response.output_text).toBe('hello there proxy');
    expect(raw.headers.get('x-aisix-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const [sent] = stack.mock.requests();
    expect(sent?.path).toBe('/v1/responses');
    expect(sent?.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify(sent?.headers)).not.toContain(CALLER_KEY);
    expect((sent?.json as { model: string }).model).toBe('mock-echo');
    const [event] = (await stack.waitForEvents(before + 1)).slice(before);
    expect(event).toMatchObject({
      route: '/v1/responses', caller: 'dev', alias: 'gpt', upstream_model: 'mock-echo', provider: 'openai',
      status: 200, outcome: 'ok', stream: false, response_id: response.id, id: raw.headers.get('x-aisix-request-id'),
    });
    expect(event?.usage).toEqual({
      input_tokens: response.usage?.input_tokens,
      output_tokens: response.usage?.output_tokens,
      total_tokens: response.usage?.total_tokens,
      cached_tokens: response.usage?.input_tokens_details.cached_tokens,
      reasoning_tokens: response.usage?.output_tokens_details.reasoning_tokens,
      cache_creation_tokens: 0,
    });
    const u = response.usage!;
    expect(event?.cost_usd).toBeCloseTo((u.input_tokens * 0.5 + u.output_tokens * 1.5) / 1000, 9);
    expect(event?.upstream_request_id).toMatch(/^req_/);
  });

  it('relays a stream with its events in order and records usage from the terminal event', async () => {
    const before = stack.events.length;
    const stream = await stack.client().responses.create({ model: 'reasoning', input: 'stream me please', stream: true });
    const types: string[] = [];
    let text = '';
    let completed: { id: string; usage: unknown } | null = null;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response as { id: string; usage: unknown };
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(types.filter((t) => t === 'response.output_text.delta').length).toBeGreaterThan(1);
    expect(text.length).toBeGreaterThan(0);
    const [event] = (await stack.waitForEvents(before + 1)).slice(before);
    const usage = completed!.usage as { input_tokens: number; output_tokens: number; input_tokens_details: { cached_tokens: number }; output_tokens_details: { reasoning_tokens: number } };
    expect(event).toMatchObject({ stream: true, status: 200, outcome: 'ok', response_id: completed!.id });
    expect(event?.usage?.input_tokens).toBe(usage.input_tokens);
    expect(event?.usage?.cached_tokens).toBe(usage.input_tokens_details.cached_tokens);
    expect(event?.usage?.reasoning_tokens).toBeGreaterThan(0);
    expect(event?.usage?.reasoning_tokens).toBe(usage.output_tokens_details.reasoning_tokens);
    expect(event?.ttft_ms).not.toBeNull();
    expect(event!.ttft_ms!).toBeLessThanOrEqual(event!.latency_ms);
  });

  it('serves wildcard models with the captured segment as the upstream model', async () => {
    stack.mock.clearRequests();
    const response = await stack.client().responses.create({ model: 'openai/mock-echo', input: 'wild' });
    expect(response.output_text).toBe('wild');
    expect((stack.mock.requests()[0]?.json as { model: string }).model).toBe('mock-echo');
  });
});

describe('a stream request answered with plain JSON', () => {
  it('is relayed as the JSON it is, with its usage, not as a broken stream', async () => {
    const { createServer } = await import('node:http');
    const reply = JSON.stringify({ id: 'resp_json1', object: 'response', status: 'completed', output: [], usage: { input_tokens: 2, output_tokens: 3, total_tokens: 5 } });
    const upstream = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(reply));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const port = (upstream.address() as { port: number }).port;
    const local = await startStack({
      yaml: configYaml({ provider_keys: [providerKey('plain', '${PLAIN_URL}/v1', { api_key: '${PLAIN_KEY}' })], models: [model('plain', 'x', { provider_key: 'plain' })] }),
      env: { PLAIN_URL: `http://127.0.0.1:${port}`, PLAIN_KEY: 'k' },
    });
    try {
      const res = await fetch(`${local.url}/v1/responses`, {
        method: 'POST', headers: { authorization: `Bearer ${CALLER_KEY}` }, body: JSON.stringify({ model: 'plain', input: 'x', stream: true }),
      });
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.text()).toBe(reply);
      const [event] = await local.waitForEvents(1);
      expect(event).toMatchObject({ status: 200, outcome: 'ok', stream: true, response_id: 'resp_json1', usage: { input_tokens: 2, output_tokens: 3 } });
    } finally {
      await local.close();
      upstream.close();
    }
  });
});

describe("AISIX's canonical form", () => {
  // What AISIX's resources file looks like after desugaring: the model names its provider key by
  // derived id, the caller is a SHA-256 hash. Both must be served, not only validated.
  const CANONICAL = `_format_version: "1"
proxy:
  addr: 127.0.0.1:0
provider_keys:
  - display_name: upstream
    provider: openai
    api_key: \${UPSTREAM_KEY}
    api_base: \${MOCK_URL}/v1
models:
  - display_name: canonical
    provider: openai
    model_name: mock-echo
    provider_key_id: \${UPSTREAM_KEY_ID}
api_keys:
  - display_name: hashed
    key_hash: \${CALLER_KEY_HASH}
    allowed_models: ["canonical"]
`;

  it('serves a model that references its provider key by provider_key_id, to a caller given by key_hash', async () => {
    const canonical = await startStack({
      yaml: CANONICAL,
      env: { UPSTREAM_KEY_ID: deriveResourceId('provider_keys', 'upstream'), CALLER_KEY_HASH: sha256(CALLER_KEY) },
    });
    try {
      expect(canonical.config.apiKeys[0]).toMatchObject({ name: 'hashed', keyHash: sha256(CALLER_KEY), keyEnv: null });
      const { data: response, response: raw } = await canonical.client(CALLER_KEY).responses.create({ model: 'canonical', input: 'canonical form' }).withResponse();
      expect(raw.status).toBe(200);
      expect(response.output_text).toBe('canonical form');
      const [sent] = canonical.mock.requests();
      expect(sent?.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
      expect((sent?.json as { model: string }).model).toBe('mock-echo');
      const [event] = await canonical.waitForEvents(1);
      expect(event).toMatchObject({ caller: 'hashed', alias: 'canonical', upstream_model: 'mock-echo', status: 200, outcome: 'ok' });
    } finally {
      await canonical.close();
    }
  });
});
