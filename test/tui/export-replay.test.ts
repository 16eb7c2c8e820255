// An exported curl script runs as is: the real gateway and mock (as the gateway tests start them),
// a chat completion sent with `Authorization: Bearer` and a Messages request sent with
// `x-api-key`, each exchange built from what was sent and got (redacted as the capture store
// keeps it), exported, the script run with `sh` and AISIX_API_KEY set, and its answer compared
// with the original (the mock's echo model is deterministic; ids and timestamps aside).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapturedExchange } from '../../src/events/capture.js';
import { writeExport } from '../../src/reporters/tui/export.js';
import { rawRequest, type RawResponse } from '../helpers/http.js';
import { CALLER_KEY, configYaml, DEFAULT_MODELS, providerKey, startStack, type Stack } from '../helpers/stack.js';

const run = promisify(execFile);
const CREDENTIALS = new Set(['authorization', 'x-api-key']);

let stack: Stack;
const dir = mkdtempSync(join(tmpdir(), 'aisix-replay-'));

beforeAll(async () => {
  stack = await startStack({
    yaml: configYaml({
      provider_keys: [providerKey('mock'), { display_name: 'claude', provider: 'anthropic', api_key: '${UPSTREAM_KEY}', api_base: '${MOCK_URL}' }],
      models: [...DEFAULT_MODELS, { display_name: 'sonnet', provider: 'anthropic', model_name: 'mock-echo', provider_key: 'claude' }],
    }),
  });
});

afterAll(async () => {
  await stack.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The exchange as the capture store would keep it: headers lower-case, credentials redacted. */
function exchangeOf(id: string, path: string, headers: Record<string, string>, body: string, res: RawResponse): CapturedExchange {
  const redacted = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), CREDENTIALS.has(k.toLowerCase()) ? '[REDACTED]' : v]));
  redacted['content-length'] = String(Buffer.byteLength(body));
  redacted.host = new URL(stack.url).host;
  return {
    id,
    time: new Date().toISOString(),
    request: { method: 'POST', url: path, headers: redacted, body: { text: body, encoding: 'utf8', bytes: Buffer.byteLength(body), truncated: false } },
    response: {
      status: res.status,
      headers: { 'content-type': String(res.headers['content-type'] ?? '') },
      body: { text: res.body, encoding: 'utf8', bytes: Buffer.byteLength(res.body), truncated: false },
      assembled: null,
    },
    timings: { queue_ms: null, upstream_headers_ms: null, first_token_ms: null, total_ms: 1 },
  };
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

async function replay(ex: CapturedExchange): Promise<unknown> {
  const { curlPath } = writeExport(ex, stack.url, dir);
  if (curlPath === null) throw new Error('no script written');
  const { stdout } = await run('sh', [curlPath], { env: { PATH: process.env.PATH ?? '', AISIX_API_KEY: CALLER_KEY } });
  return JSON.parse(stdout) as unknown;
}

describe('an exported curl script, run with sh against the proxy', () => {
  it('replays a chat completion sent with Authorization: Bearer and gets the same answer', async () => {
    const body = JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: "Echo this: it's a 'quoted' test" }], temperature: 0 });
    const headers = { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json', 'user-agent': 'test/1.0', 'accept-encoding': 'identity' };
    const original = await rawRequest(stack.url, { path: '/v1/chat/completions', headers, body });
    expect(original.status).toBe(200);
    const answer = await replay(exchangeOf('replay_chat', '/v1/chat/completions', headers, body, original));
    expect(stable(answer)).toEqual(stable(JSON.parse(original.body)));
    expect(JSON.stringify(answer)).toContain("it's a 'quoted' test");
  });

  it('replays a Messages request sent with x-api-key and anthropic-version and gets the same answer', async () => {
    const body = JSON.stringify({ model: 'sonnet', max_tokens: 64, messages: [{ role: 'user', content: "Don't change this" }] });
    const headers = { 'x-api-key': CALLER_KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
    const original = await rawRequest(stack.url, { path: '/v1/messages', headers, body });
    expect(original.status).toBe(200);
    const answer = await replay(exchangeOf('replay_msg', '/v1/messages', headers, body, original));
    expect(stable(answer)).toEqual(stable(JSON.parse(original.body)));
    expect(JSON.stringify(answer)).toContain("Don't change this");
  });

  it('is refused without the key: the script carries none of its own', async () => {
    const body = JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] });
    const headers = { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json' };
    const original = await rawRequest(stack.url, { path: '/v1/chat/completions', headers, body });
    const { curlPath } = writeExport(exchangeOf('replay_nokey', '/v1/chat/completions', headers, body, original), stack.url, dir);
    const { stdout } = await run('sh', [curlPath ?? ''], { env: { PATH: process.env.PATH ?? '', AISIX_API_KEY: 'sk-wrong' } });
    expect(JSON.parse(stdout)).toMatchObject({ error: { type: 'invalid_api_key' } });
  });
});
