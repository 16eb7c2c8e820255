import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_KEY, UPSTREAM_KEY, startStack, type Stack } from '../helpers/stack.js';

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
    const { startStack: start, model: m } = await import('../helpers/stack.js');
    const local = await start({
      models: [m('plain', 'x', { providerKey: 'plain' })],
      providerKeys: () => [{ name: 'plain', provider: 'openai', apiKey: 'k', apiBase: `http://127.0.0.1:${port}/v1`, adapter: null, forwardClientHeaders: [] }],
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
