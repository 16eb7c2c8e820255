// An exported curl script runs as is: the real gateway and mock (as the gateway tests start them)
// with `proxy.capture_bodies: true`, each exchange taken from the gateway's own capture store
// (`gateway.captures.get(id)`: headers lower-case, credentials redacted) — a chat completion sent
// with `Authorization: Bearer`, a Messages request sent with `x-api-key`, and a WebSocket turn
// (exported as the streamed POST /v1/responses its `response.create` frame carried) — exported, the
// script run with `sh` and AISIX_API_KEY set, and its answer compared with the original (the
// mock's echo model is deterministic; ids and timestamps aside).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { CapturedExchange } from '../../src/events/capture.js';
import { writeExport } from '../../src/reporters/tui/export.js';
import { rawRequest } from '../helpers/http.js';
import { CALLER_KEY, configYaml, DEFAULT_MODELS, providerKey, startStack, type Stack } from '../helpers/stack.js';

const run = promisify(execFile);

let stack: Stack;
const dir = mkdtempSync(join(tmpdir(), 'aisix-replay-'));

beforeAll(async () => {
  stack = await startStack({
    yaml: configYaml({
      proxy: { capture_bodies: true },
      provider_keys: [providerKey('mock'), { display_name: 'claude', provider: 'anthropic', api_key: '${UPSTREAM_KEY}', api_base: '${MOCK_URL}' }],
      models: [...DEFAULT_MODELS, { display_name: 'sonnet', provider: 'anthropic', model_name: 'mock-echo', provider_key: 'claude' }],
    }),
  });
});

afterAll(async () => {
  await stack.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The exchange the gateway captured for request `id` (kept before its request.finished goes out). */
async function captured(id: string): Promise<CapturedExchange> {
  await stack.until(() => stack.events.some((e) => e.id === id), `request ${id} finished`);
  const ex = stack.gateway.captures?.get(id);
  if (ex === undefined) throw new Error(`no capture of ${id}`);
  return ex;
}

/** The answer without what differs per call (ids, timestamps). */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !['id', 'created', 'created_at', 'completed_at'].includes(k))
      .map(([k, v]) => [k, stable(v)]),
  );
}

async function replayText(ex: CapturedExchange, key = CALLER_KEY): Promise<string> {
  const { curlPath } = writeExport(ex, stack.url, dir);
  if (curlPath === null) throw new Error('no script written');
  const { stdout } = await run('sh', [curlPath], { env: { PATH: process.env.PATH ?? '', AISIX_API_KEY: key } });
  return stdout;
}

const replay = async (ex: CapturedExchange): Promise<unknown> => JSON.parse(await replayText(ex)) as unknown;

/** The output text of a Responses SSE stream: its `response.output_text.delta` deltas joined. */
function streamedText(sse: string): string {
  return sse
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => JSON.parse(l.slice(6)) as { type?: string; delta?: string })
    .filter((e) => e.type === 'response.output_text.delta')
    .map((e) => e.delta ?? '')
    .join('');
}

describe('an exported curl script of a captured exchange, run with sh against the proxy', () => {
  it('replays a chat completion sent with Authorization: Bearer and gets the same answer', async () => {
    const body = JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: "Echo this: it's a 'quoted' test" }], temperature: 0 });
    const headers = { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json', 'user-agent': 'test/1.0', 'accept-encoding': 'identity' };
    const original = await rawRequest(stack.url, { path: '/v1/chat/completions', headers, body });
    expect(original.status).toBe(200);
    const ex = await captured(String(original.headers['x-aisix-request-id']));
    expect(ex.request.headers.authorization).toBe('[REDACTED]');
    const answer = await replay(ex);
    expect(stable(answer)).toEqual(stable(JSON.parse(original.body)));
    expect(JSON.stringify(answer)).toContain("it's a 'quoted' test");
  });

  it('replays a Messages request sent with x-api-key and anthropic-version and gets the same answer', async () => {
    const body = JSON.stringify({ model: 'sonnet', max_tokens: 64, messages: [{ role: 'user', content: "Don't change this" }] });
    const headers = { 'x-api-key': CALLER_KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
    const original = await rawRequest(stack.url, { path: '/v1/messages', headers, body });
    expect(original.status).toBe(200);
    const ex = await captured(String(original.headers['x-aisix-request-id']));
    expect(ex.request.headers['x-api-key']).toBe('[REDACTED]');
    const answer = await replay(ex);
    expect(stable(answer)).toEqual(stable(JSON.parse(original.body)));
    expect(JSON.stringify(answer)).toContain("Don't change this");
  });

  it('replays a WebSocket turn as the streamed POST /v1/responses its frame carried and gets the same answer text', async () => {
    const socket = new WebSocket(`${stack.url.replace(/^http/, 'ws')}/v1/responses`, { headers: { authorization: `Bearer ${CALLER_KEY}` } });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const deltas: string[] = [];
    const done = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        const event = JSON.parse(String(data)) as { type: string; delta?: string };
        if (event.type === 'response.output_text.delta') deltas.push(event.delta ?? '');
        if (event.type === 'response.completed') resolve();
      }),
    );
    const before = stack.events.length;
    socket.send(JSON.stringify({ type: 'response.create', model: 'gpt', input: "over the socket, it's a turn" }));
    await done;
    await stack.until(() => stack.events.slice(before).some((e) => e.transport === 'websocket'), 'the turn finished');
    socket.close();
    const turn = stack.events.slice(before).find((e) => e.transport === 'websocket');
    const ex = await captured(turn?.id ?? '');
    expect(ex.request.method).toBe('GET');
    const original = deltas.join('');
    expect(original).toContain("over the socket, it's a turn");

    const { jsonPath } = writeExport(ex, stack.url, dir);
    expect(JSON.parse(readFileSync(jsonPath, 'utf8'))).toMatchObject({
      method: 'POST',
      url: `${stack.url}/v1/responses`,
      transport: 'websocket',
      headers: { 'content-type': 'application/json' },
      body: { model: 'gpt', input: "over the socket, it's a turn", stream: true },
    });
    const sse = await replayText(ex);
    expect(streamedText(sse)).toBe(original);
    expect(ex.response.assembled?.text).toBe(original);
  });

  it('is refused without the key: the script carries none of its own', async () => {
    const body = JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] });
    const headers = { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json' };
    const original = await rawRequest(stack.url, { path: '/v1/chat/completions', headers, body });
    const ex = await captured(String(original.headers['x-aisix-request-id']));
    expect(JSON.parse(await replayText(ex, 'sk-wrong'))).toMatchObject({ error: { type: 'invalid_api_key' } });
  });
});
