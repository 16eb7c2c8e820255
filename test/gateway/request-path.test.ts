// The defects the one-request-path issue listed, one test each, through the real proxy and mock
// with configs from YAML: routes that used to go around a stage (input_tokens, chat
// content_blocks, chat `messages: []`), stream usage under every JSON style the mock writes,
// upstream answers that used to pass as successes (3xx, non-JSON under block guardrails), usage
// counted twice, 413 after a drained body, and reloads that broke or ignored in-flight work.
import { createServer, request, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishedFor, requestIdOf } from '../helpers/finished.js';
import { jsonOf, postResponses, rawRequest, startFixedUpstream } from '../helpers/http.js';
import { frameJson, parseSse } from '../helpers/sse.js';
import {
  CALLER_KEY, DEFAULT_MODELS, configYaml, keywordGuardrail, loadStackConfig, model, piiGuardrail, providerKey, startStack, type Stack,
} from '../helpers/stack.js';

const AUTH = { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json' };

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ yaml: configYaml({ guardrails: [keywordGuardrail('no-codenames', ['project falcon'], { hook_point: 'input' })] }) });
});
afterAll(() => stack.close());

const sentUpstream = (id: string): boolean => stack.mock.requests().some((r) => r.headers['x-aisix-request-id'] === id);

describe('no route goes around the input guardrails', () => {
  it('POST /v1/responses/input_tokens blocks a guarded phrase with 422 and never calls the upstream', async () => {
    const res = await rawRequest(stack.url, {
      path: '/v1/responses/input_tokens', headers: { ...AUTH, 'x-aisix-request-id': 'it-blocked' },
      body: JSON.stringify({ model: 'gpt', input: 'tell me about Project Falcon' }),
    });
    expect(res.status).toBe(422);
    expect(jsonOf(res)).toEqual({ error: { message: "request blocked by content policy (guardrail 'no-codenames')", type: 'content_filter' } });
    expect((await finishedFor(stack, 'it-blocked')).outcome).toBe('blocked_input');
    expect(sentUpstream('it-blocked')).toBe(false);
  });

  it('a chat message whose text is in content_blocks is scanned (422, upstream untouched)', async () => {
    const res = await rawRequest(stack.url, {
      path: '/v1/chat/completions', headers: { ...AUTH, 'x-aisix-request-id': 'chat-blocks' },
      body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: 'hi', content_blocks: [{ type: 'text', text: 'project falcon plans' }] }] }),
    });
    expect(res.status).toBe(422);
    expect(sentUpstream('chat-blocks')).toBe(false);
  });

  it('chat `messages: []` (and a missing `messages`) is a 400 before any upstream call', async () => {
    for (const [id, body] of [['chat-empty', { model: 'gpt', messages: [] }], ['chat-none', { model: 'gpt' }]] as const) {
      const res = await rawRequest(stack.url, { path: '/v1/chat/completions', headers: { ...AUTH, 'x-aisix-request-id': id }, body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      expect(jsonOf(res)).toEqual({ error: { message: 'request payload is invalid: messages array must not be empty', type: 'invalid_request_error' } });
      expect(sentUpstream(id)).toBe(false);
    }
  });
});

describe('ids and usage are read whatever JSON style the upstream writes', () => {
  for (const style of ['compact', 'spaced', 'usage-first'] as const) {
    it(`${style}: Responses JSON and stream, chat JSON and stream`, async () => {
      const metadata = { mock_json_style: style };
      const json = await postResponses(stack.url, { model: 'gpt', input: 'style json', metadata });
      const jsonEvent = await finishedFor(stack, requestIdOf(json));
      expect(jsonEvent.response_id).toBe((jsonOf(json) as { id: string }).id);
      expect(jsonEvent.usage?.output_tokens).toBeGreaterThan(0);

      const stream = await postResponses(stack.url, { model: 'gpt', input: 'style stream', stream: true, metadata });
      const streamEvent = await finishedFor(stack, requestIdOf(stream));
      const completed = frameJson(parseSse(stream.body)).find((f) => f.type === 'response.completed') as { response: { id: string } };
      expect(streamEvent).toMatchObject({ outcome: 'ok', response_id: completed.response.id });
      expect(streamEvent.usage?.output_tokens).toBeGreaterThan(0);

      const chat = await rawRequest(stack.url, { path: '/v1/chat/completions', headers: AUTH, body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: 'style chat' }], metadata }) });
      const chatEvent = await finishedFor(stack, requestIdOf(chat));
      expect(chatEvent.response_id).toBe((jsonOf(chat) as { id: string }).id);
      expect(chatEvent.usage?.output_tokens).toBeGreaterThan(0);

      const chatStream = await rawRequest(stack.url, {
        path: '/v1/chat/completions', headers: AUTH, body: JSON.stringify({ model: 'gpt', stream: true, messages: [{ role: 'user', content: 'style chat stream' }], metadata }),
      });
      const chunks = parseSse(chatStream.body).filter((f) => f.data !== '[DONE]').map((f) => JSON.parse(f.data) as { choices: unknown[]; usage?: unknown });
      // the usage chunk the proxy asked for is read, and not forwarded: the client did not ask for it
      expect(chunks.length).toBeGreaterThan(0);
      expect(chunks.every((c) => c.choices.length > 0 && (c.usage === undefined || c.usage === null))).toBe(true);
      const chatStreamEvent = await finishedFor(stack, requestIdOf(chatStream));
      expect(chatStreamEvent.usage?.output_tokens).toBeGreaterThan(0);
      expect(chatStreamEvent.outcome).toBe('ok');
    });
  }

  it('reading a stored response does not count its usage again', async () => {
    const created = await postResponses(stack.url, { model: 'gpt', input: 'count me once' });
    const id = (jsonOf(created) as { id: string }).id;
    expect((await finishedFor(stack, requestIdOf(created))).usage).not.toBeNull();
    const read = await rawRequest(stack.url, { method: 'GET', path: `/v1/responses/${id}`, headers: { authorization: AUTH.authorization } });
    expect(read.status).toBe(200);
    expect((jsonOf(read) as { usage: unknown }).usage).not.toBeNull(); // the body still has it
    expect(await finishedFor(stack, requestIdOf(read))).toMatchObject({ route: '/v1/responses/{id}', usage: null, cost_usd: null });
  });
});

describe('a body over the limit', () => {
  it('is answered 413 after the proxy read the rest, so the client reads the answer instead of a reset', async () => {
    const own = await startStack({ yaml: configYaml({ proxy: { request_body_limit_bytes: 65_536 } }) });
    try {
      for (const size of [200_000, 2_000_000, 8_000_000]) {
        const body = JSON.stringify({ model: 'gpt', input: 'x'.repeat(size) });
        const declared = await rawRequest(own.url, { path: '/v1/responses', headers: AUTH, body });
        expect(declared.status).toBe(413);
        const chunked = await rawRequest(own.url, { path: '/v1/responses', headers: AUTH, chunks: [body.slice(0, 100_000), body.slice(100_000)] });
        expect(chunked.status).toBe(413);
      }
    } finally {
      await own.close();
    }
  });
});

/** An upstream that answers every request with a redirect. */
async function redirectingUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(307, { location: 'https://api.example.com/v1/responses' }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('upstream answers that are not what they seem', () => {
  it('a 3xx is a 502 upstream_redirect naming the status and Location, not a success', async () => {
    const upstream = await redirectingUpstream();
    const own = await startStack({ yaml: configYaml({ provider_keys: [providerKey('mock', `${upstream.url}/v1`)], models: [model('gpt', 'x')] }) });
    try {
      const res = await postResponses(own.url, { model: 'gpt', input: 'hi' });
      expect(res.status).toBe(502);
      const error = (jsonOf(res) as { error: { message: string; type: string; code: string } }).error;
      expect(error).toMatchObject({ type: 'upstream_error', code: 'upstream_redirect' });
      expect(error.message).toContain('307');
      expect(error.message).toContain('https://api.example.com/v1/responses');
      expect(await finishedFor(own, requestIdOf(res))).toMatchObject({ status: 502, outcome: 'upstream_error', error_code: 'upstream_redirect' });
    } finally {
      await Promise.all([own.close(), upstream.close()]);
    }
  });

  it('a body that is not JSON cannot pass block-mode output guardrails (502), and is relayed as is without them', async () => {
    const upstream = await startFixedUpstream(200, 'text/plain', 'project falcon is not JSON');
    const keys = [providerKey('mock', `${upstream.url}/v1`)];
    const guarded = await startStack({ yaml: configYaml({ provider_keys: keys, models: [model('gpt', 'x')], guardrails: [keywordGuardrail('out', ['project falcon'], { hook_point: 'output' })] }) });
    const plain = await startStack({ yaml: configYaml({ provider_keys: keys, models: [model('gpt', 'x')] }) });
    try {
      const refused = await postResponses(guarded.url, { model: 'gpt', input: 'hi' });
      expect(refused.status).toBe(502);
      expect(jsonOf(refused)).toMatchObject({ error: { type: 'upstream_error', code: 'invalid_upstream_body' } });
      expect(refused.body).not.toContain('falcon');
      const relayed = await postResponses(plain.url, { model: 'gpt', input: 'hi' });
      expect(relayed).toMatchObject({ status: 200, body: 'project falcon is not JSON' });
    } finally {
      await Promise.all([guarded.close(), plain.close(), upstream.close()]);
    }
  });
});

describe('a held stream over its cap', () => {
  it('is released, then relayed live, when every holding guardrail is a pii one with on_buffer_exceeded: fail_open', async () => {
    const guardrail = piiGuardrail('pii', ['email'], { hook_point: 'output', max_buffer_bytes: 2_048, on_buffer_exceeded: 'fail_open' });
    const own = await startStack({ yaml: configYaml({ guardrails: [guardrail] }) });
    try {
      const res = await postResponses(own.url, { model: 'long', input: 'go', stream: true });
      expect(res.status).toBe(200);
      expect(res.body.length).toBeGreaterThan(2_048);
      expect(frameJson(parseSse(res.body)).at(-1)?.type).toBe('response.completed');
      expect(await finishedFor(own, requestIdOf(res))).toMatchObject({ outcome: 'ok', status: 200 });
    } finally {
      await own.close();
    }
  });

  it('the proxy cap applies when a pii guardrail does not set max_buffer_bytes (fail closed by default)', async () => {
    const guardrail = piiGuardrail('pii', ['email'], { hook_point: 'output' });
    const own = await startStack({ yaml: configYaml({ proxy: { guardrail_buffer_bytes: 2_048 }, guardrails: [guardrail] }) });
    try {
      const res = await postResponses(own.url, { model: 'long', input: 'go', stream: true });
      expect(res.status).toBe(422);
      expect(own.gateway.current().guardrails.chainFor(null, null).holdCapBytes).toBe(2_048);
    } finally {
      await own.close();
    }
  });
});

describe('a reload', () => {
  it('does not break a request that took the old config before its provider key was replaced', async () => {
    const own = await startStack();
    try {
      const before = own.gateway.current().upstreams.get('mock')!;
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${own.url}/v1/responses`, { method: 'POST', headers: { ...AUTH, 'transfer-encoding': 'chunked' } }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.write('{"model":"gpt",');
        // the request is in (it took the current runtime); swap in a config with a rotated key, then finish the body
        void own.until(() => own.gateway.inFlight() === 1, 'the request to arrive').then(() => {
          const rotated = loadStackConfig(configYaml({ provider_keys: [providerKey('mock', `${own.mock.url}/v1`, { api_key: 'sk-rotated-upstream' })] }), { MOCK_URL: own.mock.url });
          expect(own.gateway.update(rotated.config)).toEqual({ ok: true });
          expect(own.gateway.current().upstreams.get('mock')!.dispatcher).not.toBe(before.dispatcher);
          expect(before.agent.closed).toBe(false); // held by the request's runtime
          req.end('"input":"still here"}');
        });
      });
      const res = await answer;
      expect(res.status).toBe(200);
      expect(res.body).toContain('still here');
      await own.until(() => before.agent.closed, 'the replaced agent to close once its last request ended');
      const after = await postResponses(own.url, { model: 'gpt', input: 'new key' });
      expect(after.status).toBe(200);
      expect(own.mock.requests().at(-1)?.headers.authorization).toBe('Bearer sk-rotated-upstream');
    } finally {
      await own.close();
    }
  });

  it('applies request_timeout_ms and log_bodies to the next requests', async () => {
    const own = await startStack();
    try {
      const first = await postResponses(own.url, { model: 'gpt', input: 'no preview yet' });
      expect((await finishedFor(own, requestIdOf(first))).input_preview).toBeUndefined();
      const next = loadStackConfig(configYaml({ proxy: { request_timeout_ms: 4_321, log_bodies: true } }), { MOCK_URL: own.mock.url });
      expect(own.gateway.update(next.config)).toEqual({ ok: true });
      expect(own.gateway.server.requestTimeout).toBe(4_321);
      const second = await postResponses(own.url, { model: 'gpt', input: 'now with a preview' });
      expect((await finishedFor(own, requestIdOf(second))).input_preview).toBe('now with a preview');
    } finally {
      await own.close();
    }
  });

  it('is refused whole when it would turn auth off on a listener that is not loopback', async () => {
    const own = await startStack({ yaml: configYaml({ models: [...DEFAULT_MODELS] }) });
    try {
      const exposed = loadStackConfig(configYaml({ api_keys: [] }), { MOCK_URL: own.mock.url }).config;
      const gateway = own.gateway;
      // the rule is checked against the bound address: 127.0.0.1 here, so the same file is fine…
      expect(gateway.update(exposed)).toEqual({ ok: true });
      // …and a runtime bound to all interfaces refuses it
      const { buildRuntime } = await import('../../src/gateway/runtime/runtime.js');
      const refused = buildRuntime(exposed, '0.0.0.0', null);
      expect(refused.ok).toBe(false);
      expect(refused.ok ? [] : refused.errors).toEqual([expect.stringContaining('without api_keys')]);
    } finally {
      await own.close();
    }
  });
});

describe('upstream calls that never get going', () => {
  it('a deadline while the upstream connection is still being set up answers 504 at the deadline, not at the connect timeout', async () => {
    // a TCP server that accepts and never speaks: an https api_base hangs in the TLS handshake
    const sockets: Socket[] = [];
    const silent = createTcpServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const own = await startStack({ yaml: configYaml({ provider_keys: [providerKey('mock', `https://127.0.0.1:${port}/v1`)], models: [model('gpt', 'x', { timeout: 300 })] }) });
    try {
      const res = await postResponses(own.url, { model: 'gpt', input: 'hi' });
      expect(res.status).toBe(504);
      expect(jsonOf(res)).toEqual({ error: { message: 'upstream request timed out after 300 ms', type: 'timeout' } });
      // undici's own connect timeout is 10 s: the answer came from our deadline
      expect((await finishedFor(own, requestIdOf(res))).latency_ms).toBeLessThan(5_000);
    } finally {
      await own.close();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('chat stream chunks', () => {
  it('a chunk with `"error": null` is not an in-band error', async () => {
    const body = [
      'data: {"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"hi"}}],"error":null}',
      'data: {"id":"chatcmpl-1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"error":null}',
      'data: [DONE]',
      '',
    ].join('\n\n');
    const upstream = await startFixedUpstream(200, 'text/event-stream', body);
    const own = await startStack({ yaml: configYaml({ provider_keys: [providerKey('mock', `${upstream.url}/v1`)], models: [model('gpt', 'x')] }) });
    try {
      const res = await rawRequest(own.url, {
        path: '/v1/chat/completions', headers: AUTH,
        body: JSON.stringify({ model: 'gpt', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(200);
      expect(await finishedFor(own, requestIdOf(res))).toMatchObject({ outcome: 'ok', error_code: null });
    } finally {
      await Promise.all([own.close(), upstream.close()]);
    }
  });
});
