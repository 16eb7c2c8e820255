// POST /v1/embeddings through the official SDK and raw HTTP: the list shape, deterministic unit
// vectors, base64 as little-endian float32, token arrays, word-count usage, the 400s, and the
// model-name behaviours (errors, 429 retry-after, slow, burst, cut, no usage) on this route too.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { postJson, sdk, words } from './helpers.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  await mock.close();
});

interface WireEmbeddings {
  object: string;
  data: { object: string; index: number; embedding: number[] | string }[];
  model: string;
  usage?: { prompt_tokens: number; total_tokens: number };
}

interface Envelope {
  error: { message: string; type: string; param: string | null; code: string | null };
}

async function post(body: unknown, server: MockServer = mock): Promise<{ status: number; json: WireEmbeddings & Envelope; text: string }> {
  const res = await postJson(server, '/v1/embeddings', body);
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as WireEmbeddings & Envelope, text };
}

/** Little-endian float32 decoding written independently of the mock. */
function decodeBase64(text: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) out.push(bytes.readFloatLE(i));
  return out;
}

function norm(vector: readonly number[]): number {
  return Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('POST /v1/embeddings', () => {
  it('answers the OpenAI list shape with an 8-float unit vector and word-count usage (SDK, float)', async () => {
    const input = 'The quick brown fox jumped over the lazy dog';
    const res = await sdk(mock).embeddings.create({ model: 'text-embedding-3-small', input, encoding_format: 'float' });
    expect(res.object).toBe('list');
    expect(res.model).toBe('text-embedding-3-small');
    expect(res.data).toHaveLength(1);
    const item = res.data[0];
    expect(item?.object).toBe('embedding');
    expect(item?.index).toBe(0);
    expect(item?.embedding).toHaveLength(8);
    expect(norm(item?.embedding ?? [])).toBeCloseTo(1, 5);
    expect(res.usage).toEqual({ prompt_tokens: words(input), total_tokens: words(input) });
  });

  it('writes the keys in OpenAI order, exactly these keys', async () => {
    const { status, json, text } = await post({ model: 'm', input: 'a b' });
    expect(status).toBe(200);
    expect(Object.keys(json)).toEqual(['object', 'data', 'model', 'usage']);
    expect(Object.keys(json.data[0] ?? {})).toEqual(['object', 'index', 'embedding']);
    expect(text.startsWith('{"object":"list","data":[{"object":"embedding","index":0,"embedding":[')).toBe(true);
  });

  it('is deterministic per text, across requests and servers; different texts differ', async () => {
    const a1 = (await post({ model: 'x', input: 'alpha' })).json.data[0]?.embedding;
    const a2 = (await post({ model: 'other-model', input: 'alpha' })).json.data[0]?.embedding;
    const b = (await post({ model: 'x', input: 'beta' })).json.data[0]?.embedding;
    const fresh = await startMock();
    try {
      expect((await post({ model: 'x', input: 'alpha' }, fresh)).json.data[0]?.embedding).toEqual(a1);
    } finally {
      await fresh.close();
    }
    expect(a2).toEqual(a1);
    expect(b).not.toEqual(a1);
  });

  it('embeds each string of an array at its index, like single calls, and sums the usage', async () => {
    const inputs = ['first text here', 'second', 'and the third one'];
    const batch = await sdk(mock).embeddings.create({ model: 'm', input: inputs, encoding_format: 'float' });
    expect(batch.data.map((d) => d.index)).toEqual([0, 1, 2]);
    for (const [i, text] of inputs.entries()) {
      const single = await sdk(mock).embeddings.create({ model: 'm', input: text, encoding_format: 'float' });
      expect(batch.data[i]?.embedding).toEqual(single.data[0]?.embedding);
    }
    const total = inputs.reduce((sum, text) => sum + words(text), 0);
    expect(batch.usage).toEqual({ prompt_tokens: total, total_tokens: total });
  });

  it('honours dimensions', async () => {
    const res = await sdk(mock).embeddings.create({ model: 'm', input: 'dims', dimensions: 256, encoding_format: 'float' });
    expect(res.data[0]?.embedding).toHaveLength(256);
    expect(norm(res.data[0]?.embedding ?? [])).toBeCloseTo(1, 5);
    const short = await sdk(mock).embeddings.create({ model: 'm', input: 'dims', dimensions: 1, encoding_format: 'float' });
    expect(short.data[0]?.embedding.map(Math.abs)).toEqual([1]);
  });

  it('base64 carries the same float32 values as little-endian bytes; the SDK default decodes it', async () => {
    const float = (await post({ model: 'm', input: 'encode me', dimensions: 16 })).json.data[0]?.embedding as number[];
    const raw = (await post({ model: 'm', input: 'encode me', dimensions: 16, encoding_format: 'base64' })).json.data[0]?.embedding;
    expect(typeof raw).toBe('string');
    expect(Buffer.from(raw as string, 'base64')).toHaveLength(64);
    expect(decodeBase64(raw as string)).toEqual(float);
    expect(float.every((v) => Math.fround(v) === v)).toBe(true);

    mock.clearRequests();
    const viaSdk = await sdk(mock).embeddings.create({ model: 'm', input: 'encode me', dimensions: 16 });
    expect((mock.requests()[0]?.json as { encoding_format?: string }).encoding_format).toBe('base64');
    expect(Array.from(viaSdk.data[0]?.embedding ?? [])).toEqual(float);
  });

  it('takes token arrays: one array is one input, an array of arrays one each; a token counts 1', async () => {
    const one = (await post({ model: 'm', input: [101, 2023, 2003], encoding_format: 'float' })).json;
    expect(one.data).toHaveLength(1);
    expect(one.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    const many = await sdk(mock).embeddings.create({ model: 'm', input: [[1, 2], [3], [1, 2]], encoding_format: 'float' });
    expect(many.data).toHaveLength(3);
    expect(many.data[0]?.embedding).toEqual(many.data[2]?.embedding);
    expect(many.data[0]?.embedding).not.toEqual(many.data[1]?.embedding);
    expect(many.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
    for (const lookalike of ['1 2', 'tokens:1 2', 'text:tokens:1 2']) {
      const text = (await post({ model: 'm', input: lookalike })).json.data[0]?.embedding;
      expect(text, lookalike).not.toEqual(many.data[0]?.embedding);
    }
  });

  it('follows the request JSON style (usage first)', async () => {
    const res = await postJson(mock, '/v1/embeddings', { model: 'm', input: 'styled' }, { 'x-mock-json-style': 'usage-first' });
    expect((await res.text()).startsWith('{"usage":{"prompt_tokens":1,"total_tokens":1},"object":"list"')).toBe(true);
  });
});

describe('POST /v1/embeddings errors', () => {
  it('400s a missing model or input with missing_required_parameter', async () => {
    const noModel = await post({ input: 'x' });
    expect(noModel.status).toBe(400);
    expect(noModel.json.error).toMatchObject({ type: 'invalid_request_error', param: 'model', code: 'missing_required_parameter' });
    const noInput = await post({ model: 'm' });
    expect(noInput.status).toBe(400);
    expect(noInput.json.error).toMatchObject({ type: 'invalid_request_error', param: 'input', code: 'missing_required_parameter' });
    const err = await rejection(sdk(mock).embeddings.create({ model: 'm', input: '' }));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('400s inputs of the wrong shape, and bad encoding_format or dimensions', async () => {
    const inputs: unknown[] = ['', [], [''], ['a', 1], [1, 'a'], [-1], [1.5], [[]], [[1], 2], [{ text: 'x' }], 42, { text: 'x' }];
    for (const input of inputs) {
      const { status, json } = await post({ model: 'm', input });
      expect(status, JSON.stringify(input)).toBe(400);
      expect(json.error).toMatchObject({ type: 'invalid_request_error', param: 'input', code: 'invalid_value' });
    }
    expect((await post({ model: 'm', input: 'x', encoding_format: 'hex' })).json.error.param).toBe('encoding_format');
    for (const dimensions of [0, -3, 1.5, '8', 8193]) {
      const { status, json } = await post({ model: 'm', input: 'x', dimensions });
      expect(status).toBe(400);
      expect(json.error.param).toBe('dimensions');
    }
    expect((await post({ model: 'm', input: Array.from({ length: 2049 }, () => 'x') })).status).toBe(400);
  });

  it('validates the body before the model behaviour: a bad body to mock-error-500 is a 400', async () => {
    expect((await post({ model: 'mock-error-500' })).status).toBe(400);
  });
});

describe('model-name behaviours on /v1/embeddings', () => {
  it('mock-error-500 and mock-error-429 (retry-after: 7), through the SDK', async () => {
    expect(await rejection(sdk(mock).embeddings.create({ model: 'mock-error-500', input: 'x' }))).toBeInstanceOf(OpenAI.InternalServerError);
    const limited = await rejection(sdk(mock).embeddings.create({ model: 'mock-error-429', input: 'x' }));
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('7');
    const res = await postJson(mock, '/v1/embeddings', { model: 'mock-error-400', input: 'x' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Envelope).error).toMatchObject({ param: 'input', code: 'invalid_value' });
    expect((await postJson(mock, '/v1/embeddings', { model: 'mock-error-text', input: 'x' })).headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('mock-slow waits 500 ms before answering', async () => {
    const started = Date.now();
    const res = await sdk(mock).embeddings.create({ model: 'mock-slow', input: 'x', encoding_format: 'float' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(res.data).toHaveLength(1);
  });

  it('mock-burst-500 fails its first 3 calls on a fresh server', async () => {
    const fresh = await startMock();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await postJson(fresh, '/v1/embeddings', { model: 'mock-burst-500', input: 'x' })).status);
      expect(statuses).toEqual([500, 500, 500, 200]);
    } finally {
      await fresh.close();
    }
  });

  it('mock-no-usage leaves usage out; mock-cut drops the connection; mock-reset resets it', async () => {
    const { json } = await post({ model: 'mock-no-usage', input: 'x' });
    expect(json.data).toHaveLength(1);
    expect(Object.keys(json)).toEqual(['object', 'data', 'model']);
    for (const model of ['mock-cut', 'mock-reset']) {
      const err = await rejection(postJson(mock, '/v1/embeddings', { model, input: 'x' }));
      expect(err, model).toBeInstanceOf(TypeError);
    }
  });

  it('mock-stall sends half the body with the full content-length, then nothing', async () => {
    const res = await postJson(mock, '/v1/embeddings', { model: 'mock-stall', input: 'x' });
    const length = Number(res.headers.get('content-length'));
    expect(length).toBeGreaterThan(0);
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(first?.value?.length ?? 0).toBeLessThan(length);
    const more = await Promise.race([reader?.read().then(() => 'more'), new Promise((resolve) => setTimeout(() => resolve('silent'), 200))]);
    expect(more).toBe('silent');
    await reader?.cancel();
  });
});
