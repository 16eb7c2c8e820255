// The Conversations API and POST /v1/responses/compact (DESIGN.md §11) through the real loader,
// gateway and mock, driven by the official SDK: conversations and their items passed through to
// the only OpenAI provider key, a response in a conversation, ids bound to the caller that created
// them (another caller's id is a 404 that never reaches the upstream, also as a response's
// `conversation`), items passing the input guardrails, the 400 with several OpenAI provider keys,
// and compact as a model endpoint with usage.
import { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishedFor } from '../helpers/finished.js';
import { apiKey, configYaml, DEFAULT_MODELS, keywordGuardrail, model, providerKey, startStack, type Stack } from '../helpers/stack.js';

const OTHER_KEY = 'sk-other-caller';
let stack: Stack;

async function status(promise: Promise<unknown>): Promise<number> {
  const err = await promise.then(() => null, (e: unknown) => e);
  if (!(err instanceof APIError)) throw new Error(`expected an APIError, got ${String(err)}`);
  return err.status ?? 0;
}

beforeAll(async () => {
  stack = await startStack({
    env: { OTHER_KEY },
    yaml: configYaml({
      api_keys: [apiKey('dev', 'CALLER_KEY'), apiKey('other', 'OTHER_KEY')],
      guardrails: [keywordGuardrail('no-zebra', ['project-zebra'], { hook_point: 'input' })],
      guardrail_attachments: [{ guardrail_id: 'no-zebra', scope_type: 'env', priority: 1 }],
    }),
  });
});

afterAll(async () => {
  await stack?.close();
});

describe('/v1/conversations', () => {
  it('creates, reads, updates, lists items of and deletes a conversation through the only OpenAI key', async () => {
    const sdk = stack.client();
    const conversation = await sdk.conversations.create({ metadata: { topic: 'tests' }, items: [{ type: 'message', role: 'user', content: 'first words' }] });
    expect(conversation.id).toMatch(/^conv_/);
    expect((await sdk.conversations.retrieve(conversation.id)).metadata).toEqual({ topic: 'tests' });
    await sdk.conversations.update(conversation.id, { metadata: { topic: 'updated' } });
    const response = await sdk.responses.create({ model: 'gpt', input: 'a turn in it', conversation: conversation.id });
    expect(response.output_text).toBe('a turn in it');
    const items = await sdk.conversations.items.list(conversation.id);
    expect(items.data.length).toBeGreaterThanOrEqual(3);
    const one = items.data[0] as { id: string };
    expect((await sdk.conversations.items.retrieve(one.id, { conversation_id: conversation.id })).id).toBe(one.id);
    await sdk.conversations.items.delete(one.id, { conversation_id: conversation.id });
    expect((await sdk.conversations.delete(conversation.id)).deleted).toBe(true);
    const events = stack.events.filter((e) => e.route.startsWith('/v1/conversations'));
    expect(events.map((e) => e.route)).toContain('/v1/conversations/{id}/items/{item}');
  });

  it('binds a conversation to the caller that created it', async () => {
    const mine = await stack.client().conversations.create({});
    const theirs = stack.client(OTHER_KEY);
    const before = stack.mock.requests().length;
    expect(await status(theirs.conversations.retrieve(mine.id))).toBe(404);
    expect(await status(theirs.conversations.items.list(mine.id))).toBe(404);
    expect(await status(theirs.responses.create({ model: 'gpt', input: 'x', conversation: mine.id }))).toBe(404);
    expect(stack.mock.requests().length).toBe(before);
    expect((await stack.client().conversations.retrieve(mine.id)).id).toBe(mine.id);
  });

  it('runs the input guardrails over the items written into a conversation', async () => {
    const sdk = stack.client();
    expect(await status(sdk.conversations.create({ items: [{ type: 'message', role: 'user', content: 'about project-zebra' }] }))).toBe(422);
    const conversation = await sdk.conversations.create({});
    expect(await status(sdk.conversations.items.create(conversation.id, { items: [{ type: 'message', role: 'user', content: 'project-zebra again' }] }))).toBe(422);
  });

  it('answers 400 when the config has more than one OpenAI provider key', async () => {
    const own = await startStack({ yaml: configYaml({ provider_keys: [providerKey('mock'), providerKey('second')], models: [...DEFAULT_MODELS, model('b', 'mock-echo', { provider_key: 'second' })] }) });
    try {
      const err = await own.client().conversations.create({}).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(APIError);
      expect((err as APIError).status).toBe(400);
      expect((err as APIError).message).toContain('exactly one OpenAI provider key');
    } finally {
      await own.close();
    }
  });
});

describe('/v1/responses/compact', () => {
  it('is a model endpoint: alias, upstream model, usage', async () => {
    const { data, response } = await stack.client().responses.compact({ model: 'gpt', input: 'compact these words please' }).withResponse();
    expect(data.object).toBe('response.compaction');
    const event = await finishedFor(stack, response.headers.get('x-aisix-request-id') as string);
    expect(event).toMatchObject({ route: '/v1/responses/compact', alias: 'gpt', upstream_model: 'mock-echo', status: 200, outcome: 'ok' });
    expect(event.usage?.input_tokens).toBe(data.usage.input_tokens);
    const sent = stack.mock.requests().filter((r) => r.path === '/v1/responses/compact').at(-1);
    expect(JSON.parse(sent?.body ?? '{}')).toMatchObject({ model: 'mock-echo' });
  });
});
