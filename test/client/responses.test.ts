// The Responses caller against the real mock upstream (in-process, port 0): JSON and streamed
// text, usage, upstream model and timings; HTTP error envelopes; transport failures (refused
// port, timeout before headers, connection cut mid-stream).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponsesClientError, responsesEndpoint, sendResponsesRequest } from '../../src/client/index.js';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { closedPort } from '../helpers/http.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock({ apiKey: 'sk-mock' });
});
afterAll(async () => {
  await mock.close();
});

const INPUT = 'Say hello from AISIX.';
const base = () => ({ url: mock.url, apiKey: 'sk-mock', input: INPUT, timeoutMs: 5000 });

async function failure(promise: Promise<unknown>): Promise<ResponsesClientError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ResponsesClientError);
  return err as ResponsesClientError;
}

describe('sendResponsesRequest (JSON)', () => {
  it('returns the echoed text, usage, upstream model, request id and timings', async () => {
    const result = await sendResponsesRequest({ ...base(), model: 'mock-echo', stream: false });
    expect(result.status).toBe(200);
    expect(result.error).toBeNull();
    expect(result.text).toBe(INPUT);
    expect(result.model).toBe('mock-echo');
    expect(result.usage).toEqual({ input_tokens: 4, output_tokens: 4, total_tokens: 8, cached_tokens: 0, reasoning_tokens: 0, cache_creation_tokens: 0 });
    expect(result.requestId).toMatch(/^req_/);
    expect(result.response?.id).toMatch(/^resp_/);
    expect(result.timings.ttftMs).toBeNull();
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.headersMs);
    const sent = mock.requests().at(-1);
    expect(sent?.json).toEqual({ model: 'mock-echo', input: INPUT, stream: false });
    expect(sent?.headers.authorization).toBe('Bearer sk-mock');
  });

  it('reads cached and reasoning tokens', async () => {
    const result = await sendResponsesRequest({ ...base(), model: 'mock-reasoning', stream: false });
    expect(result.usage).toMatchObject({ cached_tokens: 64, reasoning_tokens: 32, input_tokens: 68, output_tokens: 36, total_tokens: 104 });
    expect(result.text).toBe(INPUT);
  });

  it('returns an HTTP error envelope as data, not as a throw', async () => {
    const result = await sendResponsesRequest({ ...base(), model: 'mock-error-429', stream: false });
    expect(result.status).toBe(429);
    expect(result.headers['retry-after']).toBe('7');
    expect(result.error).toMatchObject({ source: 'http', code: 'rate_limit_exceeded' });
    expect(result.error?.message).toMatch(/rate limit/i);
    expect(result.response).toBeNull();
  });

  it('keeps param and code of a 400 and the text of a non-JSON error body', async () => {
    const bad = await sendResponsesRequest({ ...base(), model: 'mock-error-400', stream: false });
    expect(bad.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_value', param: 'input' });
    const text = await sendResponsesRequest({ ...base(), model: 'mock-error-text', stream: false });
    expect(text.status).toBe(400);
    expect(text.json).toBeNull();
    expect(text.rawBody).not.toBeNull();
    expect(text.error).toMatchObject({ type: null, code: null, message: text.rawBody?.trim().slice(0, 1024) });
  });

  it('omits Authorization without a key (the mock answers 401 invalid_api_key)', async () => {
    const result = await sendResponsesRequest({ ...base(), apiKey: null, model: 'mock-echo', stream: false });
    expect(result.status).toBe(401);
    expect(result.error?.code).toBe('invalid_api_key');
    expect(mock.requests().at(-1)?.headers.authorization).toBeUndefined();
  });
});

describe('sendResponsesRequest (stream)', () => {
  it('reports deltas live and returns text, events, usage and TTFT', async () => {
    const deltas: string[] = [];
    const types: (string | null)[] = [];
    const result = await sendResponsesRequest({
      ...base(), model: 'mock-echo', stream: true,
      onDelta: (d) => deltas.push(d), onEvent: (e) => types.push(e.type),
    });
    expect(result.error).toBeNull();
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(INPUT);
    expect(result.text).toBe(INPUT);
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(result.events.map((e) => e.type)).toEqual(types);
    expect(result.terminal).toBe('response.completed');
    expect(result.model).toBe('mock-echo');
    expect(result.usage).toEqual({ input_tokens: 4, output_tokens: 4, total_tokens: 8, cached_tokens: 0, reasoning_tokens: 0, cache_creation_tokens: 0 });
    const { headersMs, ttftMs, totalMs } = result.timings;
    expect(ttftMs).not.toBeNull();
    expect(ttftMs as number).toBeGreaterThanOrEqual(headersMs);
    expect(totalMs).toBeGreaterThanOrEqual(ttftMs as number);
  });

  it('measures TTFT after the first delta (mock-slow: 500 ms before the first byte)', async () => {
    const result = await sendResponsesRequest({ ...base(), model: 'mock-slow', stream: true, keepEvents: false });
    expect(result.events).toEqual([]);
    expect(result.timings.ttftMs as number).toBeGreaterThanOrEqual(450);
    expect(result.timings.totalMs).toBeGreaterThan(result.timings.ttftMs as number);
  });

  it('reads reasoning usage from the terminal event and ignores the summary text', async () => {
    const result = await sendResponsesRequest({ ...base(), model: 'mock-reasoning', stream: true });
    expect(result.text).toBe(INPUT);
    expect(result.usage).toMatchObject({ cached_tokens: 64, reasoning_tokens: 32 });
  });

  it('returns a pre-stream HTTP error as an envelope', async () => {
    const result = await sendResponsesRequest({ ...base(), model: 'mock-error-500', stream: true });
    expect(result.status).toBe(500);
    expect(result.events).toEqual([]);
    expect(result.error).toMatchObject({ source: 'http', type: 'server_error' });
  });

  it('handles \\r\\n line endings and frames split at every byte', async () => {
    for (const model of ['mock-crlf', 'mock-bytewise', 'mock-data-only']) {
      const result = await sendResponsesRequest({ ...base(), model, stream: true });
      expect(result.text, model).toBe(INPUT);
      expect(result.terminal, model).toBe('response.completed');
    }
  });

  it('keeps a non-JSON frame as raw data and carries on', async () => {
    const result = await sendResponsesRequest({ ...base(), model: 'mock-bad-sse', stream: true });
    expect(result.events.some((e) => e.json === undefined)).toBe(true);
    expect(result.text).toBe(INPUT);
    expect(result.error).toBeNull();
  });

  it('reports a connection cut mid-stream as a network failure after the headers', async () => {
    const deltas: string[] = [];
    const err = await failure(sendResponsesRequest({ ...base(), model: 'mock-cut', stream: true, onDelta: (d) => deltas.push(d) }));
    expect(err.kind).toBe('network');
    expect(err.afterHeaders).toBe(true);
    expect(deltas.length).toBeGreaterThan(0);
  });
});

describe('transport failures', () => {
  it('connection refused on a closed port', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const err = await failure(sendResponsesRequest({ ...base(), url, model: 'mock-echo', stream: false }));
    expect(err.kind).toBe('connect');
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.url).toBe(url);
    expect(err.message).toBe(`cannot connect to ${url} (ECONNREFUSED)`);
  });

  it('times out when no headers arrive (mock-hang)', async () => {
    for (const stream of [false, true]) {
      const started = Date.now();
      const err = await failure(sendResponsesRequest({ ...base(), model: 'mock-hang', stream, timeoutMs: 300 }));
      expect(err.kind).toBe('timeout');
      expect(err.afterHeaders).toBe(false);
      expect(err.message).toBe('no response within 300 ms');
      expect(Date.now() - started).toBeLessThan(3000);
    }
  });

  it('times out while a stream stalls after its headers (mock-stall)', async () => {
    const err = await failure(sendResponsesRequest({ ...base(), model: 'mock-stall', stream: true, timeoutMs: 400 }));
    expect(err.kind).toBe('timeout');
    expect(err.afterHeaders).toBe(true);
    expect(err.message).toBe('the response did not finish within 400 ms');
  });
});

describe('responsesEndpoint', () => {
  it('appends /v1/responses, or /responses to a URL that ends in /v1', () => {
    expect(responsesEndpoint('http://h:1')).toBe('http://h:1/v1/responses');
    expect(responsesEndpoint('http://h:1/')).toBe('http://h:1/v1/responses');
    expect(responsesEndpoint('http://h:1/v1/')).toBe('http://h:1/v1/responses');
  });
});
