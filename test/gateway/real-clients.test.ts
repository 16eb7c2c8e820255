// The request shapes of real agents, replayed through the proxy (DESIGN.md §11). The fixtures in
// test/fixtures/clients were captured from the real binaries pointed at the mock (credentials
// removed): Codex CLI 0.171 with its built-in provider (`openai_base_url`), which opens a
// WebSocket on GET /v1/responses and sends a `generate: false` prewarm and then the turn with
// `previous_response_id`; and Claude Code 2.1, which checks `HEAD /` and then sends
// `POST /v1/messages?beta=true` with its own model id, a long anthropic-beta list, system blocks,
// two dozen tools, thinking and metadata. Both must go through with what the upstream expects.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { finishedFor, requestIdOf } from '../helpers/finished.js';
import { rawRequest } from '../helpers/http.js';
import { CALLER_KEY, configYaml, DEFAULT_MODELS, model, providerKey, startStack, type Stack } from '../helpers/stack.js';

interface CodexFixture {
  handshake: { headers: Record<string, string> };
  frames: Record<string, unknown>[];
}
interface ClaudeFixture {
  request: { path: string; headers: Record<string, string>; body: Record<string, unknown> };
}

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../fixtures/clients/${name}`, import.meta.url), 'utf8')) as T;
const CODEX = fixture<CodexFixture>('codex-0.171-websocket.json');
const CLAUDE = fixture<ClaudeFixture>('claude-code-2.1-messages.json');

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    yaml: configYaml({
      provider_keys: [providerKey('mock'), { display_name: 'claude', provider: 'anthropic', api_key: '${UPSTREAM_KEY}', api_base: '${MOCK_URL}' }],
      models: [...DEFAULT_MODELS, model(String(CODEX.frames[0]?.model), 'mock-echo'), { display_name: 'claude-*', provider: 'anthropic', model_name: 'mock-echo', provider_key: 'claude' }],
    }),
  });
});

afterAll(async () => {
  await stack?.close();
});

describe('Codex CLI over WebSocket', () => {
  it('runs the captured prewarm and turn, the second chained to the first by previous_response_id', async () => {
    const { connection: _c, upgrade: _u, 'sec-websocket-version': _v, 'sec-websocket-extensions': _e, ...headers } = CODEX.handshake.headers;
    const socket = new WebSocket(`${stack.url.replace('http', 'ws')}/v1/responses`, { headers: { ...headers, authorization: `Bearer ${CALLER_KEY}` } });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const events: { type: string; response?: { id: string } }[] = [];
    const waiters: (() => void)[] = [];
    socket.on('message', (data) => {
      events.push(JSON.parse(String(data)) as { type: string });
      for (const w of waiters.splice(0)) w();
    });
    const completed = async (): Promise<string> => {
      for (;;) {
        const done = events.find((e) => e.type === 'response.completed' || e.type === 'error' || e.type === 'response.failed');
        if (done !== undefined) {
          events.length = 0;
          expect(done.type).toBe('response.completed');
          return done.response?.id ?? '';
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    };
    const [prewarm, turn] = CODEX.frames as [Record<string, unknown>, Record<string, unknown>];
    socket.send(JSON.stringify(prewarm));
    const first = await completed();
    socket.send(JSON.stringify({ ...turn, previous_response_id: first }));
    await completed();
    socket.close();
    const sent = stack.mock.requests().filter((r) => r.method === 'WS').map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(sent.map((f) => [f.model, f.generate ?? null, f.previous_response_id ?? null])).toEqual([['mock-echo', false, null], ['mock-echo', null, first]]);
    // every field but the model reaches the upstream as Codex wrote it
    expect({ ...sent[1], model: turn.model, previous_response_id: null }).toEqual({ ...turn, previous_response_id: null });
    const handshake = stack.mock.requests().find((r) => r.method === 'GET' && r.path === '/v1/responses');
    expect(handshake?.headers['openai-beta']).toBe(CODEX.handshake.headers['openai-beta']);
    expect(handshake?.headers.authorization).toBe('Bearer sk-upstream-secret');
    await stack.until(() => stack.events.filter((e) => e.transport === 'websocket').length === 2, 'two turn events');
    expect(stack.events.filter((e) => e.transport === 'websocket').map((e) => e.outcome)).toEqual(['ok', 'ok']);
  });
});

describe('Claude Code over Messages', () => {
  it('answers HEAD / and the captured streamed request, keeping its query, betas and body', async () => {
    const head = await rawRequest(stack.url, { method: 'HEAD', path: '/' });
    expect(head.status).toBe(200);
    const { 'content-length': _l, connection: _c, 'accept-encoding': _a, ...headers } = CLAUDE.request.headers;
    const res = await rawRequest(stack.url, {
      path: CLAUDE.request.path,
      headers: { ...headers, authorization: `Bearer ${CALLER_KEY}` },
      body: JSON.stringify(CLAUDE.request.body),
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.body).toContain('event: message_stop');
    const sent = stack.mock.requests().filter((r) => r.path.startsWith('/v1/messages')).at(-1);
    expect(sent?.path).toBe('/v1/messages?beta=true');
    expect(sent?.headers['anthropic-beta']).toBe(CLAUDE.request.headers['anthropic-beta']);
    expect(sent?.headers['x-api-key']).toBe('sk-upstream-secret');
    expect({ ...(JSON.parse(sent?.body ?? '{}') as Record<string, unknown>), model: CLAUDE.request.body.model }).toEqual(CLAUDE.request.body);
    const event = await finishedFor(stack, requestIdOf(res));
    expect(event).toMatchObject({ route: '/v1/messages', alias: CLAUDE.request.body.model, provider: 'anthropic', stream: true, outcome: 'ok' });
    expect(event.usage?.input_tokens).toBeGreaterThan(0);
  });
});
