// POST /v1/moderations through the official SDK and raw HTTP: one result per input (one for a
// multi-modal array), the "violence" word rule, OpenAI's 13 categories, no usage except for
// mock-usage, the 400s, and the model-name behaviours when a model is sent.
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

const CATEGORIES = [
  'harassment',
  'harassment/threatening',
  'hate',
  'hate/threatening',
  'illicit',
  'illicit/violent',
  'self-harm',
  'self-harm/intent',
  'self-harm/instructions',
  'sexual',
  'sexual/minors',
  'violence',
  'violence/graphic',
];
const IMAGE_CATEGORIES = ['self-harm', 'self-harm/intent', 'self-harm/instructions', 'sexual', 'violence', 'violence/graphic'];

interface WireResult {
  flagged: boolean;
  categories: Record<string, boolean>;
  category_scores: Record<string, number>;
  category_applied_input_types: Record<string, string[]>;
}
interface WireModeration {
  id: string;
  model: string;
  results: WireResult[];
  usage?: { prompt_tokens: number; total_tokens: number };
  error?: { param: string | null; code: string | null; type: string };
}

async function post(body: unknown): Promise<{ status: number; json: WireModeration }> {
  const res = await postJson(mock, '/v1/moderations', body);
  return { status: res.status, json: (await res.json()) as WireModeration };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('POST /v1/moderations', () => {
  it('flags a text with the word violence (SDK), with the default model and no usage', async () => {
    const res = await sdk(mock).moderations.create({ input: 'a story full of violence and nothing else' });
    expect(res.id).toMatch(/^modr-[0-9a-f]+$/);
    expect(res.model).toBe('omni-moderation-latest');
    expect(res.results).toHaveLength(1);
    const result = res.results[0];
    expect(result?.flagged).toBe(true);
    expect(Object.keys(result?.categories ?? {})).toEqual(CATEGORIES);
    expect(Object.keys(result?.category_scores ?? {})).toEqual(CATEGORIES);
    expect(Object.keys(result?.category_applied_input_types ?? {})).toEqual(CATEGORIES);
    for (const name of CATEGORIES) {
      const key = name as keyof OpenAI.Moderation.Categories;
      expect(result?.categories[key], name).toBe(name === 'violence');
      expect(result?.category_scores[key], name).toBe(name === 'violence' ? 0.9 : 0.0001);
      expect(result?.category_applied_input_types[key], name).toEqual(['text']);
    }
    const raw = await post({ input: 'violence' });
    expect(Object.keys(raw.json)).toEqual(['id', 'model', 'results']);
    expect(Object.keys(raw.json.results[0] ?? {})).toEqual(['flagged', 'categories', 'category_scores', 'category_applied_input_types']);
  });

  it('answers one result per string, flagging only the whole word, in any case', async () => {
    const inputs = ['a calm and peaceful day', 'VIOLENCE.', 'no (Violence) here?', 'nonviolence', 'violent', 'violence_x', 'x-violence-y', ''];
    const res = await sdk(mock).moderations.create({ model: 'omni-moderation-2024-09-26', input: inputs });
    expect(res.model).toBe('omni-moderation-2024-09-26');
    expect(res.results.map((r) => r.flagged)).toEqual([false, true, true, false, false, false, true, false]);
    expect(res.results.map((r) => r.categories.violence)).toEqual(res.results.map((r) => r.flagged));
  });

  it('treats a multi-modal array as one input; images are never flagged but are applied', async () => {
    const image = { type: 'image_url' as const, image_url: { url: 'https://example.com/cat.png' } };
    const mixed = await sdk(mock).moderations.create({ input: [{ type: 'text', text: 'some' }, image, { type: 'text', text: 'violence' }] });
    expect(mixed.results).toHaveLength(1);
    expect(mixed.results[0]?.flagged).toBe(true);
    const applied = mixed.results[0]?.category_applied_input_types as unknown as Record<string, string[]>;
    for (const name of CATEGORIES) expect(applied[name], name).toEqual(IMAGE_CATEGORIES.includes(name) ? ['text', 'image'] : ['text']);

    const only = await sdk(mock).moderations.create({ input: [image] });
    expect(only.results[0]?.flagged).toBe(false);
    const onlyApplied = only.results[0]?.category_applied_input_types as unknown as Record<string, string[]>;
    for (const name of CATEGORIES) expect(onlyApplied[name], name).toEqual(IMAGE_CATEGORIES.includes(name) ? ['image'] : []);
  });

  it('adds usage (words of the texts) only for mock-usage', async () => {
    const texts = ['one two three', 'four five'];
    expect((await post({ model: 'mock-echo', input: texts })).json.usage).toBeUndefined();
    expect((await post({ model: 'mock-no-usage', input: texts })).json.usage).toBeUndefined();
    const counted = await post({ model: 'mock-usage', input: texts });
    expect(counted.json.model).toBe('mock-usage');
    expect(Object.keys(counted.json)).toEqual(['id', 'model', 'results', 'usage']);
    const total = words(texts.join(' '));
    expect(counted.json.usage).toEqual({ prompt_tokens: total, total_tokens: total });
    const parts = await post({ model: 'mock-usage', input: [{ type: 'text', text: 'a b' }, { type: 'image_url', image_url: { url: 'data:,' } }] });
    expect(parts.json.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
  });

  it('400s a missing or badly shaped input, and a model that is not a string', async () => {
    const missing = await post({ model: 'omni-moderation-latest' });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatchObject({ type: 'invalid_request_error', param: 'input', code: 'missing_required_parameter' });
    const shapes: unknown[] = [5, [], [1], ['a', 2], [{ type: 'audio' }], [{ type: 'text' }], [{ type: 'image_url', image_url: 'x' }], [{ type: 'text', text: 'a' }, 'b'], { text: 'x' }];
    for (const input of shapes) {
      const { status, json } = await post({ input });
      expect(status, JSON.stringify(input)).toBe(400);
      expect(json.error).toMatchObject({ param: 'input', code: 'invalid_value' });
    }
    const badModel = await post({ model: 7, input: 'x' });
    expect(badModel.status).toBe(400);
    expect(badModel.json.error?.param).toBe('model');
    expect(await rejection(sdk(mock).moderations.create({ input: [] }))).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe('model-name behaviours on /v1/moderations', () => {
  it('apply when a model is sent: 500, 429 with retry-after, slow', async () => {
    expect(await rejection(sdk(mock).moderations.create({ model: 'mock-error-500', input: 'x' }))).toBeInstanceOf(OpenAI.InternalServerError);
    const limited = await rejection(sdk(mock).moderations.create({ model: 'mock-error-429', input: 'x' }));
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('7');
    const started = Date.now();
    await sdk(mock).moderations.create({ model: 'mock-slow', input: 'x' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(await rejection(postJson(mock, '/v1/moderations', { model: 'mock-cut', input: 'x' }))).toBeInstanceOf(TypeError);
  });

  it('without a model nothing special happens', async () => {
    const started = Date.now();
    const res = await post({ input: 'x' });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(400);
  });
});
