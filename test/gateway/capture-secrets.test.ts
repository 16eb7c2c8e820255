// The body capture against hostile upstreams and callers (DESIGN.md §13 "secrets redacted", §12):
// a key streamed in 3-character deltas is redacted in the assembled answer (text, reasoning, tool
// call arguments); a passthrough answer is asked for uncompressed so the key an upstream quotes in
// it is found; credential headers that hold no loaded key (Azure's, Google's, a provider key's
// `strip_headers`, a WebSocket subprotocol carrying a key) are redacted whole; a key behind JSON
// escapes (`\u0073k-…`) is found by the capture and by the tape recorder, and redacted exactly;
// the store keeps its bytes within `capture_keep × capture_max_bytes`; a passthrough has a
// `queue_ms`. One local upstream (a small http server) plays the hostile parts.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapturedExchange } from '../../src/events/capture.js';
import { CaptureStore, exchangeBytes } from '../../src/gateway/capture/store.js';
import { findSecret, redactSecrets } from '../../src/gateway/secrets/search.js';
import { rawRequest } from '../helpers/http.js';
import { apiKey, CALLER_KEY, configYaml, DEFAULT_MODELS, DEFAULT_YAML, loadStackConfig, model, providerKey, startStack, UPSTREAM_KEY, type Stack } from '../helpers/stack.js';
import { startTapeStack } from '../helpers/tape-stack.js';

/** `\u0073` is `s`: the keys as a JSON writer that escapes everything would send them */
const ESCAPED_CALLER = `\\u0073${CALLER_KEY.slice(1)}`;
const ESCAPED_UPSTREAM = `\\u0073${UPSTREAM_KEY.slice(1)}`;
const pieces = (text: string): string[] => text.match(/.{1,3}/g) ?? [];
const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

let local: Server;
let localUrl: string;
/** the accept-encoding each passthrough call reached the upstream with */
const encodings: (string | undefined)[] = [];
let stack: Stack;

function hostile(path: string, headers: IncomingHttpHeaders, res: ServerResponse): void {
  if (path.startsWith('/split/')) {
    // every key in 3-character deltas: the caller's in the text, the provider's in the reasoning and in a tool call's arguments
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const p of ['your key: ', ...pieces(CALLER_KEY), ' done']) res.write(chunk({ content: p }));
    for (const p of pieces(UPSTREAM_KEY)) res.write(chunk({ reasoning_content: p }));
    res.write(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'leak', arguments: '' } }] }));
    for (const p of pieces(`{"k":"${UPSTREAM_KEY}"}`)) res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: p } }] }));
    res.write(chunk({}, 'stop'));
    res.end('data: [DONE]\n\n');
    return;
  }
  if (path.startsWith('/esc/')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"id":"c2","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"a ${ESCAPED_UPSTREAM} b ${ESCAPED_CALLER}."}}]}`);
    return;
  }
  // a passthrough target that quotes the key it was sent, gzip'd when asked for it
  encodings.push(headers['accept-encoding']);
  const key = String(headers.authorization ?? '').replace(/^Bearer /, '');
  const body = JSON.stringify({ error: { message: `Incorrect API key provided: ${key}.`, type: 'invalid_request_error' } });
  if (String(headers['accept-encoding'] ?? '').includes('gzip')) {
    res.writeHead(401, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(gzipSync(body));
  } else {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(body);
  }
}

beforeAll(async () => {
  local = createServer((req, res) => {
    req.resume();
    req.on('end', () => hostile(req.url ?? '/', req.headers, res));
  });
  await new Promise<void>((r) => local.listen(0, '127.0.0.1', () => r()));
  localUrl = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
  stack = await startStack({
    yaml: configYaml({
      proxy: { capture_bodies: true },
      provider_keys: [
        providerKey('mock', '${MOCK_URL}/v1', { strip_headers: ['authorization', 'x-team-secret'] }),
        providerKey('splitter', '${LOCAL_URL}/split/v1'),
        providerKey('escaping', '${LOCAL_URL}/esc/v1'),
      ],
      api_keys: [apiKey('dev', 'CALLER_KEY', { allowed_routes: ['*'] })],
      models: [...DEFAULT_MODELS, model('split', 'm', { provider_key: 'splitter' }), model('escaped', 'm', { provider_key: 'escaping' })],
      passthrough_routes: [
        { name: 'gz', path_prefix: '/gz', target_url: '${LOCAL_URL}/gz', provider_key: 'splitter' },
        { name: 'raw', path_prefix: '/raw', target_url: '${MOCK_URL}/mock-passthrough', provider_key: 'mock' },
      ],
    }),
    env: { LOCAL_URL: localUrl },
  });
});

afterAll(async () => {
  await stack?.close();
  await new Promise<void>((r) => local.close(() => r()));
});

async function captured(s: Stack, id: string): Promise<CapturedExchange> {
  await s.until(() => s.events.some((e) => e.id === id), `request.finished of ${id}`);
  const x = s.gateway.captures?.get(id);
  if (x === undefined) throw new Error(`no capture of ${id}`);
  return x;
}

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string; x: CapturedExchange }> {
  const res = await rawRequest(stack.url, { path, headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json', ...headers }, body });
  return { ...res, x: await captured(stack, String(res.headers['x-aisix-request-id'])) };
}

describe('keys an upstream hides from a byte search', () => {
  it('a key streamed in 3-character deltas is redacted in the assembled text, reasoning and tool call arguments', async () => {
    const sent = await post('/v1/chat/completions', JSON.stringify({ model: 'split', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    expect(sent.status).toBe(200);
    const { assembled } = sent.x.response;
    expect(assembled).toEqual({ text: 'your key: [REDACTED] done', reasoning: '[REDACTED]', tool_calls: [{ id: 'call_1', name: 'leak', arguments: '{"k":"[REDACTED]"}' }] });
    expect(JSON.stringify(sent.x)).not.toContain(CALLER_KEY);
    expect(JSON.stringify(sent.x)).not.toContain(UPSTREAM_KEY);
  });

  it('a passthrough answer is asked for uncompressed while capture is on, so a key quoted in it is redacted', async () => {
    const sent = await post('/gz/anything', '{"a":1}', { 'accept-encoding': 'gzip, br' });
    expect(sent.status).toBe(401);
    expect(encodings.at(-1)).toBe('identity');
    expect(sent.body).toContain(UPSTREAM_KEY); // byte-faithful: the client gets what the upstream said
    expect(sent.x.response.body).toMatchObject({ encoding: 'utf8', truncated: false });
    expect(sent.x.response.body?.text).toContain('Incorrect API key provided: [REDACTED].');
    expect(JSON.stringify(sent.x)).not.toContain(UPSTREAM_KEY);
  });

  it('a passthrough keeps the client accept-encoding while capture is off (no cost when off)', async () => {
    const off = await startStack({
      yaml: configYaml({
        provider_keys: [providerKey('mock'), providerKey('splitter', '${LOCAL_URL}/split/v1')],
        api_keys: [apiKey('dev', 'CALLER_KEY', { allowed_routes: ['*'] })],
        passthrough_routes: [{ name: 'gz', path_prefix: '/gz', target_url: '${LOCAL_URL}/gz', provider_key: 'splitter' }],
      }),
      env: { LOCAL_URL: localUrl },
    });
    try {
      const res = await rawRequest(off.url, { path: '/gz/x', headers: { authorization: `Bearer ${CALLER_KEY}`, 'accept-encoding': 'gzip' }, body: '{}' });
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(encodings.at(-1)).toBe('gzip');
    } finally {
      await off.close();
    }
  });
});

describe('credential headers holding no loaded key', () => {
  it("Azure's and Google's key headers, a provider key's strip_headers and a key-carrying subprotocol list are redacted whole", async () => {
    const sent = await post('/v1/responses', JSON.stringify({ model: 'gpt', input: 'hi' }), {
      'api-key': 'azure-not-loaded-1234567',
      'x-goog-api-key': 'AIzaSyNotLoadedGoogleKey123',
      'x-team-secret': 'team-only-value',
      'sec-websocket-protocol': 'realtime, openai-insecure-api-key.sk-not-loaded-key-999, openai-beta.realtime-v1',
      'x-custom': 'kept',
    });
    expect(sent.status).toBe(200);
    expect(sent.x.request.headers).toMatchObject({
      'api-key': '[REDACTED]', 'x-goog-api-key': '[REDACTED]', 'x-team-secret': '[REDACTED]', 'sec-websocket-protocol': '[REDACTED]', 'x-custom': 'kept', authorization: '[REDACTED]',
    });
    const plain = await post('/v1/responses', JSON.stringify({ model: 'gpt', input: 'hi' }), { 'sec-websocket-protocol': 'realtime, openai-beta.realtime-v1' });
    expect(plain.x.request.headers['sec-websocket-protocol']).toBe('realtime, openai-beta.realtime-v1');
  });
});

describe('keys behind JSON escapes', () => {
  const config = loadStackConfig(DEFAULT_YAML, { MOCK_URL: 'http://127.0.0.1:9' }).config;

  it('the search sees through \\uXXXX and \\/ escapes and redacts exactly the escaped span (both key kinds)', () => {
    expect(findSecret([`{"a":"${ESCAPED_CALLER}"}`], config)).toBe('the caller key of api key "dev"');
    expect(findSecret([`{"a":"x ${ESCAPED_UPSTREAM}"}`], config)).toBe('the key of provider key "mock"');
    const text = `{"a":"\\ud83d\\ude00 ${ESCAPED_CALLER}! \\n${ESCAPED_UPSTREAM}\\"","b":"sk\\/caller-dev ${CALLER_KEY} \\\\u0073${CALLER_KEY.slice(1)}"}`;
    const out = redactSecrets(text, config);
    // a double backslash is a backslash: what follows it is no escape, so `u0073k-caller-dev` is no key
    expect(out).toBe(`{"a":"\\ud83d\\ude00 [REDACTED]! \\n[REDACTED]\\"","b":"sk\\/caller-dev [REDACTED] \\\\u0073${CALLER_KEY.slice(1)}"}`);
    expect(JSON.parse(out)).toEqual({ a: '😀 [REDACTED]! \n[REDACTED]"', b: `sk/caller-dev [REDACTED] \\u0073${CALLER_KEY.slice(1)}` });
    expect(redactSecrets(`"\\u0073k\\u002d\\u0075pstream-secret"`, config)).toBe('"[REDACTED]"');
  });

  it('the capture: an escaped key in the request body and in the upstream answer is [REDACTED], the JSON still valid', async () => {
    const sent = await post('/v1/chat/completions', `{"model":"escaped","messages":[{"role":"user","content":"key ${ESCAPED_CALLER} and ${ESCAPED_UPSTREAM}"}]}`);
    expect(sent.status).toBe(200);
    const { x } = sent;
    expect(x.request.body?.text).toBe('{"model":"escaped","messages":[{"role":"user","content":"key [REDACTED] and [REDACTED]"}]}');
    expect(JSON.parse(x.response.body?.text ?? '')).toMatchObject({ choices: [{ message: { content: 'a [REDACTED] b [REDACTED].' } }] });
    expect(x.response.assembled?.text).toBe('a [REDACTED] b [REDACTED].');
    const decoded = JSON.stringify([JSON.parse(x.request.body?.text ?? ''), JSON.parse(x.response.body?.text ?? '')]);
    expect(decoded).not.toContain(CALLER_KEY);
    expect(decoded).not.toContain(UPSTREAM_KEY);
  });

  it('the tape recorder: an answer holding an escaped key is not written, a warning says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aisix-escaped-'));
    const recorder = await startTapeStack({
      yaml: configYaml({ provider_keys: [providerKey('mock', '${MOCK_URL}/esc/v1')] }),
      upstream: localUrl,
      tapes: { record: dir, replay: null, speed: 0 },
    });
    let closed = false;
    try {
      const res = await rawRequest(recorder.url, { path: '/v1/chat/completions', headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] }) });
      expect(res.status).toBe(200);
      await recorder.waitForEvents(1);
      closed = true;
      await recorder.close(); // every tape written by now
      expect(recorder.warnings).toHaveLength(1);
      expect(recorder.warnings[0]).toMatch(/^tape not written: .* would contain the key of provider key "mock"; the request was served as usual$/);
      expect(readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.json'))).toEqual([]);
    } finally {
      if (!closed) await recorder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the store keeps its budget', () => {
  const big = (id: string, n: number, char: string): CapturedExchange => {
    const text = char.repeat(n);
    return {
      id, time: '2026-01-01T00:00:00.000Z',
      request: { method: 'POST', url: '/v1/responses', headers: { 'content-type': 'application/json' }, body: { text, encoding: 'utf8', bytes: n, truncated: false } },
      response: { status: 200, headers: {}, body: { text, encoding: 'utf8', bytes: n, truncated: false }, assembled: { text, reasoning: '', tool_calls: [] } },
      timings: { queue_ms: null, upstream_headers_ms: null, first_token_ms: null, total_ms: 1 },
    };
  };

  it('many large exchanges (request, response and assembled text each at the cap) stay within capture_keep × capture_max_bytes, oldest out first', () => {
    const store = new CaptureStore(10, 1000);
    for (let i = 0; i < 50; i++) {
      store.put(big(`x${i}`, 1000, i % 2 === 0 ? 'a' : 'é'));
      expect(store.bytes).toBeLessThanOrEqual(10 * 1000);
    }
    expect(store.get('x49')).toBeDefined();
    expect(store.get('x40')).toBeUndefined();
    expect(store.size).toBeLessThan(10);
    // Latin-1 text is a byte a character, other text two (as V8 holds it)
    expect(exchangeBytes(big('a', 100, 'é')) - exchangeBytes(big('b', 100, 'a'))).toBe(0);
    expect(exchangeBytes(big('c', 100, '€')) - exchangeBytes(big('d', 100, 'a'))).toBe(300);
    // the newest stays even alone over the budget; a reload with a smaller budget trims at once
    store.put(big('huge', 20_000, 'a'));
    expect([store.size, store.get('huge')?.id]).toEqual([1, 'huge']);
    store.put(big('small', 10, 'a'));
    expect(store.size).toBe(1);
    store.resize(10, 1000);
    store.put(big('s2', 10, 'a'));
    store.resize(10, 1);
    expect([store.size, store.get('s2')?.id]).toEqual([1, 's2']);
  });

  it('through the gateway: large exchanges keep the store within its budget', async () => {
    const small = await startStack({ yaml: configYaml({ proxy: { capture_bodies: true, capture_keep: 4, capture_max_bytes: 4096 } }) });
    try {
      for (let i = 0; i < 8; i++) {
        const res = await fetch(`${small.url}/v1/responses`, { method: 'POST', headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt', input: '€'.repeat(1500) }) });
        await res.text();
      }
      await small.waitForEvents(8);
      const store = small.gateway.captures as CaptureStore;
      expect(store.bytes).toBeLessThanOrEqual(4 * 4096);
      expect(store.size).toBeGreaterThanOrEqual(1);
      expect(store.size).toBeLessThan(4);
    } finally {
      await small.close();
    }
  });
});

describe('timings', () => {
  it('a passthrough exchange has a queue_ms (arrival → the upstream call)', async () => {
    const res = await rawRequest(stack.url, { path: '/raw/echo', headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'text/plain' }, body: 'plain bytes' });
    expect(res.body).toBe('plain bytes');
    const x = await captured(stack, String(res.headers['x-aisix-request-id']));
    expect(x.timings.queue_ms).not.toBeNull();
    expect(x.timings.queue_ms).toBeGreaterThanOrEqual(0);
    expect(x.timings.queue_ms).toBeLessThanOrEqual(x.timings.total_ms);
  });
});
