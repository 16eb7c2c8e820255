// Tapes (DESIGN.md §12) through the real loader, gateway and mock: a session recorded against the
// mock replays with the upstream gone (a closed port) — the same bytes for JSON and streams on
// Responses, chat, embeddings and Messages, the same results in the official SDKs, the same usage
// and events (`tape`). The key ignores the listed fields and nothing else, the n-th identical
// request gets recording n (concurrent ones too), a miss is a 404 naming its key, `--record
// --replay` records misses only, `--record` replaces what it re-records, retries replay as they
// happened, and no credential or cookie ever reaches a tape.
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { aliasFolder } from '../../src/gateway/tapes/format.js';
import { tapeKey } from '../../src/gateway/tapes/key.js';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { closedPort, jsonOf, rawRequest } from '../helpers/http.js';
import { CALLER_KEY, configYaml, DEFAULT_MODELS, keywordGuardrail, model, piiGuardrail, providerKey, UPSTREAM_KEY } from '../helpers/stack.js';
import { startTapeStack, tapeFiles, type TapeStack } from '../helpers/tape-stack.js';

const claude = (name: string, modelName: string) => ({ display_name: name, provider: 'anthropic', model_name: modelName, provider_key: 'claude' });
const YAML = configYaml({
  provider_keys: [providerKey('mock'), { display_name: 'claude', provider: 'anthropic', api_key: '${UPSTREAM_KEY}', api_base: '${MOCK_URL}' }],
  models: [...DEFAULT_MODELS, model('embed', 'text-embedding-3-small'), model('burst', 'mock-burst-500', { retries: 3 }), claude('sonnet', 'mock-echo')],
});
const PROMPT_HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${CALLER_KEY}` };

let mock: MockServer;
let dead: string;
const dirs: string[] = [];
const stacks: TapeStack[] = [];

function tapesDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aisix-tapes-'));
  dirs.push(dir);
  return dir;
}

async function proxy(tapes: { record?: string; replay?: string; speed?: number }, o: { yaml?: string; upstream?: string } = {}): Promise<TapeStack> {
  const stack = await startTapeStack({ yaml: o.yaml ?? YAML, upstream: o.upstream ?? (tapes.record === undefined ? dead : mock.url), tapes: { record: tapes.record ?? null, replay: tapes.replay ?? null, speed: tapes.speed ?? 0 } });
  stacks.push(stack);
  return stack;
}

function post(stack: TapeStack, path: string, body: unknown, headers: Record<string, string> = {}) {
  return rawRequest(stack.url, { path, headers: { ...PROMPT_HEADERS, ...headers }, body: JSON.stringify(body) });
}

beforeAll(async () => {
  mock = await startMock();
  dead = `http://127.0.0.1:${await closedPort()}`;
});
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await mock.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Requests of every recorded kind, as raw bodies: Responses JSON and SSE, chat JSON and SSE, embeddings, Messages JSON and SSE. */
const EXCHANGES: { path: string; body: Record<string, unknown> }[] = [
  { path: '/v1/responses', body: { model: 'gpt', input: 'tape me a JSON answer' } },
  { path: '/v1/responses', body: { model: 'gpt', input: 'tape me a stream', stream: true } },
  { path: '/v1/responses', body: { model: 'bytewise', input: 'split at every byte: é ü', stream: true } },
  { path: '/v1/chat/completions', body: { model: 'gpt', messages: [{ role: 'user', content: 'chat JSON' }] } },
  { path: '/v1/chat/completions', body: { model: 'gpt', messages: [{ role: 'user', content: 'chat stream' }], stream: true } },
  { path: '/v1/embeddings', body: { model: 'embed', input: ['one two', 'three'] } },
  { path: '/v1/messages', body: { model: 'sonnet', max_tokens: 64, messages: [{ role: 'user', content: 'messages JSON' }] } },
  { path: '/v1/messages', body: { model: 'sonnet', max_tokens: 64, messages: [{ role: 'user', content: 'messages stream' }], stream: true } },
];

describe('record, then replay with the upstream gone', () => {
  it('answers every kind of exchange with the recorded bytes, status, content type and upstream request id', async () => {
    const dir = tapesDir();
    const recorder = await proxy({ record: dir });
    const live = [];
    for (const x of EXCHANGES) live.push(await post(recorder, x.path, x.body, x.path === '/v1/messages' ? { 'anthropic-version': '2023-06-01' } : {}));
    await recorder.waitForEvents(EXCHANGES.length);
    expect(recorder.events.map((e) => e.tape)).toEqual(EXCHANGES.map(() => 'recorded'));
    expect(live.map((r) => r.status)).toEqual(EXCHANGES.map(() => 200));
    await recorder.close();
    expect(tapeFiles(dir)).toHaveLength(EXCHANGES.length);

    const player = await proxy({ replay: dir });
    for (const [i, x] of EXCHANGES.entries()) {
      const replayed = await post(player, x.path, x.body, x.path === '/v1/messages' ? { 'anthropic-version': '2023-06-01' } : {});
      const recorded = live[i]!;
      expect(replayed.status, x.path).toBe(200);
      expect(replayed.body, `${x.path} ${String(x.body.stream ?? false)}`).toBe(recorded.body);
      expect(replayed.headers['content-type']).toBe(recorded.headers['content-type']);
      expect(replayed.headers['x-request-id']).toBe(recorded.headers['x-request-id']);
      expect(replayed.headers['request-id']).toBe(recorded.headers['request-id']);
    }
    await player.waitForEvents(EXCHANGES.length);
    expect(player.events.map((e) => e.tape)).toEqual(EXCHANGES.map(() => 'replayed'));
    // usage, ids and outcomes are read from replayed answers as from live ones
    expect(player.events.map((e) => [e.outcome, e.usage, e.response_id, e.upstream_request_id])).toEqual(recorder.events.map((e) => [e.outcome, e.usage, e.response_id, e.upstream_request_id]));
  });

  it('gives the official SDKs the same results (openai and @anthropic-ai/sdk, JSON and streams)', async () => {
    const dir = tapesDir();
    const session = async (stack: TapeStack) => {
      const openai = stack.openai();
      const anthropic = stack.anthropic();
      const json = await openai.responses.create({ model: 'gpt', input: 'an SDK answer' });
      const events = [];
      for await (const event of await openai.responses.create({ model: 'tool', input: 'an SDK stream', stream: true, tools: [{ type: 'function', name: 'lookup', parameters: {}, strict: false }] })) events.push(event);
      const chat = await openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'an SDK chat' }] });
      const chunks = [];
      for await (const chunk of await openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'an SDK chat stream' }], stream: true })) chunks.push(chunk);
      const embedding = await openai.embeddings.create({ model: 'embed', input: 'embed me' });
      const message = await anthropic.messages.create({ model: 'sonnet', max_tokens: 32, messages: [{ role: 'user', content: 'an SDK message' }] });
      const streamed = await anthropic.messages.stream({ model: 'sonnet', max_tokens: 32, messages: [{ role: 'user', content: 'an SDK message stream' }] }).finalMessage();
      return { json, events, chat, chunks, embedding, message, streamed };
    };
    const recorder = await proxy({ record: dir });
    const live = await session(recorder);
    await recorder.close();
    const player = await proxy({ replay: dir });
    const replayed = await session(player);
    expect(replayed).toEqual(live);
    expect(replayed.events.at(-1)?.type).toBe('response.completed');
    expect(live.json.output_text).toBe('an SDK answer');
  });

  it('replays retries as they happened: the same attempts, the same final answer', async () => {
    const dir = tapesDir();
    const recorder = await proxy({ record: dir });
    mock.clearRequests();
    const first = await post(recorder, '/v1/responses', { model: 'burst', input: 'retry me' });
    expect(first.status).toBe(200);
    await recorder.waitForEvents(1);
    const attempts = recorder.events[0]!.attempts.map((a) => a.status);
    await recorder.close();
    // the mock fails its first 3 calls of mock-burst-500 per server: they are recordings 1 to 3 of one key
    const files = tapeFiles(dir).map((f) => f.path.replace(/^.*\/[0-9a-f]{64}-/, ''));
    expect(files.sort()).toEqual(attempts.map((_, i) => `${i + 1}.json`));
    const player = await proxy({ replay: dir });
    const again = await post(player, '/v1/responses', { model: 'burst', input: 'retry me' });
    expect(again.body).toBe(first.body);
    await player.waitForEvents(1);
    expect(player.events[0]!.attempts.map((a) => a.status)).toEqual(attempts);
    expect(attempts.slice(0, 3)).toEqual([500, 500, 500]);
  });

  it('with --replay-speed 0 a slow stream comes at once, with speed 1 it keeps its pace', async () => {
    const dir = tapesDir();
    const recorder = await proxy({ record: dir });
    const body = { model: 'slow', input: 'one two three four five six', stream: true };
    const live = await post(recorder, '/v1/responses', body);
    await recorder.close();
    const chunks = JSON.parse(tapeFiles(dir)[0]!.text).response.chunks as { t_ms: number }[];
    const span = chunks.at(-1)!.t_ms - chunks[0]!.t_ms;
    expect(span).toBeGreaterThanOrEqual(300); // 100 ms between the mock's deltas
    const timed = async (speed: number): Promise<number> => {
      const player = await proxy({ replay: dir, speed });
      const started = performance.now();
      const res = await post(player, '/v1/responses', body);
      expect(res.body).toBe(live.body);
      return performance.now() - started;
    };
    expect(await timed(0)).toBeLessThan(span / 2);
    expect(await timed(1)).toBeGreaterThanOrEqual(span * 0.8);
  });
});

describe('WebSocket turns on tape', () => {
  it('records a WebSocket turn (bridged to a streamed POST) and replays it over the socket with the upstream gone', async () => {
    const dir = tapesDir();
    const turn = async (stack: TapeStack): Promise<string[]> => {
      const socket = new WebSocket(`${stack.url.replace('http', 'ws')}/v1/responses`, { headers: { authorization: `Bearer ${CALLER_KEY}` } });
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      const events: string[] = [];
      await new Promise<void>((resolve) => {
        socket.on('message', (data) => {
          const text = String(data);
          events.push(text);
          if (text.includes('"response.completed"') || text.includes('"type":"error"')) resolve();
        });
        socket.send(JSON.stringify({ type: 'response.create', model: 'gpt', input: 'a socket turn on tape' }));
      });
      socket.close();
      return events;
    };
    const recorder = await proxy({ record: dir });
    const live = await turn(recorder);
    await recorder.waitForEvents(1);
    expect(recorder.events[0]).toMatchObject({ transport: 'websocket', tape: 'recorded', outcome: 'ok' });
    await recorder.close();
    const player = await proxy({ replay: dir });
    const replayed = await turn(player);
    expect(replayed).toEqual(live);
    await player.waitForEvents(1);
    expect(player.events[0]).toMatchObject({ transport: 'websocket', tape: 'replayed', outcome: 'ok' });
  });
});

describe('the key', () => {
  const base = { model: 'gpt', input: 'the same question', temperature: 0.5 };

  it('ignores the listed fields (default prompt_cache_key, safety_identifier, user, metadata.user_id, client_metadata) and nothing else', async () => {
    const dir = tapesDir();
    const recorder = await proxy({ record: dir });
    const recorded = await post(recorder, '/v1/responses', { ...base, user: 'alice', metadata: { user_id: 'u1', team: 'a' }, prompt_cache_key: 'k1', safety_identifier: 's1', client_metadata: { x: 1 } });
    await recorder.close();
    const player = await proxy({ replay: dir });
    const same = await post(player, '/v1/responses', { ...base, user: 'bob', metadata: { user_id: 'u2', team: 'a' }, prompt_cache_key: 'k2', safety_identifier: 's2', client_metadata: { y: 2 } });
    expect(same.status).toBe(200);
    expect(same.body).toBe(recorded.body);
    for (const changed of [{ temperature: 0.7 }, { metadata: { user_id: 'u1', team: 'b' } }, { input: 'another question' }, { model: 'openai/gpt-4o' }]) {
      const miss = await post(player, '/v1/responses', { ...base, user: 'alice', metadata: { user_id: 'u1', team: 'a' }, ...changed });
      expect(miss.status, JSON.stringify(changed)).toBe(404);
    }
  });

  it('follows proxy.tape_ignore_fields when it is written (it replaces the default list)', async () => {
    const dir = tapesDir();
    const yaml = configYaml({ proxy: { tape_ignore_fields: ['temperature'] } });
    const recorder = await proxy({ record: dir }, { yaml });
    await post(recorder, '/v1/responses', { ...base, user: 'alice' });
    await recorder.close();
    const player = await proxy({ replay: dir }, { yaml });
    expect((await post(player, '/v1/responses', { ...base, user: 'alice', temperature: 1.5 })).status).toBe(200);
    expect((await post(player, '/v1/responses', { ...base, user: 'bob' })).status).toBe(404);
  });

  it('is the same for bodies that differ only in key order and number spelling (RFC 8785)', async () => {
    const dir = tapesDir();
    const recorder = await proxy({ record: dir });
    await post(recorder, '/v1/responses', { model: 'gpt', input: 'order', temperature: 1 });
    await recorder.close();
    const player = await proxy({ replay: dir });
    const reordered = await rawRequest(player.url, { path: '/v1/responses', headers: PROMPT_HEADERS, body: '{"temperature":1.0,"input":"order","model":"gpt"}' });
    expect(reordered.status).toBe(200);
  });

  it('keys wildcard models by their configured display_name, never by the name the caller sent', async () => {
    const dir = tapesDir();
    const recorder = await proxy({ record: dir });
    await post(recorder, '/v1/responses', { model: 'openai/gpt-4o-mini', input: 'wild' });
    await recorder.close();
    const [file] = tapeFiles(dir);
    expect(file!.path.startsWith(`${aliasFolder('openai/*')}/`)).toBe(true);
    expect(aliasFolder('openai/*')).toMatch(/^openai-[0-9a-f]{8}$/);
    const tape = JSON.parse(file!.text) as { request: Record<string, unknown> };
    expect(tape.request).toMatchObject({ method: 'POST', route: '/v1/responses', alias: 'openai/*', upstream_model: 'gpt-4o-mini', body: { model: 'gpt-4o-mini', input: 'wild' } });
  });
});

describe('misses, counts and recording modes', () => {
  it('a miss is 404 replay_miss naming the key (no upstream contacted), and the event says so', async () => {
    const dir = tapesDir();
    const player = await proxy({ replay: dir });
    const body = { model: 'gpt', input: 'never recorded' };
    const res = await post(player, '/v1/responses', body);
    expect(res.status).toBe(404);
    const key = tapeKey({ method: 'POST', route: '/v1/responses', alias: 'gpt', body: { ...body, model: 'mock-echo' } }, { tapeIgnoreFields: [] });
    const error = (jsonOf(res) as { error: { type: string; code: string; message: string } }).error;
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'replay_miss' });
    expect(error.message).toContain(`key ${key}`);
    await player.waitForEvents(1);
    expect(player.events[0]).toMatchObject({ status: 404, outcome: 'replay_miss', error_code: 'replay_miss', attempts: [], tape: null });
  });

  it('maps the n-th identical request to recording n: sequential and concurrent, and past the last one is a miss', async () => {
    const dir = tapesDir();
    const recorder = await proxy({ record: dir });
    const body = { model: 'gpt', input: 'ask twice', stream: true };
    const [a, b] = await Promise.all([post(recorder, '/v1/responses', body), post(recorder, '/v1/responses', body)]);
    const third = await post(recorder, '/v1/responses', body);
    await recorder.close();
    const names = tapeFiles(dir).map((f) => f.path.replace(/^.*\/[0-9a-f]{64}-/, ''));
    expect(names.sort()).toEqual(['1.json', '2.json', '3.json']);
    expect(new Set([a!.body, b!.body, third.body]).size).toBe(3); // three different answers (ids)
    const player = await proxy({ replay: dir });
    const [x, y] = await Promise.all([post(player, '/v1/responses', body), post(player, '/v1/responses', body)]);
    expect(new Set([x!.body, y!.body])).toEqual(new Set([a!.body, b!.body]));
    expect((await post(player, '/v1/responses', body)).body).toBe(third.body);
    expect((await post(player, '/v1/responses', body)).status).toBe(404);
  });

  it('--record with --replay answers from the tapes and records only the misses', async () => {
    const dir = tapesDir();
    const first = await proxy({ record: dir });
    const known = await post(first, '/v1/responses', { model: 'gpt', input: 'known' });
    await first.close();
    mock.clearRequests();
    const both = await proxy({ record: dir, replay: dir }, { upstream: mock.url });
    expect((await post(both, '/v1/responses', { model: 'gpt', input: 'known' })).body).toBe(known.body);
    const fresh = await post(both, '/v1/responses', { model: 'gpt', input: 'new one' });
    expect(fresh.status).toBe(200);
    await both.waitForEvents(2);
    expect(both.events.map((e) => e.tape)).toEqual(['replayed', 'recorded']);
    expect(mock.requests().filter((r) => r.path === '/v1/responses')).toHaveLength(1);
    await both.close();
    expect(tapeFiles(dir)).toHaveLength(2);
    const player = await proxy({ replay: dir });
    expect((await post(player, '/v1/responses', { model: 'gpt', input: 'new one' })).body).toBe(fresh.body);
  });

  it('--record replaces the recordings of the keys it sees and keeps the others', async () => {
    const dir = tapesDir();
    const first = await proxy({ record: dir });
    const body = { model: 'gpt', input: 'rerecord me' };
    for (let i = 0; i < 3; i++) await post(first, '/v1/responses', body);
    await post(first, '/v1/responses', { model: 'gpt', input: 'keep me' });
    await first.close();
    expect(tapeFiles(dir)).toHaveLength(4);
    const second = await proxy({ record: dir });
    const again = await post(second, '/v1/responses', body);
    await second.waitForEvents(1);
    await second.close();
    await new Promise((r) => setTimeout(r, 50));
    const files = tapeFiles(dir);
    expect(files).toHaveLength(2);
    const player = await proxy({ replay: dir });
    expect((await post(player, '/v1/responses', body)).body).toBe(again.body);
    expect((await post(player, '/v1/responses', body)).status).toBe(404);
    expect((await post(player, '/v1/responses', { model: 'gpt', input: 'keep me' })).status).toBe(200);
  });

  it('refuses a tape that is not an aisix-tape/1 file with a 500 naming it', async () => {
    const dir = tapesDir();
    const body = { model: 'gpt', input: 'corrupt' };
    const key = tapeKey({ method: 'POST', route: '/v1/responses', alias: 'gpt', body: { ...body, model: 'mock-echo' } }, { tapeIgnoreFields: [] });
    mkdirSync(join(dir, aliasFolder('gpt')), { recursive: true });
    writeFileSync(join(dir, aliasFolder('gpt'), `${key}-1.json`), '{"format":"something else"}');
    const player = await proxy({ replay: dir });
    const res = await post(player, '/v1/responses', body);
    expect(res.status).toBe(500);
    expect(res.body).toContain(`${key}-1.json is not an aisix-tape/1 file`);
  });

  it('records passthrough routes (JSON, text and binary bodies) and replays them with the target gone', async () => {
    const dir = tapesDir();
    const yaml = configYaml({ passthrough_routes: [{ name: 'files', path_prefix: '/files', target_url: '${MOCK_URL}/mock-passthrough', provider_key: 'mock' }], api_keys: [{ display_name: 'dev', key_env: 'CALLER_KEY', allowed_models: ['*'], allowed_routes: ['files'] }] });
    const bodies: [string, string][] = [['application/json', '{"purpose":"batch"}'], ['text/plain', 'plain words'], ['application/octet-stream', '\u00ff\u00fe binary']];
    const send = (stack: TapeStack, [type, body]: [string, string]) =>
      rawRequest(stack.url, { path: '/files/echo?x=1', headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': type }, body });
    const recorder = await proxy({ record: dir }, { yaml });
    const live = [];
    for (const b of bodies) live.push(await send(recorder, b));
    await recorder.waitForEvents(bodies.length);
    expect(recorder.events.map((e) => [e.status, e.tape])).toEqual(bodies.map(() => [200, 'recorded']));
    await recorder.close();
    expect(tapeFiles(dir)).toHaveLength(bodies.length);
    const player = await proxy({ replay: dir }, { yaml });
    for (const [i, b] of bodies.entries()) {
      const replayed = await send(player, b);
      expect(replayed.status).toBe(200);
      expect(replayed.body).toBe(live[i]?.body);
    }
    await player.waitForEvents(bodies.length);
    expect(player.events.map((e) => e.tape)).toEqual(bodies.map(() => 'replayed'));
    const miss = await send(player, ['text/plain', 'never recorded']);
    expect(miss.status).toBe(404);
    expect(miss.body).toContain('replay_miss');
  });

  it('records a passthrough body that is not UTF-8 as base64 and replays it byte for byte', async () => {
    const dir = tapesDir();
    const yaml = configYaml({ passthrough_routes: [{ name: 'files', path_prefix: '/files', target_url: '${MOCK_URL}/mock-passthrough', provider_key: 'mock' }], api_keys: [{ display_name: 'dev', key_env: 'CALLER_KEY', allowed_models: ['*'], allowed_routes: ['files'] }] });
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41, 0xc3]);
    const send = (stack: TapeStack): Promise<Buffer> =>
      new Promise((resolve, reject) => {
        const req = request(new URL('/files/upload', stack.url), { method: 'POST', headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/octet-stream' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        });
        req.on('error', reject);
        req.end(bytes);
      });
    const recorder = await proxy({ record: dir }, { yaml });
    expect((await send(recorder)).equals(bytes)).toBe(true);
    await recorder.waitForEvents(1);
    await recorder.close();
    const [tape] = tapeFiles(dir);
    expect((JSON.parse(tape?.text ?? '{}') as { request: { body: unknown } }).request.body).toEqual({ base64: bytes.toString('base64') });
    const player = await proxy({ replay: dir }, { yaml });
    expect((await send(player)).equals(bytes)).toBe(true);
  });
});

describe('no credentials in tapes', () => {
  it('no tape holds the provider key, the caller key, an authorization header or a cookie (grep them)', async () => {
    const dir = tapesDir();
    const recorder = await proxy({ record: dir });
    for (const x of EXCHANGES) await post(recorder, x.path, x.body, { cookie: 'session=abc123', 'x-api-key': 'ignored', 'anthropic-version': '2023-06-01' });
    await recorder.close();
    const files = tapeFiles(dir);
    expect(files).toHaveLength(EXCHANGES.length);
    for (const { path, text } of files) {
      for (const secret of [UPSTREAM_KEY, CALLER_KEY, 'session=abc123']) expect(text, path).not.toContain(secret);
      expect(text.toLowerCase(), path).not.toMatch(/authorization|cookie|x-api-key|bearer/);
      const headers = Object.keys((JSON.parse(text) as { response: { headers: object } }).response.headers);
      expect(headers.every((h) => ['content-type', 'retry-after', 'x-request-id', 'request-id'].includes(h)), path).toBe(true);
    }
  });

  it('keeps only allowlisted response headers: an upstream Set-Cookie never reaches a tape', async () => {
    const upstream: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'track=me; Path=/', 'x-request-id': 'req_cookie', 'openai-organization': 'org-x' });
        res.end('{"id":"resp_cookie","object":"response","output":[],"usage":{"input_tokens":1,"output_tokens":1,"total_tokens":2}}');
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const dir = tapesDir();
    try {
      const recorder = await proxy({ record: dir }, { upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
      expect((await post(recorder, '/v1/responses', { model: 'gpt', input: 'cookies?' })).status).toBe(200);
      await recorder.close();
    } finally {
      upstream.close();
    }
    const [tape] = tapeFiles(dir);
    expect(JSON.parse(tape!.text).response.headers).toEqual({ 'content-type': 'application/json', 'x-request-id': 'req_cookie' });
    expect(tape!.text).not.toContain('track=me');
  });

  it('refuses to write a tape holding a loaded secret (a key pasted into a prompt): served as usual, a warning names the tape', async () => {
    const dir = tapesDir();
    const recorder = await proxy({ record: dir });
    // a key glued to other characters or behind a JSON escape is found as well
    const inputs = [`my upstream key is ${UPSTREAM_KEY}.`, `and my caller key: ${CALLER_KEY}!`, `key=${CALLER_KEY}`, `**${CALLER_KEY}**`, `line1\n${CALLER_KEY}`, `line1
${CALLER_KEY}`];
    for (const input of inputs) {
      const res = await post(recorder, '/v1/responses', { model: 'gpt', input });
      expect(res.status).toBe(200);
    }
    await recorder.waitForEvents(inputs.length);
    expect(recorder.events.map((e) => [e.outcome, e.tape])).toEqual(inputs.map(() => ['ok', null]));
    expect(recorder.warnings).toHaveLength(inputs.length);
    expect(recorder.warnings[0]).toMatch(/^tape not written: .*[0-9a-f]{64}-1\.json would contain the key of provider key "mock"; the request was served as usual$/);
    expect(recorder.warnings[1]).toContain('would contain the caller key of api key "dev"');
    for (const w of recorder.warnings) expect(w).not.toMatch(new RegExp(`${UPSTREAM_KEY}|${CALLER_KEY}`));
    await recorder.close();
    expect(existsSync(dir) ? readdirSync(dir).flatMap((d) => readdirSync(join(dir, d))) : []).toEqual([]);
  });
});

describe('replayed answers meet the rest of the request path', () => {
  it('output guardrails judge replayed answers (a held stream is blocked again), and input masks shape the key', async () => {
    const dir = tapesDir();
    const yaml = configYaml({
      guardrails: [keywordGuardrail('no-zebra', ['zebra'], { hook_point: 'output' }), piiGuardrail('emails-in', [['email', 'mask']], { hook_point: 'input' })],
    });
    const said = { model: 'gpt', input: 'anything', stream: true, metadata: { mock_output: 'the zebra is out' } };
    const masked = { model: 'gpt', input: 'mail me at ann@example.com' };
    const recorder = await proxy({ record: dir }, { yaml });
    expect((await post(recorder, '/v1/responses', said)).status).toBe(422);
    const liveMasked = await post(recorder, '/v1/responses', masked);
    await recorder.close();
    // what the upstream sent is on the tape, before the guardrails judged it; the masked input is what went upstream
    const texts = tapeFiles(dir).map((f) => f.text);
    expect(texts.some((t) => t.includes('the zebra is out'))).toBe(true);
    expect(texts.some((t) => t.includes('ann@example.com'))).toBe(false);
    const player = await proxy({ replay: dir }, { yaml });
    const blocked = await post(player, '/v1/responses', said);
    expect(blocked.status).toBe(422);
    expect(blocked.body).toContain("guardrail 'no-zebra'");
    // another address masks to the same body upstream: the same recording
    expect((await post(player, '/v1/responses', { model: 'gpt', input: 'mail me at bob@example.org' })).body).toBe(liveMasked.body);
    await player.waitForEvents(2);
    expect(player.events.map((e) => [e.outcome, e.tape])).toEqual([['blocked_output', 'replayed'], ['ok', 'replayed']]);
  });

  it('fails over from a replayed upstream error as from a live one', async () => {
    const dir = tapesDir();
    const yaml = configYaml({ models: [...DEFAULT_MODELS, model('broken', 'mock-error-500'), { display_name: 'routed', routing: { targets: [{ model: 'broken', priority: 1 }, { model: 'gpt', priority: 0 }] } }] });
    const recorder = await proxy({ record: dir }, { yaml });
    const live = await post(recorder, '/v1/responses', { model: 'routed', input: 'fail over' });
    await recorder.close();
    const player = await proxy({ replay: dir }, { yaml });
    const replayed = await post(player, '/v1/responses', { model: 'routed', input: 'fail over' });
    expect(replayed.body).toBe(live.body);
    expect(replayed.headers['x-aisix-served-by']).toBe('gpt');
    await player.waitForEvents(1);
    expect(player.events[0]!.attempts.map((a) => [a.target, a.status])).toEqual([['broken', 500], ['gpt', 200]]);
  });
});
