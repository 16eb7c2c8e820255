// Passthrough routes (DESIGN.md §10) through the real loader, gateway and mock (its
// `/mock-passthrough/*` echo endpoints): a large body streamed both ways byte for byte, SSE relayed
// as it comes, the prefix stripped and the query kept, the caller's credentials, cookies and
// `x-aisix-*` headers and the provider key's `strip_headers` removed, the provider key injected
// (Bearer, or x-api-key + anthropic-version for Anthropic keys), `allowed_routes` (403, upstream
// untouched), auth (401), the caller's rate limit (429), upstream statuses relayed as they are, and
// the event (route, attempts, outcome). A route loaded while auth is off is refused.
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { finishedFor, requestIdOf } from '../helpers/finished.js';
import { rawRequest } from '../helpers/http.js';
import { apiKey, CALLER_KEY, configYaml, providerKey, startStack, UPSTREAM_KEY, type Stack } from '../helpers/stack.js';

const OTHER_KEY = 'sk-other-caller';
const LIMITED_KEY = 'sk-limited-caller';
const ANTHROPIC_SECRET = 'sk-ant-upstream-secret';
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    env: { OTHER_KEY, LIMITED_KEY, ANTHROPIC_SECRET },
    yaml: configYaml({
      provider_keys: [
        providerKey('mock', '${MOCK_URL}/v1', { strip_headers: ['X-Drop-Me'] }), // cookies go anyway
        { display_name: 'claude', provider: 'anthropic', api_key: '${ANTHROPIC_SECRET}', api_base: '${MOCK_URL}' },
      ],
      api_keys: [
        apiKey('dev', 'CALLER_KEY', { allowed_routes: ['raw*'] }),
        apiKey('other', 'OTHER_KEY'),
        apiKey('limited', 'LIMITED_KEY', { allowed_routes: ['*'], rate_limit: { rpm: 1 } }),
      ],
      passthrough_routes: [
        { name: 'raw', path_prefix: '/raw', target_url: '${MOCK_URL}/mock-passthrough', provider_key: 'mock' },
        { name: 'raw-anthropic', path_prefix: '/raw-anthropic', target_url: '${MOCK_URL}/mock-passthrough/anthropic', provider_key: 'claude' },
      ],
    }),
  });
});

afterAll(async () => {
  await stack?.close();
});

interface BinaryResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request with a binary body, read back whole. */
function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<BinaryResponse> {
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Bearer ${CALLER_KEY}`, ...options.headers };
    const req = request(new URL(path, stack.url), { method: options.method ?? 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The status for a request line sent as written (URL resolution would remove its dot segments). */
function statusOfRawPath(path: string): Promise<number> {
  const { port } = new URL(stack.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${CALLER_KEY}\r\nconnection: close\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(Number(text.slice(9, 12))));
    socket.on('error', reject);
  });
}

function lastUpstream(pathPrefix: string) {
  const found = stack.mock.requests().filter((r) => r.path.startsWith(pathPrefix)).at(-1);
  if (found === undefined) throw new Error(`the mock saw no request under ${pathPrefix}`);
  return found;
}

describe('passthrough routes', () => {
  it('streams a 10 MB body upstream and back, byte for byte, with the prefix stripped and the query kept', async () => {
    const body = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31 + (i >> 11)) & 0xff;
    const res = await send('/raw/files/upload?purpose=batch&x=1', { headers: { 'content-type': 'application/octet-stream' }, body });
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(body.length);
    expect(res.body.equals(body)).toBe(true);
    const seen = lastUpstream('/mock-passthrough/files/upload');
    expect(seen.path).toBe('/mock-passthrough/files/upload?purpose=batch&x=1');
    expect(seen.method).toBe('POST');
    const event = await finishedFor(stack, String(res.headers['x-aisix-request-id']));
    expect(event).toMatchObject({ route: '/raw/*', caller: 'dev', status: 200, outcome: 'ok', alias: null, usage: null, guardrails: [] });
    expect(event.attempts).toEqual([expect.objectContaining({ target: 'raw', status: 200 })]);
  });

  it('strips the caller credentials, cookies, x-aisix-* and strip_headers, and injects the provider key', async () => {
    const res = await send('/raw/echo', {
      headers: {
        'content-type': 'application/json', cookie: 'session=abc', 'x-drop-me': 'no', 'x-aisix-debug': 'mine', 'x-keep-me': 'yes',
        'x-request-id': 'caller-trace-1',
      },
      body: Buffer.from('{"hello":"world"}'),
    });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('{"hello":"world"}');
    const { headers } = lastUpstream('/mock-passthrough/echo');
    expect(headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(headers['x-keep-me']).toBe('yes');
    expect(headers['x-request-id']).toBe('caller-trace-1');
    expect(headers['x-aisix-request-id']).toBe(res.headers['x-aisix-request-id']);
    for (const gone of ['cookie', 'x-drop-me', 'x-aisix-debug', 'x-api-key']) expect(headers[gone]).toBeUndefined();
    expect(JSON.stringify(headers)).not.toContain(CALLER_KEY);
  });

  it('accepts the caller key as x-api-key and never forwards it', async () => {
    const res = await rawRequest(stack.url, { path: '/raw/echo', headers: { 'x-api-key': CALLER_KEY }, body: 'x' });
    expect(res.status).toBe(200);
    expect(JSON.stringify(lastUpstream('/mock-passthrough/echo').headers)).not.toContain(CALLER_KEY);
  });

  it('injects x-api-key and anthropic-version for an Anthropic provider key', async () => {
    const res = await send('/raw-anthropic/v1/messages', { headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') });
    expect(res.status).toBe(200);
    const { headers, path } = lastUpstream('/mock-passthrough/anthropic');
    expect(path).toBe('/mock-passthrough/anthropic/v1/messages');
    expect(headers['x-api-key']).toBe(ANTHROPIC_SECRET);
    expect(headers['anthropic-version']).toBe('2023-06-01');
    expect(headers.authorization).toBeUndefined();
  });

  it('relays an SSE stream as it comes', async () => {
    const frames: string[] = [];
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(new URL('/raw/sse?events=5&delay_ms=20', stack.url), { headers: { authorization: `Bearer ${CALLER_KEY}` }, agent: false }, (res) => {
        res.setEncoding('utf8');
        let text = '';
        res.on('data', (chunk: string) => {
          text += chunk;
          const parts = text.split('\n\n');
          text = parts.pop() ?? '';
          frames.push(...parts);
        });
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    expect(frames).toEqual([0, 1, 2, 3, 4].map((n) => `data: {"n":${n}}`));
  });

  it('relays upstream error statuses as they are', async () => {
    const res = await send('/raw/status/503', { method: 'GET' });
    expect(res.status).toBe(503);
    const event = await finishedFor(stack, String(res.headers['x-aisix-request-id']));
    expect(event).toMatchObject({ status: 503, outcome: 'upstream_error' });
  });

  it('refuses a caller whose allowed_routes does not admit the route (403), without contacting the upstream', async () => {
    const before = stack.mock.requests().length;
    const res = await rawRequest(stack.url, { method: 'GET', path: '/raw/echo', headers: { authorization: `Bearer ${OTHER_KEY}` } });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ error: { type: 'permission_denied', message: 'API key is not allowed to use route "raw"' } });
    expect(stack.mock.requests().length).toBe(before);
    const anon = await rawRequest(stack.url, { method: 'GET', path: '/raw/echo' });
    expect(anon.status).toBe(401);
    expect(stack.mock.requests().length).toBe(before);
  });

  it('applies the caller rate limit', async () => {
    const headers = { authorization: `Bearer ${LIMITED_KEY}` };
    const first = await rawRequest(stack.url, { method: 'GET', path: '/raw/echo', headers });
    const second = await rawRequest(stack.url, { method: 'GET', path: '/raw/echo', headers });
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
    expect((await finishedFor(stack, requestIdOf(second))).outcome).toBe('rate_limited');
  });

  it('refuses a path that could climb out of the target base, before contacting the upstream', async () => {
    const before = stack.mock.requests().length;
    for (const path of ['/raw/../v1/models', '/raw/x/../../other', '/raw/%2e%2e/v1/models', '/raw/%2E./x', '/raw/a%2Fb', '/raw/a%5cb', '/raw/./x']) {
      expect(await statusOfRawPath(path), path).toBe(400);
    }
    expect(stack.mock.requests().length).toBe(before);
    expect((await rawRequest(stack.url, { method: 'GET', path: '/raw/v1..x/a.b', headers: { authorization: `Bearer ${CALLER_KEY}` } })).status).toBe(200);
  });

  it('matches on path segments: /rawer is not under /raw', async () => {
    const res = await rawRequest(stack.url, { method: 'GET', path: '/rawer/echo', headers: { authorization: `Bearer ${CALLER_KEY}` } });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'unknown_route' } });
  });
});

describe('passthrough routes need api_keys', () => {
  it('is a load error while auth is off', () => {
    const yaml = configYaml({
      api_keys: [],
      passthrough_routes: [{ name: 'raw', path_prefix: '/raw', target_url: 'http://127.0.0.1:9/x', provider_key: 'mock' }],
    });
    const result = loadConfigText(yaml, 'a.yaml', { env: { UPSTREAM_KEY, MOCK_URL: 'http://127.0.0.1:9' }, missingEnv: 'error' });
    expect(result.ok).toBe(false);
    expect(result.issues.map((i) => i.message).join('\n')).toContain('api_keys');
  });
});
