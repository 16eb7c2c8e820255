// The /v1/responses/{id} routes on responses the mock created, through the SDK: retrieve (JSON and
// SSE replay), delete, cancel, input_items, input_tokens, and 404 for ids it never made.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { collect, parseSse, postJson, sdk, words } from './helpers.js';

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
  { role: 'user' as const, content: 'first user turn' },
  { role: 'assistant' as const, content: 'assistant reply' },
  { role: 'user' as const, content: 'second user turn here' },
];

async function notFound(promise: Promise<unknown>, id: string): Promise<void> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.NotFoundError);
  if (err instanceof OpenAI.NotFoundError) expect(err.message).toContain(`Response with id '${id}' not found.`);
}

describe('responses sub-routes', () => {
  it('retrieves exactly what create returned', async () => {
    const created = await client.responses.create({ model: 'mock-reasoning', input: INPUT });
    const fetched = await client.responses.retrieve(created.id);
    expect(fetched).toEqual(created);
  });

  it('replays a stored response as SSE with retrieve(id, {stream: true})', async () => {
    const live = await collect(await client.responses.create({ model: 'mock-echo', input: 'replay these five words', stream: true }));
    const done = live[live.length - 1];
    if (done?.type !== 'response.completed') throw new Error('no completed event');
    const replay = await collect(await client.responses.retrieve(done.response.id, { stream: true }));
    expect(replay.map((e) => e.type)).toEqual(live.map((e) => e.type));
    expect(replay.map((e) => e.sequence_number)).toEqual(live.map((e) => e.sequence_number));
    expect(replay[replay.length - 1]).toEqual(done);
  });

  it('replays only the events after starting_after', async () => {
    const created = await client.responses.create({ model: 'mock-echo', input: 'a b c d' });
    const res = await fetch(`${mock.url}/v1/responses/${created.id}?stream=true&starting_after=3`);
    const seqs = parseSse(await res.text()).map((f) => (JSON.parse(f.data) as { sequence_number: number }).sequence_number);
    expect(seqs[0]).toBe(4);
    expect(seqs.length).toBeGreaterThan(4);
  });

  it('lists input items as message items with ids, newest first by default', async () => {
    const created = await client.responses.create({ model: 'mock-echo', input: INPUT });
    const page = await client.responses.inputItems.list(created.id);
    expect(page.data.map((item) => (item.type === 'message' ? item.role : item.type))).toEqual(['user', 'assistant', 'user']);
    const newest = page.data[0];
    expect(newest?.type === 'message' ? newest.content : undefined).toEqual([{ type: 'input_text', text: 'second user turn here' }]);
    expect(page.data.every((item) => 'id' in item && typeof item.id === 'string' && item.id.startsWith('msg_'))).toBe(true);
    const raw = (await (await fetch(`${mock.url}/v1/responses/${created.id}/input_items?order=asc&limit=2`)).json()) as {
      object: string;
      data: { id: string }[];
      first_id: string;
      last_id: string;
      has_more: boolean;
    };
    expect(raw.object).toBe('list');
    expect(raw.data).toHaveLength(2);
    expect(raw.first_id).toBe(raw.data[0]?.id);
    expect(raw.last_id).toBe(raw.data[1]?.id);
    expect(raw.has_more).toBe(true);
    expect(raw.data[0]?.id).toBe(page.data[2] && 'id' in page.data[2] ? page.data[2].id : undefined);
  });

  it('cancels: the response comes back, and stays, with status cancelled', async () => {
    const created = await client.responses.create({ model: 'mock-echo', input: 'cancel me' });
    const cancelled = await client.responses.cancel(created.id);
    expect(cancelled.id).toBe(created.id);
    expect(cancelled.status).toBe('cancelled');
    expect((await client.responses.retrieve(created.id)).status).toBe('cancelled');
  });

  it('deletes, then answers 404 for that id', async () => {
    const created = await client.responses.create({ model: 'mock-echo', input: 'delete me' });
    const raw = await client.responses.delete(created.id).asResponse();
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual({ id: created.id, object: 'response', deleted: true });
    await notFound(client.responses.retrieve(created.id), created.id);
    await notFound(client.responses.delete(created.id), created.id);
  });

  it('answers 404 with the OpenAI message for ids it never created', async () => {
    const id = 'resp_doesnotexist';
    await notFound(client.responses.retrieve(id), id);
    await notFound(client.responses.cancel(id), id);
    await notFound(client.responses.inputItems.list(id), id);
    await notFound(client.responses.retrieve(id, { stream: true }), id);
  });

  it('does not keep responses created with store: false', async () => {
    const created = await client.responses.create({ model: 'mock-echo', input: 'forget me', store: false });
    await notFound(client.responses.retrieve(created.id), created.id);
  });

  it('counts input tokens like a create would', async () => {
    const instructions = 'Answer in French please';
    const counted = await client.responses.inputTokens.count({ model: 'mock-echo', input: INPUT, instructions });
    expect(counted.object).toBe('response.input_tokens');
    const expected = INPUT.reduce((n, m) => n + words(m.content), words(instructions));
    expect(counted.input_tokens).toBe(expected);
    const created = await client.responses.create({ model: 'mock-echo', input: INPUT, instructions });
    expect(created.usage?.input_tokens).toBe(expected);
    const limited = await postJson(mock, '/v1/responses/input_tokens', { model: 'mock-error-429', input: 'x' });
    expect(limited.status).toBe(429);
  });
});
