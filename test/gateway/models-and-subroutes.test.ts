import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIError } from 'openai';
import { apiKey, configYaml, model, providerKey, startStack, type Stack } from '../helpers/stack.js';

const CALLERS = { KEY_ALL: 'sk-all', KEY_ONLY_A: 'sk-only-a', KEY_NONE: 'sk-none', KEY_GLOB: 'sk-glob' };

// Two OpenAI provider keys on the same mock, told apart by their credentials.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    yaml: configYaml({
      provider_keys: [
        providerKey('mock'),
        providerKey('second', '${MOCK_URL}/v1', { api_key: '${SECOND_KEY}' }),
        providerKey('anth', '${MOCK_URL}/v1', { provider: 'anthropic', api_key: '${ANTHROPIC_KEY}', adapter: 'anthropic' }),
      ],
      models: [
        model('a-echo', 'mock-echo'),
        model('b-echo', 'mock-echo', { provider_key: 'second' }),
        model('claude', 'claude-x', { provider: 'anthropic', provider_key: 'anth' }),
        model('openai/*', '*'),
      ],
      api_keys: [
        apiKey('all', 'KEY_ALL'),
        apiKey('only-a', 'KEY_ONLY_A', { allowed_models: ['a-echo'] }),
        apiKey('none', 'KEY_NONE', { allowed_models: [] }),
        apiKey('glob', 'KEY_GLOB', { allowed_models: ['*-echo'] }),
      ],
    }),
    env: { SECOND_KEY: 'sk-second', ANTHROPIC_KEY: 'sk-anth', ...CALLERS },
  });
});
afterAll(() => stack.close());

describe('GET /v1/models', () => {
  const ids = async (key: string) => (await stack.client(key).models.list()).data.map((m) => m.id);

  it('lists the aliases a wildcard allowlist admits, without wildcard patterns, with owned_by = provider', async () => {
    const list = await stack.client('sk-all').models.list();
    expect(list.data.map((m) => m.id)).toEqual(['a-echo', 'b-echo', 'claude']);
    expect(list.data.find((m) => m.id === 'claude')).toMatchObject({ object: 'model', owned_by: 'anthropic' });
    expect(typeof list.data[0]?.created).toBe('number');
  });

  it('honours exact, glob and empty allowlists', async () => {
    expect(await ids('sk-only-a')).toEqual(['a-echo']);
    expect(await ids('sk-glob')).toEqual(['a-echo', 'b-echo']);
    expect(await ids('sk-none')).toEqual([]);
  });

  it('requires a valid key', async () => {
    const err = await stack.client('sk-wrong').models.list().catch((e: unknown) => e);
    expect((err as APIError).status).toBe(401);
  });
});

describe('Responses sub-routes', () => {
  it('retrieve, input_items, cancel and delete go to the provider key that created the response', async () => {
    const client = stack.client('sk-all');
    const created = await client.responses.create({ model: 'b-echo', input: 'remember me' });
    stack.mock.clearRequests();
    const fetched = await client.responses.retrieve(created.id);
    expect(fetched.id).toBe(created.id);
    expect(fetched.output_text).toBe('remember me');
    const items = await client.responses.inputItems.list(created.id);
    expect(items.data.length).toBeGreaterThan(0);
    const cancelled = await client.responses.cancel(created.id);
    expect(cancelled.status).toBe('cancelled');
    const deleted = await client.responses.delete(created.id);
    expect(deleted).toMatchObject({ id: created.id, deleted: true });
    const seen = stack.mock.requests();
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v1/responses/${created.id}`,
      `GET /v1/responses/${created.id}/input_items`,
      `POST /v1/responses/${created.id}/cancel`,
      `DELETE /v1/responses/${created.id}`,
    ]);
    expect(seen.every((r) => r.headers.authorization === 'Bearer sk-second')).toBe(true);
  });

  it('replays a stored response as a stream with retrieve(id, {stream: true})', async () => {
    const client = stack.client('sk-all');
    const created = await client.responses.create({ model: 'a-echo', input: 'replay this' });
    const before = stack.events.length;
    const stream = await client.responses.retrieve(created.id, { stream: true });
    let text = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
    expect(text).toBe('replay this');
    const event = (await stack.waitForEvents(before + 1))[before];
    expect(event).toMatchObject({ route: '/v1/responses/{id}', stream: true, status: 200, alias: 'a-echo' });
  });

  it("answers 404 for another caller's response id, without contacting the upstream (ids are bound to their caller)", async () => {
    const created = await stack.client('sk-all').responses.create({ model: 'a-echo', input: 'private' });
    stack.mock.clearRequests();
    const err = await stack.client('sk-only-a').responses.retrieve(created.id).catch((e: unknown) => e);
    expect((err as APIError).status).toBe(404);
    expect(stack.mock.requests()).toHaveLength(0);
    const own = await stack.client('sk-all').responses.retrieve(created.id);
    expect(own.id).toBe(created.id);
  });

  it('answers 404 for an id it never saw, without contacting the upstream', async () => {
    stack.mock.clearRequests();
    const err = await stack.client('sk-all').responses.retrieve('resp_never_seen').catch((e: unknown) => e);
    expect((err as APIError).status).toBe(404);
    expect(((err as APIError).error as { message: string }).message).toContain('"resp_never_seen" not found');
    expect(stack.mock.requests()).toHaveLength(0);
  });

  it('counts input tokens for a model resolved like a create', async () => {
    stack.mock.clearRequests();
    const counted = await stack.client('sk-all').responses.inputTokens.count({ model: 'b-echo', input: 'one two three' });
    expect(counted.input_tokens).toBeGreaterThan(0);
    const [sent] = stack.mock.requests();
    expect(sent?.path).toBe('/v1/responses/input_tokens');
    expect((sent?.json as { model: string }).model).toBe('mock-echo');
    expect(sent?.headers.authorization).toBe('Bearer sk-second');
  });
});

describe('Responses sub-routes with a single OpenAI provider key and one caller key', () => {
  const single = (allowed: string[]) =>
    startStack({ yaml: configYaml({ models: [model('a', 'mock-echo')], api_keys: [apiKey('only', 'KEY_ONLY', { allowed_models: allowed })] }), env: { KEY_ONLY: 'sk-only' } });

  it('sends an id it never saw to the only OpenAI provider key, and relays its 404', async () => {
    const own = await single(['a']);
    try {
      const err = await own.client('sk-only').responses.retrieve('resp_unknown123').catch((e: unknown) => e);
      expect((err as APIError).status).toBe(404);
      expect(own.mock.requests().at(-1)?.path).toBe('/v1/responses/resp_unknown123');
    } finally {
      await own.close();
    }
  });

  it('refuses a caller who may use no alias on that provider key', async () => {
    const own = await single([]);
    try {
      const err = await own.client('sk-only').responses.retrieve('resp_unknown123').catch((e: unknown) => e);
      expect((err as APIError).status).toBe(403);
      expect(own.mock.requests()).toHaveLength(0);
    } finally {
      await own.close();
    }
  });

  it('with a second caller key, the same unknown id is a 404 that never reaches the upstream', async () => {
    const own = await startStack({
      yaml: configYaml({ models: [model('a', 'mock-echo')], api_keys: [apiKey('one', 'KEY_ONE'), apiKey('two', 'KEY_TWO')] }),
      env: { KEY_ONE: 'sk-one', KEY_TWO: 'sk-two' },
    });
    try {
      const err = await own.client('sk-one').responses.retrieve('resp_unknown123').catch((e: unknown) => e);
      expect((err as APIError).status).toBe(404);
      expect(own.mock.requests()).toHaveLength(0);
    } finally {
      await own.close();
    }
  });
});
