// Reliability, bad input (issue 7): malformed and hostile requests against `aisix serve` running as
// a child process. Each gets a clear 4xx (the OpenAI envelope where the proxy answers itself) or a
// closed connection, nothing reaches the upstream, the process keeps serving after each, and no
// response body, NDJSON line, log line or stderr line contains the provider key or a caller key.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { startProxy, type ProxyChild } from './proxy-child.js';
import { CALLER_KEY, CHILD_ENV, configYaml, eventually, expectNoSecrets, expectStillServing, rid, scratchDir, type Scratch } from './setup.js';
import { head, trickle, wire, type WireResult } from './wire.js';

const BODY_LIMIT = 65_536;
const REQUEST_TIMEOUT_MS = 1_000;
const AUTH = `Bearer ${CALLER_KEY}`;

let mock: MockServer;
let proxy: ProxyChild;
let scratch: Scratch;
let logPath: string;
/** every response body and raw answer seen, for the secrets check at the end */
const seen: string[] = [];

beforeAll(async () => {
  mock = await startMock();
  scratch = scratchDir('bad-input');
  logPath = join(scratch.dir, 'logs', 'requests.jsonl');
  const configPath = scratch.write('aisix.yaml', configYaml({
    providers: { mock: `${mock.url}/v1` },
    models: [{ alias: 'echo', model: 'mock-echo' }],
    proxy: { request_timeout_ms: REQUEST_TIMEOUT_MS, request_body_limit_bytes: BODY_LIMIT },
  }));
  proxy = await startProxy({ configPath, env: CHILD_ENV, extraArgs: ['--log-file', logPath] });
});

afterAll(async () => {
  await proxy?.stop();
  await mock?.close();
  scratch?.remove();
});

interface Answer {
  status: number;
  id: string;
  body: string;
}

/** POST /v1/responses with exact body bytes and the caller key, through fetch. */
async function post(body: string | Buffer, path = '/v1/responses'): Promise<Answer> {
  const id = rid('bad');
  const res = await fetch(`${proxy.url}${path}`, {
    method: 'POST',
    headers: { authorization: AUTH, 'content-type': 'application/json', 'x-aisix-request-id': id },
    body,
  });
  const text = await res.text();
  seen.push(text);
  expect(res.headers.get('x-aisix-request-id')).toBe(id);
  return { status: res.status, id, body: text };
}

function errorOf(body: string): Record<string, unknown> {
  const json = JSON.parse(body) as { error?: Record<string, unknown> };
  expect(json.error, body).toBeTypeOf('object');
  return json.error as Record<string, unknown>;
}

/** Sent upstream with this request id? (the proxy forwards x-aisix-request-id) */
function reachedUpstream(id: string): boolean {
  return mock.requests().some((r) => r.headers['x-aisix-request-id'] === id);
}

async function expectRejected(answer: Answer, status: number, expected: Record<string, unknown>, outcome: string): Promise<void> {
  expect(answer.status, answer.body).toBe(status);
  expect(errorOf(answer.body)).toMatchObject(expected);
  const event = await proxy.eventFor(answer.id);
  expect(event).toMatchObject({ status, outcome });
  expect(reachedUpstream(answer.id)).toBe(false);
}

function record(result: WireResult): WireResult {
  seen.push(result.raw);
  return result;
}

/** Either a 4xx answer or a connection the server closed without answering. */
function expectClear4xxOrClosed(result: WireResult, label: string): void {
  if (result.status === null) expect(result.closedByServer, `${label}: no answer and still open`).toBe(true);
  else expect(result.status >= 400 && result.status < 500, `${label}: status ${result.status}`).toBe(true);
}

describe('bad request bodies', () => {
  it('malformed JSON gets 400 invalid_request_error, one bad_request event, and never reaches the upstream', async () => {
    for (const body of ['{"model":', '{model: "echo"}', '', '{"model":"echo"}}', '{"model":"echo","input":"x",}', '\u0000\u0001']) {
      const answer = await post(body);
      await expectRejected(answer, 400, { type: 'invalid_request_error', message: 'request payload is invalid: invalid JSON request body' }, 'bad_request');
    }
    await expectStillServing(proxy);
  });

  it('JSON that is not an object gets 400 saying the body must be an object', async () => {
    for (const body of ['[]', '[{"model":"echo"}]', '"echo"', '42', 'null', 'true']) {
      const answer = await post(body);
      await expectRejected(answer, 400, { type: 'invalid_request_error', message: 'request payload is invalid: the body must be a JSON object' }, 'bad_request');
    }
    await expectStillServing(proxy);
  });

  it('`model` of the wrong type (number, object, array, boolean) gets 400 with param "model"', async () => {
    for (const model of [42, { name: 'echo' }, ['echo'], true]) {
      const answer = await post(JSON.stringify({ model, input: 'hi' }));
      await expectRejected(answer, 400, { type: 'invalid_request_error', param: 'model', message: 'request payload is invalid: `model` must be a string' }, 'bad_request');
    }
    await expectStillServing(proxy);
  });

  it('a body that is not valid UTF-8 gets 400 instead of being forwarded with replacement characters', async () => {
    const bodies = [
      Buffer.concat([Buffer.from('{"model":"echo","input":"'), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from('"}')]),
      Buffer.concat([Buffer.from('{"model":"echo","input":"half a char '), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]),
      Buffer.concat([Buffer.from('{"model":"echo","input":"overlong slash '), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),
    ];
    for (const body of bodies) {
      const answer = await post(body);
      await expectRejected(answer, 400, { type: 'invalid_request_error', message: 'request payload is invalid: the body is not valid UTF-8' }, 'bad_request');
    }
    await expectStillServing(proxy);
  });
});

describe('bodies that are too big or too slow', () => {
  it('a declared 1 GB Content-Length gets 413 at once and the connection is closed, authenticated or not', async () => {
    const auths: Record<string, string>[] = [{ authorization: AUTH }, {}];
    for (const auth of auths) {
      const id = rid('gigabyte');
      const result = record(await wire(proxy.port, (s) => {
        s.write(head('POST /v1/responses HTTP/1.1', { host: 'x', 'content-type': 'application/json', 'content-length': 1_073_741_824, 'x-aisix-request-id': id, ...auth }));
        s.write('{"model":"echo",');
      }));
      expect(result.status).toBe(413);
      expect(errorOf(result.body)).toEqual({ message: `request body exceeds ${BODY_LIMIT}-byte limit`, type: 'invalid_request_error', code: 'body_too_large' });
      expect(result.closedByServer).toBe(true);
      expect(await proxy.eventFor(id)).toMatchObject({ status: 413, outcome: 'too_large', error_code: 'body_too_large' });
    }
    await expectStillServing(proxy);
  });

  it('a chunked body that keeps coming past the limit gets 413 and a closed connection', async () => {
    const id = rid('chunked');
    const chunk = `${(16_384).toString(16)}\r\n${'a'.repeat(16_384)}\r\n`;
    const result = record(await wire(proxy.port, (s) => {
      s.write(head('POST /v1/responses HTTP/1.1', { host: 'x', authorization: AUTH, 'transfer-encoding': 'chunked', 'x-aisix-request-id': id }));
      s.write(`${(17).toString(16)}\r\n{"model":"echo","\r\n`);
      trickle(s, Array.from({ length: 64 }, () => chunk), 5); // up to 1 MB, never a last chunk
    }, { timeoutMs: 8_000 }));
    expect(result.status).toBe(413);
    expect(errorOf(result.body)).toMatchObject({ code: 'body_too_large' });
    expect(result.closedByServer).toBe(true);
    expect(await proxy.eventFor(id)).toMatchObject({ status: 413, outcome: 'too_large' });
    expect(reachedUpstream(id)).toBe(false);
    await expectStillServing(proxy);
  });

  it('a slow-loris body is cut off after request_timeout_ms with a 408 and one event saying so', async () => {
    const id = rid('loris');
    const body = JSON.stringify({ model: 'echo', input: 'x'.repeat(40) });
    const result = record(await wire(proxy.port, (s) => {
      s.write(head('POST /v1/responses HTTP/1.1', { host: 'x', authorization: AUTH, 'content-type': 'application/json', 'content-length': body.length, 'x-aisix-request-id': id }));
      trickle(s, body.split(''), 100); // ~6 s for the whole body if nobody stops it
    }, { timeoutMs: 8_000 }));
    expect(result.closedByServer).toBe(true);
    expect(result.elapsedMs).toBeLessThan(5_000);
    expect(result.status).toBe(408);
    expect(errorOf(result.body)).toMatchObject({ type: 'invalid_request_error', code: 'request_timeout' });
    expect(result.headers['x-aisix-request-id']).toBe(id);
    expect(await proxy.eventFor(id)).toMatchObject({ status: 408, outcome: 'bad_request', error_code: 'request_timeout' });
    expect(reachedUpstream(id)).toBe(false);
    await expectStillServing(proxy);
  });

  it('a malformed chunked body gets 400 malformed_request through its own response, and its event says 400, not 499', async () => {
    const id = rid('badchunk');
    const result = record(await wire(proxy.port, (s) => {
      s.write(head('POST /v1/responses HTTP/1.1', { host: 'x', authorization: AUTH, 'transfer-encoding': 'chunked', 'x-aisix-request-id': id }));
      s.write('5\r\n{"mod\r\nZZZ-not-hex\r\nmore\r\n');
    }));
    expect(result.status).toBe(400);
    expect(errorOf(result.body)).toMatchObject({ type: 'invalid_request_error', code: 'malformed_request' });
    expect(result.closedByServer).toBe(true);
    expect(await proxy.eventFor(id)).toMatchObject({ status: 400, outcome: 'bad_request', error_code: 'malformed_request' });
    await expectStillServing(proxy);
  });

  it('request headers that trickle in forever are cut off after request_timeout_ms', async () => {
    const result = record(await wire(proxy.port, (s) => {
      s.write('POST /v1/responses HTTP/1.1\r\nhost: x\r\n');
      trickle(s, Array.from({ length: 100 }, (_, i) => `x-pad-${i}: ${'y'.repeat(10)}\r\n`), 100);
    }, { timeoutMs: 8_000 }));
    expect(result.closedByServer).toBe(true);
    expect(result.elapsedMs).toBeLessThan(5_000);
    expectClear4xxOrClosed(result, 'trickled headers');
    await expectStillServing(proxy);
  });
});

describe('hostile request lines and headers', () => {
  it('paths with `..` and encoded slashes get 404 unknown_route and nothing goes upstream', async () => {
    const before = mock.requests().length;
    const targets = [
      ['POST', '/v1/../v1/responses'],
      ['POST', '/v1%2Fresponses'],
      ['POST', '//v1/responses'],
      ['GET', '/v1/responses/..%2F..%2Fv1%2Fmodels'],
      ['GET', '/v1/responses/%2e%2e/%2e%2e/healthz'],
      ['GET', '/v1/responses/resp_abc/..'],
      ['GET', '/v1/responses/../../../etc/passwd'],
      ['DELETE', '/v1/responses/resp_abc%2F..%2F..%2Fadmin'],
      ['GET', '/v1/models/../../healthz'],
    ] as const;
    for (const [method, target] of targets) {
      const result = record(await wire(proxy.port, (s) => {
        s.write(head(`${method} ${target} HTTP/1.1`, { host: 'x', authorization: AUTH, connection: 'close', 'content-length': 2 }));
        s.write('{}');
      }));
      expect(result.status, `${method} ${target}`).toBe(404);
      expect(errorOf(result.body)).toMatchObject({ type: 'invalid_request_error', code: 'unknown_route' });
    }
    expect(mock.requests().length).toBe(before);
    await expectStillServing(proxy);
  });

  it('unknown and malformed methods get a 4xx or a closed connection', async () => {
    const lines = ['BREW /healthz HTTP/1.1', 'PURGE /v1/responses HTTP/1.1', 'PROPFIND / HTTP/1.1', 'TRACE /v1/models HTTP/1.1',
      'OPTIONS /v1/responses HTTP/1.1', 'PATCH /v1/responses HTTP/1.1', 'CONNECT 127.0.0.1:1 HTTP/1.1', 'get /healthz HTTP/1.1',
      'G\u00c9T /healthz HTTP/1.1', 'POST /v1/responses HTTP/9.9', 'POST'];
    for (const line of lines) {
      const result = record(await wire(proxy.port, (s) => s.write(head(line, { host: 'x', authorization: AUTH, connection: 'close' }))));
      expectClear4xxOrClosed(result, line);
    }
    await expectStillServing(proxy);
  });

  it('a 64 KB header gets 431 headers_too_large and a closed connection', async () => {
    for (const target of ['/healthz', '/v1/responses']) {
      const result = record(await wire(proxy.port, (s) => {
        s.write(head(`POST ${target} HTTP/1.1`, { host: 'x', authorization: AUTH, 'x-big': 'a'.repeat(65_536), 'content-length': 2 }));
        s.write('{}');
      }));
      expect(result.status).toBe(431);
      expect(errorOf(result.body)).toMatchObject({ type: 'invalid_request_error', code: 'headers_too_large' });
      expect(result.closedByServer).toBe(true);
    }
    await expectStillServing(proxy);
  });

  it('conflicting Content-Length and Transfer-Encoding (request smuggling) gets 400 or a closed connection', async () => {
    const result = record(await wire(proxy.port, (s) => {
      s.write('POST /v1/responses HTTP/1.1\r\nhost: x\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nhost: x\r\n\r\n');
    }));
    expectClear4xxOrClosed(result, 'CL+TE');
    expect(result.raw.match(/HTTP\/1\.1 /g)?.length ?? 0).toBeLessThanOrEqual(1);
    await expectStillServing(proxy);
  });
});

describe('connections that never send a request', () => {
  it('500 idle connections each get 408 request_timeout and are closed after request_timeout_ms while the proxy keeps serving', async () => {
    const before = proxy.finished().length;
    const pending = Array.from({ length: 500 }, () => wire(proxy.port, () => undefined, { timeoutMs: 15_000 }));
    await new Promise((r) => setTimeout(r, 200));
    await expectStillServing(proxy); // serving while 500 sockets sit idle
    const results = (await Promise.all(pending)).map(record);
    expect(results.filter((r) => !r.closedByServer)).toHaveLength(0);
    for (const r of results) {
      expect(r.status).toBe(408);
      expect(errorOf(r.body)).toMatchObject({ type: 'invalid_request_error', code: 'request_timeout' });
    }
    expect(Math.min(...results.map((r) => r.elapsedMs))).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    // idle connections are not requests: the only events are the serving check's two
    expect(proxy.finished().slice(before).map((e) => e.route).sort()).toEqual(['/healthz', '/v1/responses']);
    await expectStillServing(proxy);
  });
});

describe('after all of the above', () => {
  it('the process is alive, stdout is pure NDJSON, and no response, event, log line or stderr holds a key', async () => {
    await expectStillServing(proxy);
    expect(proxy.badLines).toEqual([]);
    expect(proxy.lines.filter((l) => l.event === 'warning')).toEqual([]);
    for (const body of seen) expectNoSecrets(body, 'a response');
    for (const line of proxy.lines) expectNoSecrets(JSON.stringify(line), 'an NDJSON line');
    expectNoSecrets(proxy.stderr(), 'stderr');
    expect(await eventually(() => readFileSync(logPath, 'utf8').split('\n').filter(Boolean).length === proxy.finished().length, 3_000)).toBe(true);
    const log = readFileSync(logPath, 'utf8');
    expectNoSecrets(log, 'the log file');
    for (const line of log.trimEnd().split('\n')) expect(JSON.parse(line)).toMatchObject({ event: 'request.finished' });
    expect(proxy.finished().filter((e) => e.outcome === 'internal_error')).toEqual([]);
  });
});
