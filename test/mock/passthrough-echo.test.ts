// The /mock-passthrough/* routes over raw HTTP: a 10 MB body echoed byte-exact and chunked, the
// echo streaming in lockstep with the upload (so never held whole), SSE frames and their pacing,
// status/<code>, and the request log: headers as received (rawHeaders), body capped and counted.
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer, type RecordedRequest } from '../../src/mock/index.js';
import { matchRoute } from '../../src/mock/router.js';
import { eventually, parseSse, postJson } from './helpers.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  await mock.close();
});

const MB = 1024 * 1024;

function lastLogged(server: MockServer = mock): RecordedRequest {
  const entry = server.requests().at(-1);
  if (entry === undefined) throw new Error('nothing logged');
  return entry;
}

async function readAll(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(chunk);
  return Buffer.concat(parts);
}

describe('echo', () => {
  it('streams a 10 MB body back byte-exact, chunked, with its content-type, method and path', async () => {
    mock.clearRequests();
    const upload = randomBytes(10 * MB);
    const path = '/mock-passthrough/files/upload?name=a%20b&x=1';
    const res = await request(mock.url + path, { method: 'PUT', body: upload, headers: { 'content-type': 'application/x-test; v=1' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['content-type']).toBe('application/x-test; v=1');
    expect(res.headers['x-mock-echo-method']).toBe('PUT');
    expect(res.headers['x-mock-echo-path']).toBe(path);
    expect(res.headers['x-mock-echo-headers']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/^req_/);
    const echoed = await readAll(res.body);
    expect(echoed.length).toBe(upload.length);
    expect(echoed.equals(upload)).toBe(true);

    const entry = lastLogged();
    expect(entry).toMatchObject({ method: 'PUT', path, bodyBytes: 10 * MB, bodyTruncated: true });
    expect(entry.json).toBeUndefined();
    expect(entry.body.length).toBeGreaterThan(0);
    expect(Buffer.byteLength(entry.body)).toBeLessThanOrEqual(3 * 64 * 1024); // ≤ 64 KiB of bytes, as UTF-8 text
  });

  it('echoes each chunk before the next is sent (lockstep: the body is never held whole)', async () => {
    const size = 256 * 1024;
    const pieces = Array.from({ length: 8 }, () => randomBytes(size));
    let received = 0;
    async function* upload(): AsyncGenerator<Buffer> {
      for (const [i, piece] of pieces.entries()) {
        yield piece;
        if (!(await eventually(() => received >= (i + 1) * size, 5000))) throw new Error(`chunk ${i} never came back`);
      }
    }
    const res = await request(mock.url + '/mock-passthrough/lockstep', { method: 'POST', body: Readable.from(upload()) });
    const parts: Buffer[] = [];
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      parts.push(chunk);
      received += chunk.length;
    }
    expect(Buffer.concat(parts).equals(Buffer.concat(pieces))).toBe(true);
  });

  it('defaults content-type to application/octet-stream and echoes an empty body for any method', async () => {
    for (const method of ['GET', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = await fetch(mock.url + '/mock-passthrough/any/where', { method });
      expect(res.status, method).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('x-mock-echo-method')).toBe(method);
      expect(await res.text()).toBe('');
      expect(lastLogged()).toMatchObject({ method, bodyBytes: 0, bodyTruncated: false, body: '' });
    }
    const root = await fetch(mock.url + '/mock-passthrough/', { method: 'POST', body: 'x' });
    expect(await root.text()).toBe('x');
    expect((await fetch(mock.url + '/mock-passthrough')).status).toBe(404);
  });

  it('logs a small JSON body whole, parsed, with its byte count', async () => {
    const body = { hello: 'wörld', n: [1, 2] };
    const res = await postJson(mock, '/mock-passthrough/json', body);
    expect(await res.json()).toEqual(body);
    const entry = lastLogged();
    expect(entry.body).toBe(JSON.stringify(body));
    expect(entry.json).toEqual(body);
    expect(entry.bodyBytes).toBe(Buffer.byteLength(JSON.stringify(body)));
    expect(entry.bodyTruncated).toBe(false);
  });
});

describe('request log headers', () => {
  function rawRequest(path: string, headers: string[], body: string): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(mock.url + path, { method: 'POST', headers, agent: false }, resolve);
      req.on('error', reject);
      req.end(body);
    });
  }

  it('records every header line exactly as received: order, case, repeats', async () => {
    mock.clearRequests();
    // the flat-array form sends exactly these lines (Node adds no Host header for it)
    const headers = ['Host', `127.0.0.1:${mock.port}`, 'X-Custom-Case', 'Value One', 'x-dup', 'a', 'X-Dup', 'b', 'Authorization', 'Bearer first', 'authorization', 'Bearer second', 'Content-Type', 'text/plain'];
    const res = await rawRequest('/mock-passthrough/h?q=1', headers, 'body text');
    expect(res.statusCode).toBe(200);
    res.resume();
    await new Promise((resolve) => res.on('end', resolve));
    const entry = lastLogged();
    const names = entry.rawHeaders.map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(['X-Custom-Case', 'x-dup', 'X-Dup', 'Authorization', 'authorization']));
    const sent: [string, string][] = [];
    for (let i = 0; i < headers.length; i += 2) sent.push([headers[i] ?? '', headers[i + 1] ?? '']);
    const received = entry.rawHeaders.filter(([name]) => sent.some(([n]) => n === name));
    expect(received).toEqual(sent);
    // the lower-cased view: repeats joined, but Node keeps only the first authorization
    expect(entry.headers['x-custom-case']).toBe('Value One');
    expect(entry.headers['x-dup']).toBe('a, b');
    expect(entry.headers.authorization).toBe('Bearer first');
    expect(entry.body).toBe('body text');

    const served = (await (await fetch(mock.url + '/_mock/requests')).json()) as RecordedRequest[];
    expect(served.at(-1)?.rawHeaders).toEqual(entry.rawHeaders);
    expect(served.at(-1)?.bodyBytes).toBe(9);
  });

  it('records rawHeaders on buffered routes too', async () => {
    await postJson(mock, '/v1/chat/completions', { model: 'mock-echo', messages: [] }, { 'X-Proxy-Injected': 'yes' });
    const entry = lastLogged();
    expect(entry.rawHeaders).toContainEqual(['X-Proxy-Injected', 'yes']);
    expect(entry.bodyBytes).toBeUndefined();
  });
});

describe('GET /mock-passthrough/sse', () => {
  it('streams N frames data: {"n":i}, M ms apart, then ends', async () => {
    const started = Date.now();
    const res = await request(mock.url + '/mock-passthrough/sse?events=5&delay_ms=60');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const arrivals: number[] = [];
    let text = '';
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      arrivals.push(Date.now() - started);
      text += chunk.toString();
    }
    expect(text).toBe([0, 1, 2, 3, 4].map((n) => `data: {"n":${n}}\n\n`).join(''));
    expect(arrivals.length).toBeGreaterThanOrEqual(3);
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(4 * 50);
    expect(lastLogged().path).toBe('/mock-passthrough/sse?events=5&delay_ms=60');
  });

  it('defaults to 3 frames at once; 0 frames is an empty stream; bad counts are 400', async () => {
    const frames = parseSse(await (await fetch(mock.url + '/mock-passthrough/sse')).text());
    expect(frames.map((f) => JSON.parse(f.data) as unknown)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    const empty = await fetch(mock.url + '/mock-passthrough/sse?events=0');
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');
    for (const query of ['events=x', 'events=-1', 'events=1.5', 'events=100001', 'delay_ms=abc', 'delay_ms=60001']) {
      const res = await fetch(mock.url + '/mock-passthrough/sse?' + query);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: { param: string; code: string } };
      expect(body.error.code).toBe('invalid_value');
      expect(body.error.param).toBe(query.split('=')[0]);
    }
    const spaced = await fetch(mock.url + '/mock-passthrough/sse?events=1', { headers: { 'x-mock-json-style': 'spaced' } });
    expect(await spaced.text()).toBe('data: {"n": 0}\n\n');
  });

  it('other methods on /sse echo', async () => {
    const res = await fetch(mock.url + '/mock-passthrough/sse', { method: 'POST', body: 'not sse' });
    expect(res.headers.get('x-mock-echo-method')).toBe('POST');
    expect(await res.text()).toBe('not sse');
  });
});

describe('/mock-passthrough/status/{code}', () => {
  it('answers that status with a small JSON body, for any method, after reading the body', async () => {
    const res = await fetch(mock.url + '/mock-passthrough/status/418?why=tea', { method: 'POST', body: 'x'.repeat(100_000) });
    expect(res.status).toBe(418);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ status: 418, method: 'POST', path: '/mock-passthrough/status/418?why=tea' });
    expect(lastLogged()).toMatchObject({ bodyBytes: 100_000, bodyTruncated: true });
    for (const code of [200, 301, 429, 503, 599]) {
      const r = await fetch(mock.url + `/mock-passthrough/status/${code}`, { redirect: 'manual' });
      expect(r.status).toBe(code);
      expect(((await r.json()) as { status: number }).status).toBe(code);
    }
  });

  it('has no body for 204, 205 and 304; other codes are 404', async () => {
    for (const code of [204, 205, 304]) {
      const res = await fetch(mock.url + `/mock-passthrough/status/${code}`);
      expect(res.status).toBe(code);
      expect(await res.text()).toBe('');
    }
    for (const bad of ['199', '600', '99', '2000', 'abc', '404/x']) {
      const res = await fetch(mock.url + `/mock-passthrough/status/${bad}`);
      expect(res.status, bad).toBe(404);
    }
  });

  it('routes with string matching only', () => {
    expect(matchRoute('GET', '/mock-passthrough/status/503')).toEqual({ kind: 'passthrough.status', status: 503 });
    expect(matchRoute('PUT', '/mock-passthrough/status/201')).toEqual({ kind: 'passthrough.status', status: 201 });
    expect(matchRoute('GET', '/mock-passthrough/sse')).toEqual({ kind: 'passthrough.sse' });
    expect(matchRoute('HEAD', '/mock-passthrough/sse')).toEqual({ kind: 'passthrough.echo' });
    expect(matchRoute('GET', '/mock-passthrough/status/')).toEqual({ kind: 'unknown' });
  });
});

describe('passthrough and the server', () => {
  it('requires the API key when configured, and still logs the refused request', async () => {
    const locked = await startMock({ apiKey: 'sk-pass' });
    try {
      const denied = await fetch(locked.url + '/mock-passthrough/x', { method: 'POST', body: 'secret body' });
      expect(denied.status).toBe(401);
      expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
      expect(lastLogged(locked)).toMatchObject({ path: '/mock-passthrough/x', body: 'secret body', bodyBytes: 11 });
      const ok = await fetch(locked.url + '/mock-passthrough/x', { method: 'POST', body: 'hi', headers: { authorization: 'Bearer sk-pass' } });
      expect(await ok.text()).toBe('hi');
    } finally {
      await locked.close();
    }
  });

  it('releases the connection when the client aborts mid-upload', async () => {
    const fresh = await startMock();
    const agent = new Agent();
    try {
      const controller = new AbortController();
      async function* endless(): AsyncGenerator<Buffer> {
        for (;;) {
          yield Buffer.alloc(64 * 1024, 1);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
      const res = await request(fresh.url + '/mock-passthrough/abort', { method: 'POST', body: Readable.from(endless()), dispatcher: agent, signal: controller.signal });
      let got = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        got += chunk.length;
        if (got > 512 * 1024) break;
      }
      controller.abort();
      expect(await eventually(() => fresh.openConnections() === 0, 5000)).toBe(true);
      const entry = lastLogged(fresh);
      expect(entry.bodyBytes ?? 0).toBeGreaterThan(512 * 1024);
    } finally {
      await agent.close();
      await fresh.close();
    }
  });
});
