// POST /v1/responses/compact through the official SDK (`client.responses.compact`): the
// `response.compaction` shape (every user message, then one compaction item whose content decodes to
// the summary), word-count usage, previous_response_id, and the model-name behaviours.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { postJson, sdk, words } from './helpers.js';

let mock: MockServer;
let client: OpenAI;
beforeAll(async () => {
  mock = await startMock();
  client = sdk(mock);
});
afterAll(async () => {
  await mock.close();
});

const INPUT = [
  { role: 'user' as const, content: 'plan a trip to Lisbon' },
  { role: 'assistant' as const, content: 'sure, for how many days' },
  { role: 'user' as const, content: [{ type: 'input_text' as const, text: 'three days in May' }] },
];

interface RawCompaction {
  id: string;
  object: string;
  created_at: number;
  output: { id: string; type: string; role?: string; content?: { type: string; text: string }[]; encrypted_content?: string }[];
  usage?: Record<string, unknown>;
}

function unseal(encrypted: string | undefined): string {
  return Buffer.from(encrypted ?? '', 'base64').toString();
}

async function sdkError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof OpenAI.APIError)) throw new Error(`expected an APIError, got ${String(err)}`);
  return err;
}

describe('POST /v1/responses/compact', () => {
  it('answers a response.compaction: the user messages, then one compaction item', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { data, request_id } = await client.responses.compact({ model: 'mock-echo', input: INPUT }).withResponse();
    expect(Object.keys(data).sort()).toEqual(['created_at', 'id', 'object', 'output', 'usage']);
    expect(data.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(data.object).toBe('response.compaction');
    expect(data.created_at).toBeGreaterThanOrEqual(before);
    expect(request_id).toMatch(/^req_/);
    const raw = data as unknown as RawCompaction;
    expect(raw.output.map((item) => item.role ?? item.type)).toEqual(['user', 'user', 'compaction']);
    expect(raw.output[0]).toMatchObject({ type: 'message', status: 'completed', content: [{ type: 'input_text', text: 'plan a trip to Lisbon' }] });
    expect(raw.output[1]?.content).toEqual([{ type: 'input_text', text: 'three days in May' }]);
    for (const item of raw.output.slice(0, 2)) expect(item.id).toMatch(/^msg_/);
    const compaction = data.output[2];
    expect(compaction?.type).toBe('compaction');
    if (compaction?.type !== 'compaction') return;
    expect(Object.keys(compaction).sort()).toEqual(['encrypted_content', 'id', 'type']);
    expect(compaction.id).toMatch(/^cmp_/);
    expect(unseal(compaction.encrypted_content)).toBe('three days in May');
    const inputWords = INPUT.reduce((n, m) => n + words(typeof m.content === 'string' ? m.content : m.content[0]?.text ?? ''), 0);
    expect(data.usage).toEqual({
      input_tokens: inputWords,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 4,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputWords + 4,
    });
  });

  it('takes a string input and counts instructions as input', async () => {
    const instructions = 'Keep every date';
    const data = await client.responses.compact({ model: 'any-model', input: 'a short history', instructions });
    const raw = data as unknown as RawCompaction;
    expect(raw.output.map((item) => item.role ?? item.type)).toEqual(['user', 'compaction']);
    expect(unseal(raw.output[1]?.encrypted_content)).toBe('a short history');
    expect(data.usage.input_tokens).toBe(words(instructions) + 3);
    expect(data.usage.output_tokens).toBe(3);
  });

  it('puts the input of previous_response_id first, and 400s for an unknown one', async () => {
    const previous = await client.responses.create({ model: 'mock-echo', input: 'earlier turn' });
    const data = await client.responses.compact({ model: 'mock-echo', previous_response_id: previous.id, input: 'later turn' });
    const raw = data as unknown as RawCompaction;
    expect(raw.output.map((item) => item.content?.[0]?.text ?? item.type)).toEqual(['earlier turn', 'later turn', 'compaction']);
    const onlyPrevious = (await client.responses.compact({ model: 'mock-echo', previous_response_id: previous.id })) as unknown as RawCompaction;
    expect(unseal(onlyPrevious.output[1]?.encrypted_content)).toBe('earlier turn');
    const err = await sdkError(client.responses.compact({ model: 'mock-echo', previous_response_id: 'resp_nope', input: 'x' }));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.error).toEqual({
      message: "Previous response with id 'resp_nope' not found.",
      type: 'invalid_request_error',
      param: 'previous_response_id',
      code: 'previous_response_not_found',
    });
  });

  it('stores nothing: the id is not a retrievable response', async () => {
    const data = await client.responses.compact({ model: 'mock-echo', input: 'x' });
    expect((await fetch(`${mock.url}/v1/responses/${data.id}`)).status).toBe(404);
  });

  it('lets x-mock-output and metadata.mock_output replace the summary', async () => {
    const header = await client.responses.compact({ model: 'mock-tool', input: 'ignored' }, { headers: { 'x-mock-output': 'the header summary' } });
    const sealed = header.output[header.output.length - 1];
    expect(sealed?.type === 'compaction' ? unseal(sealed.encrypted_content) : undefined).toBe('the header summary');
    expect(header.usage.output_tokens).toBe(3);
    const res = await postJson(mock, '/v1/responses/compact', { model: 'mock-echo', input: 'ignored', metadata: { mock_output: 'from metadata' } });
    const body = (await res.json()) as RawCompaction;
    expect(unseal(body.output[body.output.length - 1]?.encrypted_content)).toBe('from metadata');
  });

  it('applies the usage models: mock-reasoning, mock-cache, mock-no-usage', async () => {
    const reasoning = await client.responses.compact({ model: 'mock-reasoning', input: 'two words' });
    expect(reasoning.usage).toEqual({
      input_tokens: 2 + 64,
      input_tokens_details: { cached_tokens: 64 },
      output_tokens: 2 + 32,
      output_tokens_details: { reasoning_tokens: 32 },
      total_tokens: 2 + 64 + 2 + 32,
    });
    expect((await client.responses.compact({ model: 'mock-cache', input: 'two words' })).usage.input_tokens_details.cached_tokens).toBe(64);
    const res = await postJson(mock, '/v1/responses/compact', { model: 'mock-no-usage', input: 'two words' });
    expect(Object.keys((await res.json()) as RawCompaction)).not.toContain('usage');
  });

  it('applies the error and fault models', async () => {
    const limited = await sdkError(client.responses.compact({ model: 'mock-error-429', input: 'x' }));
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited.headers?.get('retry-after')).toBe('7');
    expect(await sdkError(client.responses.compact({ model: 'mock-error-500', input: 'x' }))).toBeInstanceOf(OpenAI.InternalServerError);
    const text = await postJson(mock, '/v1/responses/compact', { model: 'mock-error-text', input: 'x' });
    expect(text.status).toBe(400);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    await expect(postJson(mock, '/v1/responses/compact', { model: 'mock-cut', input: 'x' })).rejects.toThrow();
    await expect(postJson(mock, '/v1/responses/compact', { model: 'mock-reset', input: 'x' })).rejects.toThrow();
    const started = Date.now();
    expect((await postJson(mock, '/v1/responses/compact', { model: 'mock-slow', input: 'x' })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('answers 400 for a missing model or a body that is not JSON, and 404 for other methods', async () => {
    const missing = await postJson(mock, '/v1/responses/compact', { input: 'x' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { param: string; code: string } }).error).toMatchObject({ param: 'model', code: 'missing_required_parameter' });
    const bad = await fetch(mock.url + '/v1/responses/compact', { method: 'POST', body: 'nope' });
    expect(bad.status).toBe(400);
    const get = await fetch(mock.url + '/v1/responses/compact');
    expect(get.status).toBe(404);
    expect(((await get.json()) as { error: { message: string } }).error.message).toBe('Invalid URL (GET /v1/responses/compact)');
  });

  it('writes the body in the requested JSON style', async () => {
    const res = await postJson(mock, '/v1/responses/compact', { model: 'mock-echo', input: 'styled' }, { 'x-mock-json-style': 'usage-first' });
    expect((await res.text()).startsWith('{"usage":{')).toBe(true);
  });
});
