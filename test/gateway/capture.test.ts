// `proxy.capture_bodies` (DESIGN.md §13), the gateway side of the inspector: the real proxy and the
// mock on port 0, the official SDKs and fetch. Each exchange is in `gateway.captures` before its
// `request.finished` goes out: the request as sent (headers redacted), the response as the client
// got it, the answer assembled by the route's protocol (Responses JSON and stream, chat tool call
// deltas, Messages tool_use and thinking, a WebSocket turn), errors without one; the limits (count,
// bytes); every secret form redacted (credential headers, a caller key in a body, a provider key
// quoted by an upstream, in a header or in an answer); capture off (and reloads) → null; and the
// parts on their own (the store's order, the redaction search, a cut body).
import Anthropic from '@anthropic-ai/sdk';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { CapturedExchange } from '../../src/events/capture.js';
import { capturedBody } from '../../src/gateway/capture/body.js';
import { CaptureStore } from '../../src/gateway/capture/store.js';
import { redactSecrets } from '../../src/gateway/secrets/search.js';
import type { RequestFinished } from '../../src/events/types.js';
import { apiKey, CALLER_KEY, configYaml, DEFAULT_MODELS, DEFAULT_YAML, loadStackConfig, model, providerKey, startStack, UPSTREAM_KEY, type Stack } from '../helpers/stack.js';

const ANTHROPIC_SECRET = 'sk-ant-capture-secret';
const claude = (name: string, modelName: string): Record<string, unknown> => ({ display_name: name, provider: 'anthropic', model_name: modelName, provider_key: 'claude' });
const TOOLS = [{ type: 'function', name: 'get_weather', description: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];
const CHAT_TOOLS = [{ type: 'function', function: { name: 'get_weather', description: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

/** An upstream that answers every call 401, quoting the key it was sent (as some real ones do). */
let quoting: Server;
let stack: Stack;
/** whether the capture was readable when `request.finished` arrived, per request id */
const readableAtEvent = new Map<string, boolean>();

beforeAll(async () => {
  quoting = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const key = String(req.headers.authorization ?? req.headers['x-api-key'] ?? '').replace(/^Bearer /, '');
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
    });
  });
  await new Promise<void>((r) => quoting.listen(0, '127.0.0.1', () => r()));
  const quoteUrl = `http://127.0.0.1:${(quoting.address() as AddressInfo).port}`;
  stack = await startStack({
    yaml: configYaml({
      proxy: { capture_bodies: true },
      provider_keys: [
        providerKey('mock', '${MOCK_URL}/v1', { request: { forward_client_headers: ['x-mock-*'] } }),
        providerKey('quoting', '${QUOTE_URL}/v1'),
        { display_name: 'claude', provider: 'anthropic', api_key: '${ANTHROPIC_SECRET}', api_base: '${MOCK_URL}' },
      ],
      api_keys: [apiKey('dev', 'CALLER_KEY', { allowed_routes: ['*'] })],
      models: [...DEFAULT_MODELS, model('quoted', 'any', { provider_key: 'quoting' }), claude('sonnet-tool', 'mock-tool'), claude('sonnet-think', 'mock-reasoning')],
      passthrough_routes: [
        { name: 'raw', path_prefix: '/raw', target_url: '${MOCK_URL}/mock-passthrough', provider_key: 'mock' },
        { name: 'quote', path_prefix: '/quote', target_url: '${QUOTE_URL}/quote', provider_key: 'mock' },
      ],
    }),
    env: { ANTHROPIC_SECRET, QUOTE_URL: quoteUrl },
    attach: (bus) => {
      bus.on('request.finished', (e) => readableAtEvent.set(e.id, stack.gateway.captures?.get(e.id) !== undefined));
    },
  });
});

afterAll(async () => {
  await stack?.close();
  await new Promise<void>((r) => quoting.close(() => r()));
});

interface Sent {
  status: number;
  text: string;
  id: string;
}

async function send(path: string, body: unknown, headers: Record<string, string> = {}, method = 'POST'): Promise<Sent> {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${CALLER_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, text: await res.text(), id: res.headers.get('x-aisix-request-id') ?? '' };
}

/** The finished event and the exchange of a request, once it finished. */
async function captured(s: Stack, id: string): Promise<{ event: RequestFinished; x: CapturedExchange }> {
  await s.until(() => s.events.some((e) => e.id === id), `request.finished of ${id}`);
  const event = s.events.find((e) => e.id === id) as RequestFinished;
  const x = s.gateway.captures?.get(id);
  if (x === undefined) throw new Error(`no capture of ${id}`);
  return { event, x };
}

describe('what an exchange holds', () => {
  it('a Responses JSON answer: the request as sent (credentials redacted), the answer as got, assembled, timed — stored before request.finished', async () => {
    const body = { model: 'gpt', input: 'hello capture' };
    const sent = await send('/v1/responses?trace=1', body, { 'x-api-key': CALLER_KEY, cookie: 'session=abc123', 'x-custom': 'kept' });
    expect(sent.status).toBe(200);
    const { event, x } = await captured(stack, sent.id);
    expect(readableAtEvent.get(sent.id)).toBe(true);
    expect(x.id).toBe(sent.id);
    expect(x.time).toBe(event.time);
    expect(x.request).toMatchObject({ method: 'POST', url: '/v1/responses?trace=1', body: { text: JSON.stringify(body), encoding: 'utf8', bytes: JSON.stringify(body).length, truncated: false } });
    expect(x.request.headers).toMatchObject({ authorization: '[REDACTED]', 'x-api-key': '[REDACTED]', cookie: '[REDACTED]', 'x-custom': 'kept', 'content-type': 'application/json' });
    expect(x.response.status).toBe(200);
    expect(x.response.headers['content-type']).toContain('application/json');
    expect(x.response.headers['x-aisix-request-id']).toBe(sent.id);
    expect(x.response.body).toEqual({ text: sent.text, encoding: 'utf8', bytes: Buffer.byteLength(sent.text), truncated: false });
    expect(x.response.assembled).toEqual({ text: 'hello capture', reasoning: '', tool_calls: [] });
    expect(x.timings.total_ms).toBe(event.latency_ms);
    expect(x.timings.upstream_headers_ms).toBe(event.upstream_ms);
    expect(x.timings.first_token_ms).toBeNull();
    expect(x.timings.queue_ms).toBeGreaterThanOrEqual(0);
    expect(x.timings.queue_ms).toBeLessThanOrEqual(x.timings.total_ms);
  });

  it('a Responses stream (SDK): the SSE bytes as sent, the answer from its deltas — reasoning summary included — as its JSON twin gives it', async () => {
    const client = stack.client();
    const json = await client.responses.create({ model: 'reasoning', input: 'think then answer' }).withResponse();
    const stream = await client.responses.create({ model: 'reasoning', input: 'think then answer', stream: true }).withResponse();
    let streamed = '';
    for await (const e of stream.data) if (e.type === 'response.output_text.delta') streamed += e.delta;
    const a = (await captured(stack, json.response.headers.get('x-aisix-request-id') ?? '')).x;
    const { x, event } = await captured(stack, stream.response.headers.get('x-aisix-request-id') ?? '');
    expect(x.response.body?.text).toMatch(/^event: response\.created\n/);
    expect(x.response.headers['content-type']).toContain('text/event-stream');
    expect(x.response.assembled).toEqual({ text: streamed, reasoning: 'The mock is thinking about the request before it answers.', tool_calls: [] });
    expect(x.response.assembled).toEqual(a.response.assembled);
    expect(x.timings.first_token_ms).toBe(event.ttft_ms);
    expect(event.ttft_ms).not.toBeNull();
  });

  it('Responses tool calls: function_call items and their argument deltas', async () => {
    const json = await send('/v1/responses', { model: 'tool', input: 'weather in Paris', tools: TOOLS });
    const stream = await send('/v1/responses', { model: 'tool', input: 'weather in Paris', tools: TOOLS, stream: true });
    const a = (await captured(stack, json.id)).x.response.assembled;
    const b = (await captured(stack, stream.id)).x.response.assembled;
    expect(a?.tool_calls).toEqual([{ id: expect.stringMatching(/^call_/) as unknown as string, name: 'get_weather', arguments: '{"input":"weather in Paris"}' }]);
    expect(b?.tool_calls.map((c) => [c.name, c.arguments])).toEqual([['get_weather', '{"input":"weather in Paris"}']]);
  });

  it('chat completions: tool_calls deltas joined per index, as the completion has them', async () => {
    const client = stack.client();
    const json = await client.chat.completions.create({ model: 'tool', messages: [{ role: 'user', content: 'weather in Rome' }], tools: CHAT_TOOLS as never }).withResponse();
    const stream = await client.chat.completions.create({ model: 'tool', messages: [{ role: 'user', content: 'weather in Rome' }], tools: CHAT_TOOLS as never, stream: true }).withResponse();
    for await (const _ of stream.data) void _;
    const a = (await captured(stack, json.response.headers.get('x-aisix-request-id') ?? '')).x;
    const b = (await captured(stack, stream.response.headers.get('x-aisix-request-id') ?? '')).x;
    const call = json.data.choices[0]?.message.tool_calls?.[0] as { id: string; function: { name: string; arguments: string } };
    expect(a.response.assembled?.tool_calls).toEqual([{ id: call.id, name: call.function.name, arguments: call.function.arguments }]);
    expect(b.response.body?.text).toMatch(/data: \[DONE\]\n\n$/);
    expect(b.response.assembled?.tool_calls.map((c) => [c.name, c.arguments])).toEqual([[call.function.name, call.function.arguments]]);
  });

  it('Messages (Anthropic SDK): tool_use blocks with input_json_delta, and thinking', async () => {
    const anthropic = new Anthropic({ baseURL: stack.url, apiKey: CALLER_KEY, maxRetries: 0 });
    const tool = await anthropic.messages.create({ model: 'sonnet-tool', max_tokens: 100, messages: [{ role: 'user', content: 'weather in Oslo' }], stream: true }).withResponse();
    for await (const _ of tool.data) void _;
    const think = await anthropic.messages.create({ model: 'sonnet-think', max_tokens: 100, messages: [{ role: 'user', content: 'ponder' }] }).withResponse();
    const thinkStream = await anthropic.messages.create({ model: 'sonnet-think', max_tokens: 100, messages: [{ role: 'user', content: 'ponder' }], stream: true }).withResponse();
    for await (const _ of thinkStream.data) void _;
    const t = (await captured(stack, tool.response.headers.get('x-aisix-request-id') ?? '')).x;
    expect(t.response.assembled?.tool_calls).toEqual([{ id: expect.stringMatching(/^toolu_/) as unknown as string, name: 'get_weather', arguments: '{"input":"weather in Oslo"}' }]);
    const j = (await captured(stack, think.response.headers.get('x-aisix-request-id') ?? '')).x;
    const s = (await captured(stack, thinkStream.response.headers.get('x-aisix-request-id') ?? '')).x;
    expect(j.response.assembled).toEqual({ text: 'ponder', reasoning: 'The mock is thinking about the request before it answers.', tool_calls: [] });
    expect(s.response.assembled).toEqual(j.response.assembled);
    expect(JSON.stringify(j.request.headers)).not.toContain(CALLER_KEY);
  });

  it('a WebSocket turn: its frame as the request, the event frames it got one JSON per line, the answer from them', async () => {
    const socket = new WebSocket(`${stack.url.replace(/^http/, 'ws')}/v1/responses`, { headers: { authorization: `Bearer ${CALLER_KEY}` } });
    const got: string[] = [];
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const done = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        got.push(String(data));
        if ((JSON.parse(String(data)) as { type: string }).type === 'response.completed') resolve();
      }),
    );
    const frame = JSON.stringify({ type: 'response.create', model: 'gpt', input: 'over the socket' });
    socket.send(frame);
    await done;
    await stack.until(() => stack.events.some((e) => e.transport === 'websocket'), 'the turn finished');
    const event = stack.events.find((e) => e.transport === 'websocket') as RequestFinished;
    socket.close();
    const x = stack.gateway.captures?.get(event.id) as CapturedExchange;
    expect(readableAtEvent.get(event.id)).toBe(true);
    expect(x.request).toMatchObject({ method: 'GET', url: '/v1/responses', body: { text: frame, truncated: false } });
    expect(x.request.headers.authorization).toBe('[REDACTED]');
    expect(x.response.headers).toEqual({});
    expect(x.response.body?.text).toBe(got.map((g) => `${g}\n`).join(''));
    expect(x.response.assembled).toEqual({ text: 'over the socket', reasoning: '', tool_calls: [] });
  });

  it('an error answer: the envelope as sent, no assembled answer', async () => {
    const sent = await send('/v1/responses', { model: 'error-400', input: 'x' });
    expect(sent.status).toBe(400);
    const { x } = await captured(stack, sent.id);
    expect(x.response.status).toBe(400);
    expect(x.response.body?.text).toBe(sent.text);
    expect(x.response.assembled).toBeNull();
    const bad = await send('/v1/responses', '{"model":');
    const b = (await captured(stack, bad.id)).x;
    expect(b.request.body?.text).toBe('{"model":');
    expect(b.response.status).toBe(400);
    expect(b.timings.queue_ms).toBeNull();
  });

  it('stored-response reads and passthrough routes: a read is assembled from its JSON; a streamed passthrough body is not captured', async () => {
    const created = await send('/v1/responses', { model: 'gpt', input: 'keep me' });
    const read = await send(`/v1/responses/${(JSON.parse(created.text) as { id: string }).id}`, undefined, {}, 'GET');
    expect((await captured(stack, read.id)).x.response.assembled?.text).toBe('keep me');
    const raw = await send('/raw/echo', 'plain bytes', { 'content-type': 'text/plain' });
    expect(raw.text).toBe('plain bytes');
    const p = (await captured(stack, raw.id)).x;
    expect(p.request.body).toBeNull();
    expect(p.response.body?.text).toBe('plain bytes');
    expect(p.response.assembled).toBeNull();
  });
});

describe('no secret in a capture', () => {
  it('a caller key inside a request body (and echoed in the answer) is [REDACTED]', async () => {
    const sent = await send('/v1/responses', { model: 'gpt', input: `my key is ${CALLER_KEY}.` });
    expect(sent.text).toContain(CALLER_KEY); // the client got its own words back
    const { x } = await captured(stack, sent.id);
    for (const text of [x.request.body?.text, x.response.body?.text, x.response.assembled?.text]) {
      expect(text).not.toContain(CALLER_KEY);
      expect(text).toContain('my key is [REDACTED].');
    }
  });

  it('a provider key in a header and in the answer (x-mock-output) is [REDACTED]', async () => {
    const sent = await send('/v1/responses', { model: 'gpt', input: 'say the key' }, { 'x-mock-output': `the key is ${UPSTREAM_KEY}` });
    expect(sent.text).toContain(UPSTREAM_KEY);
    const { x } = await captured(stack, sent.id);
    expect(x.request.headers['x-mock-output']).toBe('[REDACTED]');
    expect(JSON.stringify(x)).not.toContain(UPSTREAM_KEY);
    expect(x.response.assembled?.text).toBe('the key is [REDACTED]');
  });

  it('a provider key quoted in an upstream error body is [REDACTED] (a model route, and a passthrough route that relays it raw)', async () => {
    const model = await send('/v1/chat/completions', { model: 'quoted', messages: [{ role: 'user', content: 'hi' }] });
    expect(model.status).toBe(401);
    const pass = await send('/quote/anything', { hello: 1 });
    expect(pass.status).toBe(401);
    expect(pass.text).toContain(UPSTREAM_KEY); // a passthrough is byte-faithful: the client sees what the upstream said
    for (const id of [model.id, pass.id]) {
      const { x } = await captured(stack, id);
      expect(x.response.status).toBe(401);
      expect(JSON.stringify(x)).not.toContain(UPSTREAM_KEY);
      expect(x.response.body?.text).toContain('Incorrect API key provided: [REDACTED]');
    }
  });
});

describe('limits and switches', () => {
  it('keeps the latest capture_keep exchanges (the 4th evicts the 1st) and cuts bodies at capture_max_bytes', async () => {
    // small exchanges: the count evicts, not the byte budget (capture-secrets.test.ts)
    const small = await startStack({ yaml: configYaml({ proxy: { capture_bodies: true, capture_keep: 3, capture_max_bytes: 2048 } }) });
    try {
      const ids: string[] = [];
      for (const input of ['one', 'two', 'three', 'four']) {
        const res = await fetch(`${small.url}/v1/responses`, { method: 'POST', headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt', input }) });
        await res.text();
        ids.push(res.headers.get('x-aisix-request-id') ?? '');
      }
      await small.waitForEvents(4);
      expect(ids.map((id) => small.gateway.captures?.get(id) !== undefined)).toEqual([false, true, true, true]);
      const long = 'é'.repeat(1100);
      const res = await fetch(`${small.url}/v1/responses`, { method: 'POST', headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt', input: long }) });
      const answer = await res.text();
      const { x } = await captured(small, res.headers.get('x-aisix-request-id') ?? '');
      const sentBytes = Buffer.byteLength(JSON.stringify({ model: 'gpt', input: long }));
      expect(x.request.body).toMatchObject({ encoding: 'utf8', bytes: sentBytes, truncated: true });
      expect(Buffer.byteLength(x.request.body?.text ?? '')).toBeLessThanOrEqual(2048);
      expect(Buffer.byteLength(x.request.body?.text ?? '')).toBeGreaterThanOrEqual(2045); // cut on a character boundary
      expect(JSON.stringify({ model: 'gpt', input: long }).startsWith(x.request.body?.text ?? '-')).toBe(true);
      expect(x.response.body).toMatchObject({ bytes: Buffer.byteLength(answer), truncated: true });
      expect(x.response.assembled).toBeNull(); // a JSON cut short is no answer
    } finally {
      await small.close();
    }
  });

  it('capture off: gateway.captures is null and nothing is kept; a reload switches it on, resizes it, and off again', async () => {
    const off = await startStack();
    try {
      expect(off.gateway.captures).toBeNull();
      const res = await fetch(`${off.url}/v1/responses`, { method: 'POST', headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt', input: 'x' }) });
      await res.text();
      await off.waitForEvents(1);
      expect(off.gateway.captures).toBeNull();
      const env = { MOCK_URL: off.mock.url };
      expect(off.gateway.update(loadStackConfig(configYaml({ proxy: { capture_bodies: true } }), env).config)).toEqual({ ok: true });
      const on = off.gateway.captures;
      expect(on).not.toBeNull();
      const again = await fetch(`${off.url}/v1/responses`, { method: 'POST', headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt', input: 'y' }) });
      await again.text();
      const id = again.headers.get('x-aisix-request-id') ?? '';
      expect((await captured(off, id)).x.response.assembled?.text).toBe('y');
      expect(off.gateway.update(loadStackConfig(configYaml({ proxy: { capture_bodies: true, capture_keep: 5 } }), env).config)).toEqual({ ok: true });
      expect(off.gateway.captures).toBe(on);
      expect(off.gateway.captures?.get(id)).toBeDefined();
      expect(off.gateway.update(loadStackConfig(DEFAULT_YAML, env).config)).toEqual({ ok: true });
      expect(off.gateway.captures).toBeNull();
    } finally {
      await off.close();
    }
  });
});

describe('the parts on their own', () => {
  const exchange = (id: string, text: string): CapturedExchange => ({
    id, time: '2026-01-01T00:00:00.000Z',
    request: { method: 'POST', url: '/v1/responses', headers: {}, body: null },
    response: { status: 200, headers: {}, body: { text, encoding: 'utf8', bytes: text.length, truncated: false }, assembled: null },
    timings: { queue_ms: null, upstream_headers_ms: null, first_token_ms: null, total_ms: 1 },
  });

  it('the store: a repeated id replaces the earlier exchange and counts as the newest; a smaller keep drops the oldest', () => {
    const store = new CaptureStore(2, 1024);
    store.put(exchange('a', '1'));
    store.put(exchange('b', '1'));
    store.put(exchange('a', '2'));
    store.put(exchange('c', '1'));
    expect([store.get('a')?.response.body?.text, store.get('b'), store.get('c')?.id]).toEqual(['2', undefined, 'c']);
    store.resize(1, 1024);
    expect([store.size, store.get('c')?.id]).toEqual([1, 'c']);
  });

  const config = loadStackConfig(DEFAULT_YAML, { MOCK_URL: 'http://127.0.0.1:9' }).config;

  it('redaction: provider keys anywhere, caller keys as tokens (behind JSON escapes, before punctuation)', () => {
    expect(redactSecrets(`a${UPSTREAM_KEY}b "\\n${CALLER_KEY}" ${CALLER_KEY}! ${CALLER_KEY}x`, config)).toBe(`a[REDACTED]b "\\n[REDACTED]" [REDACTED]! ${CALLER_KEY}x`);
  });

  it('a cut body: a key across the cut is still redacted, the cut falls on a character boundary, binary is base64', () => {
    const text = `${'x'.repeat(10)}${UPSTREAM_KEY}tail`;
    const cut = capturedBody(Buffer.from(text), text.length, 14, config);
    expect(cut).toEqual({ text: 'xxxxxxxxxx[RED', encoding: 'utf8', bytes: text.length, truncated: true });
    expect(capturedBody(Buffer.from('aé'), 3, 2, config)).toEqual({ text: 'a', encoding: 'utf8', bytes: 3, truncated: true });
    const binary = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(UPSTREAM_KEY)]);
    const b = capturedBody(binary, binary.length, 1024, config);
    expect(b.encoding).toBe('base64');
    expect(Buffer.from(b.text, 'base64').toString('latin1')).toBe('\xff\xfe[REDACTED]');
  });
});
