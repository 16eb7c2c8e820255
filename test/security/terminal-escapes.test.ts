// DESIGN §9: nothing a caller or an upstream sends reaches the terminal raw — control characters
// are escaped in the line reporter (serve --no-tui, the child's stdout) and every other output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import {
  ALICE_KEY, bearer, configYaml, expectNoLeaks, http, json, JSON_HEADERS, startHostileUpstream, startServe, stopAllChildren,
  writeConfig, type Hostile, type Serve,
} from './harness.js';

let mock: MockServer;
let hostile: Hostile;
let serve: Serve;

const ESC_CODE = 'evil\u001b[2J\u001b]0;pwned-code\u0007';
const ESC_MESSAGE = 'bad \u001b[31mred\u001b[0m \u001b]0;pwned-message\u0007 \r\u009b2J';

beforeAll(async () => {
  mock = await startMock();
  hostile = await startHostileUpstream({
    'esc-400': {
      status: 400, contentType: 'application/json',
      body: JSON.stringify({ error: { message: ESC_MESSAGE, type: 'invalid_request_error\u001b[5m', param: null, code: ESC_CODE } }),
    },
    'esc-text': { status: 400, contentType: 'text/plain', body: `plain \u001b]0;pwned-text\u0007 \u001b[2J\r\n` },
    'esc-500': {
      status: 500, contentType: 'application/json',
      body: JSON.stringify({ error: { message: ESC_MESSAGE, type: 'server_error', code: ESC_CODE } }),
    },
  });
  const extraProviderKeys = [
    '  - display_name: hostile',
    '    provider: openai',
    '    api_key: sk-hostile-upstream-key',
    `    api_base: ${hostile.url}/v1`,
  ].join('\n');
  const extraModels = ['esc-400', 'esc-text', 'esc-500']
    .map((m) => `  - { display_name: ${m}, provider: openai, model_name: ${m}, provider_key: hostile, retries: 0 }`)
    .join('\n');
  serve = await startServe(writeConfig(configYaml({ upstream: mock.url, callers: ['alice'], extraProviderKeys, extraModels })), { ALICE_KEY });
});
afterAll(async () => {
  await stopAllChildren();
  await hostile.close();
  await mock.close();
});

/** C0 controls but \n (the line separator) and \t, DEL, and C1 controls (U+0080–U+009F, e.g. the 8-bit CSI U+009B). */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

function rawControlBytes(buf: Buffer): string[] {
  const found: string[] = [];
  for (const line of buf.toString('utf8').split('\n')) {
    if (CONTROL.test(line)) found.push(JSON.stringify(line));
  }
  return found;
}

/**
 * Sends one request and waits (bounded) for its line on the child's stdout; returns that line
 * and every stdout byte written since the request was sent.
 */
async function oneRequestLine(send: () => Promise<unknown>): Promise<{ line: string; written: Buffer }> {
  const before = serve.requestLines().length;
  const offset = serve.stdout().length;
  await send();
  await serve.until(() => serve.requestLines().length > before, 'the request line');
  return { line: serve.requestLines()[before] ?? '', written: serve.stdout().subarray(offset) };
}

const postResponses = (body: unknown) =>
  http(serve.base, { path: '/v1/responses', headers: { ...JSON_HEADERS, ...bearer(ALICE_KEY) }, body: json(body) });

describe('control characters never reach the terminal raw', () => {
  it('escapes ESC/BEL of a caller-chosen wildcard model name in the request line', async () => {
    const { line, written } = await oneRequestLine(() => postResponses({ model: 'openai/\u001b[2J\u001b]0;pwned\u0007x', input: 'hi' }));
    expect(line).toContain('pwned'); // the line is about this request…
    expect(written.includes(0x1b), JSON.stringify(line)).toBe(false); // …with no raw ESC byte
    expect(written.includes(0x07), JSON.stringify(line)).toBe(false); // …nor BEL
    expect(rawControlBytes(written)).toEqual([]);
  });

  it('escapes CR, DEL and C1 (8-bit CSI) in a caller-chosen model name', async () => {
    const { line, written } = await oneRequestLine(() => postResponses({ model: 'openai/spoof\r200 ok\u009b2J\u007fend', input: 'hi' }));
    expect(line).toContain('end');
    expect(rawControlBytes(written)).toEqual([]);
  });

  it('escapes an upstream 4xx error code (passed through) that carries ESC/BEL', async () => {
    const { line, written } = await oneRequestLine(async () => {
      const res = await postResponses({ model: 'esc-400', input: 'hi' });
      expect(res.status).toBe(400);
    });
    expect(line).toContain('pwned-code');
    expect(written.includes(0x1b), JSON.stringify(line)).toBe(false);
    expect(written.includes(0x07), JSON.stringify(line)).toBe(false);
    expect(rawControlBytes(written)).toEqual([]);
  });

  it('escapes an upstream non-JSON error body and a 5xx message that carry escape sequences', async () => {
    const text = await oneRequestLine(() => postResponses({ model: 'esc-text', input: 'hi' }));
    const fivexx = await oneRequestLine(() => postResponses({ model: 'esc-500', input: 'hi' }));
    expect(hostile.requests).toBeGreaterThanOrEqual(2);
    expect(rawControlBytes(text.written)).toEqual([]);
    expect(rawControlBytes(fivexx.written)).toEqual([]);
  });

  it('escapes a percent-encoded escape sequence in an unknown route path', async () => {
    const { written } = await oneRequestLine(() => http(serve.base, { method: 'GET', path: '/v1/%1b%5b2J%1b%5d0%3bpwned%07', headers: bearer(ALICE_KEY) }));
    expect(rawControlBytes(written)).toEqual([]);
  });

  it('wrote no raw ESC, BEL or other control character to stderr either', () => {
    expect(rawControlBytes(serve.stderr())).toEqual([]);
  });
});

describe('terminal escapes: secrets', () => {
  it('never showed the upstream key in any response body or header, nor on the child’s stdout/stderr', () => {
    expectNoLeaks();
  });
});
