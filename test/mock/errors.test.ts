// Error answers: the mock-error-* models (status, exact envelope, retry-after), the 500 burst,
// unknown routes, bad bodies, and the optional bearer-key check, seen through the SDK and raw HTTP.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { postJson, sdk } from './helpers.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  await mock.close();
});

interface Envelope {
  error: { message: string; type: string; param: string | null; code: string | null };
}

async function envelopeOf(res: Response): Promise<Envelope> {
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  const body = (await res.json()) as Envelope;
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  return body;
}

async function sdkError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof OpenAI.APIError)) throw new Error(`expected an APIError, got ${String(err)}`);
  return err;
}

describe('error models', () => {
  it('mock-error-429 is a rate-limit envelope with retry-after: 7, JSON and stream alike', async () => {
    for (const stream of [false, true]) {
      const res = await postJson(mock, '/v1/responses', { model: 'mock-error-429', input: 'hi', stream });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect((await envelopeOf(res)).error.code).toBe('rate_limit_exceeded');
    }
    const err = await sdkError(sdk(mock).responses.create({ model: 'mock-error-429', input: 'hi' }));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.headers?.get('retry-after')).toBe('7');
  });

  it('mock-error-500 is a server_error envelope', async () => {
    const res = await postJson(mock, '/v1/chat/completions', { model: 'mock-error-500', messages: [] });
    expect(res.status).toBe(500);
    expect((await envelopeOf(res)).error).toMatchObject({ type: 'server_error', param: null, code: null });
    const err = await sdkError(sdk(mock).responses.create({ model: 'mock-error-500', input: 'hi', stream: true }));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
  });

  it('mock-error-400 keeps code and param', async () => {
    const err = await sdkError(sdk(mock).responses.create({ model: 'mock-error-400', input: 'hi' }));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.code).toBe('invalid_value');
    expect(err.param).toBe('input');
    expect(err.type).toBe('invalid_request_error');
  });

  it('mock-error-text answers 400 with a plain-text body', async () => {
    const res = await postJson(mock, '/v1/responses', { model: 'mock-error-text', input: 'hi' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(text) as unknown).toThrow();
  });

  it('mock-burst-500 fails its first 3 calls, then answers; a new server starts over', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await postJson(mock, '/v1/responses', { model: 'mock-burst-500', input: 'hi' })).status);
    expect(statuses).toEqual([500, 500, 500, 200, 200]);
    const fresh = await startMock();
    try {
      expect((await postJson(fresh, '/v1/responses', { model: 'mock-burst-500', input: 'hi' })).status).toBe(500);
    } finally {
      await fresh.close();
    }
  });
});

describe('routing and request errors', () => {
  it('answers 404 Invalid URL for unknown paths and wrong methods', async () => {
    const unknown = await fetch(mock.url + '/v1/nope?x=1');
    expect(unknown.status).toBe(404);
    expect((await envelopeOf(unknown)).error.message).toBe('Invalid URL (GET /v1/nope)');
    const wrongMethod = await fetch(mock.url + '/v1/responses');
    expect(wrongMethod.status).toBe(404);
    expect((await envelopeOf(wrongMethod)).error.type).toBe('invalid_request_error');
  });

  it('rejects a body that is not JSON, or not an object, and a missing model', async () => {
    const bad = await fetch(mock.url + '/v1/responses', { method: 'POST', body: '{"model":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    await envelopeOf(bad);
    expect((await postJson(mock, '/v1/chat/completions', [1, 2])).status).toBe(400);
    const missing = await postJson(mock, '/v1/responses', { input: 'hi' });
    expect(missing.status).toBe(400);
    expect((await envelopeOf(missing)).error).toMatchObject({ param: 'model', code: 'missing_required_parameter' });
  });
});

describe('api key', () => {
  let locked: MockServer;
  beforeAll(async () => {
    locked = await startMock({ apiKey: 'sk-upstream-secret' });
  });
  afterAll(async () => {
    await locked.close();
  });

  it('requires the bearer key on every route when configured', async () => {
    const none = await fetch(locked.url + '/v1/models');
    expect(none.status).toBe(401);
    expect((await envelopeOf(none)).error.code).toBe('invalid_api_key');
    const wrong = await fetch(locked.url + '/_mock/requests', { headers: { authorization: 'Bearer sk-wrong' } });
    expect(wrong.status).toBe(401);
    const wrongBody = await envelopeOf(wrong);
    expect(wrongBody.error.message).not.toContain('sk-wrong');
    const err = await sdkError(sdk(locked, 'sk-nope').responses.create({ model: 'mock-echo', input: 'hi' }));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    const ok = await sdk(locked, 'sk-upstream-secret').responses.create({ model: 'mock-echo', input: 'hi' });
    expect(ok.output_text).toBe('hi');
  });

  it('still logs rejected requests', async () => {
    locked.clearRequests();
    await fetch(locked.url + '/v1/models');
    expect(locked.requests().map((r) => r.path)).toEqual(['/v1/models']);
  });
});
