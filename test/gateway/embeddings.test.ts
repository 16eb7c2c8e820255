// `/v1/embeddings` and `/v1/moderations` as model endpoints (DESIGN.md §10) through the real
// loader, gateway and mock, driven by the official SDK: alias resolution and the upstream model,
// allowed_models, input guardrails over every input string (the upstream never contacted on a
// block), usage from `usage.prompt_tokens` on the event, the 400 for a missing `input`, and the
// request id under both of its names on every answer.
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishedFor, requestIdOf } from '../helpers/finished.js';
import { jsonOf, rawRequest } from '../helpers/http.js';
import { apiKey, CALLER_KEY, configYaml, DEFAULT_MODELS, keywordGuardrail, model, startStack, type Stack } from '../helpers/stack.js';

const LIMITED_KEY = 'sk-limited';
let stack: Stack;
let sdk: OpenAI;

async function sdkError(promise: Promise<unknown>): Promise<APIError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  if (!(err instanceof APIError)) throw new Error(`expected an APIError, got ${String(err)}`);
  return err;
}

beforeAll(async () => {
  stack = await startStack({
    env: { LIMITED_KEY },
    yaml: configYaml({
      models: [...DEFAULT_MODELS, model('embed', 'text-embedding-3-small', { cost: { input_per_1k: 0.02, output_per_1k: 0 } }), model('moderate', 'omni-moderation-latest')],
      api_keys: [apiKey('dev', 'CALLER_KEY'), apiKey('limited', 'LIMITED_KEY', { allowed_models: ['gpt'] })],
      guardrails: [keywordGuardrail('no-secrets', ['project-zebra'], { hook_point: 'input' })],
    }),
  });
  sdk = stack.client();
});

afterAll(async () => {
  await stack?.close();
});

describe('/v1/embeddings', () => {
  it('resolves the alias, forwards the upstream model, and records usage from prompt_tokens', async () => {
    const { data, response } = await sdk.embeddings.create({ model: 'embed', input: ['one two three', 'four five'] }).withResponse();
    expect(data.data).toHaveLength(2);
    expect(data.data[0]?.embedding.length).toBeGreaterThan(0);
    expect(data.model).toBe('text-embedding-3-small');
    const id = response.headers.get('x-aisix-request-id') as string;
    expect(response.headers.get('x-aisix-call-id')).toBe(id);
    const event = await finishedFor(stack, id);
    expect(event).toMatchObject({ route: '/v1/embeddings', alias: 'embed', upstream_model: 'text-embedding-3-small', status: 200, outcome: 'ok', stream: false });
    expect(event.usage?.input_tokens).toBe(data.usage.prompt_tokens);
    expect(event.usage?.total_tokens).toBe(data.usage.total_tokens);
    expect(event.usage?.output_tokens).toBe(0);
    expect(event.cost_usd).toBeCloseTo((data.usage.prompt_tokens * 0.02) / 1000, 9);
    const sent = stack.mock.requests().find((r) => r.path === '/v1/embeddings' && r.body.includes('four five'));
    expect(JSON.parse(sent?.body ?? '{}')).toMatchObject({ model: 'text-embedding-3-small' });
  });

  it('runs input guardrails over every input string; a block never reaches the upstream', async () => {
    const before = stack.mock.requests().length;
    const err = await sdkError(sdk.embeddings.create({ model: 'embed', input: ['harmless', 'about project-zebra'] }));
    expect(err.status).toBe(422);
    expect(err.message).toContain("guardrail 'no-secrets'");
    expect(stack.mock.requests().length).toBe(before);
  });

  it('applies allowed_models and refuses a body without input', async () => {
    const limited = stack.client(LIMITED_KEY);
    expect((await sdkError(limited.embeddings.create({ model: 'embed', input: 'x' }))).status).toBe(403);
    const res = await rawRequest(stack.url, {
      path: '/v1/embeddings',
      headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'embed' }),
    });
    expect(res.status).toBe(400);
    expect(jsonOf(res)).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(res.headers['x-aisix-call-id']).toBe(requestIdOf(res));
  });
});

describe('/v1/moderations', () => {
  it('is a model endpoint with input guardrails', async () => {
    const { data, response } = await sdk.moderations.create({ model: 'moderate', input: ['a calm sentence', 'some violence here'] }).withResponse();
    expect(data.results).toHaveLength(2);
    const event = await finishedFor(stack, response.headers.get('x-aisix-request-id') as string);
    expect(event).toMatchObject({ route: '/v1/moderations', alias: 'moderate', upstream_model: 'omni-moderation-latest', status: 200 });
    const err = await sdkError(sdk.moderations.create({ model: 'moderate', input: [{ type: 'text', text: 'project-zebra plans' }] }));
    expect(err.status).toBe(422);
  });
});
