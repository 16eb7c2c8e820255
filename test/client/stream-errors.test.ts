// In-stream errors: an `error` frame in the nested (wire) and flat (schema) forms, a stream that
// ends with `response.failed`, one that ends without a terminal event, and the proxy's own
// `upstream_stream_interrupted` frame when the upstream (`mock-cut`) breaks mid-stream.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendResponsesRequest } from '../../src/client/index.js';
import { CALLER_KEY, startStack, type Stack } from '../helpers/stack.js';

const frame = (data: Record<string, unknown>): string => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;
const created = frame({ type: 'response.created', sequence_number: 0, response: { id: 'resp_1', model: 'm-1', usage: null } });
const delta = (text: string, n: number): string => frame({ type: 'response.output_text.delta', sequence_number: n, delta: text });

/** Canned SSE bodies by model name. */
const BODIES: Record<string, string> = {
  nested: created + delta('Hel', 1) + frame({ type: 'error', sequence_number: 2, error: { type: 'insufficient_quota', code: 'insufficient_quota', message: 'You exceeded your current quota', param: null } })
    + frame({ type: 'response.failed', sequence_number: 3, response: { id: 'resp_1', model: 'm-1', status: 'failed', error: { code: 'insufficient_quota', message: 'quota' }, usage: null } }),
  flat: created + delta('Hel', 1) + delta('lo', 2) + frame({ type: 'error', sequence_number: 3, code: 'upstream_stream_interrupted', message: 'the upstream stream broke: UND_ERR_SOCKET' }),
  failed: created + frame({ type: 'response.failed', sequence_number: 1, response: { id: 'resp_1', model: 'm-1', status: 'failed', error: { code: 'server_error', message: 'Sorry, something went wrong.' }, usage: null } }),
  truncated: created + delta('Hel', 1),
};

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const { model } = JSON.parse(body) as { model: string };
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-aisix-request-id': 'rid-1' });
      res.end(BODIES[model]);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const call = (model: string) => sendResponsesRequest({ url, model, input: 'x', stream: true, timeoutMs: 5000 });

describe('in-stream errors', () => {
  it('reads the nested form and keeps the first error over the failed response', async () => {
    const result = await call('nested');
    expect(result.status).toBe(200);
    expect(result.requestId).toBe('rid-1');
    expect(result.text).toBe('Hel');
    expect(result.terminal).toBe('response.failed');
    expect(result.error).toEqual({ source: 'stream', type: 'insufficient_quota', code: 'insufficient_quota', param: null, message: 'You exceeded your current quota' });
  });

  it('reads the flat form (the proxy’s interrupt frame)', async () => {
    const result = await call('flat');
    expect(result.text).toBe('Hello');
    expect(result.terminal).toBeNull();
    expect(result.model).toBe('m-1');
    expect(result.error).toEqual({ source: 'stream', type: null, code: 'upstream_stream_interrupted', param: null, message: 'the upstream stream broke: UND_ERR_SOCKET' });
  });

  it('turns response.failed without an error frame into the response’s error', async () => {
    const result = await call('failed');
    expect(result.terminal).toBe('response.failed');
    expect(result.error).toMatchObject({ source: 'response', code: 'server_error', message: 'Sorry, something went wrong.' });
  });

  it('flags a stream that ended cleanly without a terminal event', async () => {
    const result = await call('truncated');
    expect(result.text).toBe('Hel');
    expect(result.error).toMatchObject({ source: 'stream', code: 'stream_incomplete' });
  });
});

describe('through the proxy', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('gets upstream_stream_interrupted when the upstream cuts the stream (mock-cut)', async () => {
    const deltas: string[] = [];
    const result = await sendResponsesRequest({
      url: stack.url, apiKey: CALLER_KEY, model: 'cut', input: 'one two three four five six seven eight', stream: true,
      timeoutMs: 5000, onDelta: (d) => deltas.push(d),
    });
    expect(result.status).toBe(200);
    expect(deltas.length).toBeGreaterThan(0);
    expect(result.text).toBe(deltas.join(''));
    expect(result.error?.code).toBe('upstream_stream_interrupted');
    const [finished] = await stack.waitForEvents(1);
    expect(result.requestId).toBe(finished?.id);
  });

  it('gets the proxy’s 401 envelope and request id for a bad key', async () => {
    const result = await sendResponsesRequest({ url: stack.url, apiKey: 'sk-wrong', model: 'gpt', input: 'hi', stream: false });
    expect(result.status).toBe(401);
    expect(result.error).toMatchObject({ source: 'http', type: 'invalid_api_key' });
    expect(result.requestId).toBe(result.headers['x-aisix-request-id']);
    expect(result.requestId).not.toBeNull();
  });
});
