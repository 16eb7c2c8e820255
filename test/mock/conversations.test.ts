// The Conversations API through the official SDK: create, retrieve, update and delete a conversation;
// add, list (order, limit, after, auto-pagination), retrieve and delete its items; 404s and 400s in
// OpenAI's envelope; POST /v1/responses (JSON, SSE, WebSocket) with `conversation` appending each
// turn; and the bounded conversation store.
import { WebSocket, type RawData } from 'ws';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationStore, type StoredConversation } from '../../src/mock/conversation-store.js';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { collect, postJson, sdk } from './helpers.js';

let mock: MockServer;
let client: OpenAI;
beforeAll(async () => {
  mock = await startMock();
  client = sdk(mock);
});
afterAll(async () => {
  await mock.close();
});

interface Envelope {
  error: { message: string; type: string; param: string | null; code: string | null };
}

interface RawItem {
  id: string;
  type: string;
  role?: string;
  status?: string;
  content?: { type: string; text: string }[];
}

interface RawList {
  object: string;
  data: RawItem[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof OpenAI.APIError)) throw new Error(`expected an APIError, got ${String(err)}`);
  return err;
}

async function notFound(promise: Promise<unknown>, message: string): Promise<void> {
  const err = await apiError(promise);
  expect(err).toBeInstanceOf(OpenAI.NotFoundError);
  expect(err.error).toEqual({ message, type: 'invalid_request_error', param: null, code: null });
}

async function rawItems(id: string, query = ''): Promise<RawList> {
  const res = await fetch(`${mock.url}/v1/conversations/${id}/items${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as RawList;
}

function texts(items: readonly RawItem[]): string[] {
  return items.map((item) => `${item.role ?? item.type}:${(item.content ?? []).map((part) => part.text).join('')}`);
}

describe('conversations', () => {
  it('creates a conversation with items and metadata, and retrieves the same object', async () => {
    const before = Math.floor(Date.now() / 1000);
    const created = await client.conversations.create({
      items: [{ role: 'user', content: 'hello there' }, { role: 'assistant', content: 'hi' }],
      metadata: { topic: 'demo' },
    });
    expect(Object.keys(created).sort()).toEqual(['created_at', 'id', 'metadata', 'object']);
    expect(created.id).toMatch(/^conv_[0-9a-f]{48}$/);
    expect(created.object).toBe('conversation');
    expect(created.created_at).toBeGreaterThanOrEqual(before);
    expect(created.metadata).toEqual({ topic: 'demo' });
    expect(await client.conversations.retrieve(created.id)).toEqual(created);
    const list = await rawItems(created.id, '?order=asc');
    expect(texts(list.data)).toEqual(['user:hello there', 'assistant:hi']);
    expect(list.data[0]).toMatchObject({ type: 'message', status: 'completed', content: [{ type: 'input_text', text: 'hello there' }] });
    expect(list.data[1]?.content).toEqual([{ type: 'output_text', text: 'hi' }]);
  });

  it('creates from an empty body with metadata {} and no items', async () => {
    const created = await client.conversations.create();
    expect(created.metadata).toEqual({});
    const raw = await fetch(mock.url + '/v1/conversations', { method: 'POST' });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('x-request-id')).toMatch(/^req_/);
    const body = (await raw.json()) as { id: string; metadata: unknown };
    expect(body.metadata).toEqual({});
    expect(await rawItems(body.id)).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false });
  });

  it('updates the metadata, which retrieve then shows', async () => {
    const created = await client.conversations.create({ metadata: { a: '1' } });
    const updated = await client.conversations.update(created.id, { metadata: { b: '2' } });
    expect(updated).toEqual({ ...created, metadata: { b: '2' } });
    expect((await client.conversations.retrieve(created.id)).metadata).toEqual({ b: '2' });
  });

  it('deletes, then answers 404 for that id on every route', async () => {
    const created = await client.conversations.create();
    const raw = await client.conversations.delete(created.id).asResponse();
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual({ id: created.id, object: 'conversation.deleted', deleted: true });
    const message = `Conversation with id '${created.id}' not found.`;
    await notFound(client.conversations.retrieve(created.id), message);
    await notFound(client.conversations.update(created.id, { metadata: {} }), message);
    await notFound(client.conversations.delete(created.id), message);
    await notFound(client.conversations.items.list(created.id), message);
    await notFound(client.conversations.items.create(created.id, { items: [{ role: 'user', content: 'x' }] }), message);
    await notFound(client.conversations.items.retrieve('msg_x', { conversation_id: created.id }), message);
    await notFound(client.conversations.items.delete('msg_x', { conversation_id: created.id }), message);
  });

  it('adds items and answers them as a list with ids', async () => {
    const { id } = await client.conversations.create({ items: [{ role: 'user', content: 'first' }] });
    const added = await client.conversations.items.create(id, {
      items: [
        { role: 'user', content: 'second' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
      ],
    });
    expect(added.object).toBe('list');
    expect(added.has_more).toBe(false);
    expect(added.data).toHaveLength(2);
    const [message, output] = added.data;
    expect(message?.id).toMatch(/^msg_/);
    expect(message?.type === 'message' ? message.content : undefined).toEqual([{ type: 'input_text', text: 'second' }]);
    expect(output).toMatchObject({ type: 'function_call_output', call_id: 'call_1', output: 'sunny' });
    expect(output?.id).toMatch(/^item_/);
    expect(added.first_id).toBe(message?.id);
    expect(added.last_id).toBe(output?.id);
    const all = await rawItems(id, '?order=asc');
    expect(all.data.map((item) => item.id).slice(1)).toEqual([message?.id, output?.id]);
  });

  it('lists newest first by default, with order, limit, after and SDK auto-pagination', async () => {
    const items = ['one', 'two', 'three', 'four', 'five'].map((content) => ({ role: 'user' as const, content }));
    const { id } = await client.conversations.create({ items });
    const desc = await rawItems(id);
    expect(texts(desc.data)).toEqual(['user:five', 'user:four', 'user:three', 'user:two', 'user:one']);
    const page = await rawItems(id, '?order=asc&limit=2');
    expect(texts(page.data)).toEqual(['user:one', 'user:two']);
    expect(page.first_id).toBe(page.data[0]?.id);
    expect(page.last_id).toBe(page.data[1]?.id);
    expect(page.has_more).toBe(true);
    const next = await rawItems(id, `?order=asc&limit=2&after=${page.last_id ?? ''}`);
    expect(texts(next.data)).toEqual(['user:three', 'user:four']);
    const seen: string[] = [];
    for await (const item of client.conversations.items.list(id, { order: 'asc', limit: 2 })) {
      seen.push(item.type === 'message' ? `${item.role}:${item.content.map((part) => ('text' in part ? part.text : '')).join('')}` : item.type);
    }
    expect(seen).toEqual(['user:one', 'user:two', 'user:three', 'user:four', 'user:five']);
  });

  it('retrieves one item, and deleting it answers the conversation', async () => {
    const created = await client.conversations.create({ items: [{ role: 'user', content: 'keep' }, { role: 'user', content: 'drop' }] });
    const [drop, keep] = (await rawItems(created.id)).data;
    if (drop === undefined || keep === undefined) throw new Error('missing items');
    const item = await client.conversations.items.retrieve(drop.id, { conversation_id: created.id });
    expect(item).toEqual(drop);
    const after = await client.conversations.items.delete(drop.id, { conversation_id: created.id });
    expect(after).toEqual(created);
    expect((await rawItems(created.id)).data).toEqual([keep]);
    const message = `Item with id '${drop.id}' not found.`;
    await notFound(client.conversations.items.retrieve(drop.id, { conversation_id: created.id }), message);
    await notFound(client.conversations.items.delete(drop.id, { conversation_id: created.id }), message);
  });

  it('answers 400 for malformed bodies', async () => {
    const { id } = await client.conversations.create();
    const cases: [string, unknown, string | null, string | null][] = [
      ['/v1/conversations', { items: 'hello' }, 'items', 'invalid_value'],
      ['/v1/conversations', { items: Array.from({ length: 21 }, () => ({ role: 'user', content: 'x' })) }, 'items', 'invalid_value'],
      ['/v1/conversations', { metadata: 'x' }, 'metadata', 'invalid_value'],
      [`/v1/conversations/${id}`, {}, 'metadata', 'missing_required_parameter'],
      [`/v1/conversations/${id}/items`, {}, 'items', 'missing_required_parameter'],
      [`/v1/conversations/${id}/items`, { items: [1] }, 'items', 'invalid_value'],
      [`/v1/conversations/conv_unknown/items`, { items: 5 }, 'items', 'invalid_value'],
    ];
    for (const [path, body, param, code] of cases) {
      const res = await postJson(mock, path, body);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as Envelope).error).toMatchObject({ type: 'invalid_request_error', param, code });
    }
    const bad = await fetch(mock.url + '/v1/conversations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Envelope).error.message).toContain('could not parse the JSON body');
    const twenty = await client.conversations.create({ items: Array.from({ length: 20 }, () => ({ role: 'user' as const, content: 'x' })) });
    expect((await rawItems(twenty.id, '?limit=100')).data).toHaveLength(20);
  });

  it('answers unknown routes under /v1/conversations with the usual 404', async () => {
    for (const [method, path] of [
      ['GET', '/v1/conversations'],
      ['PUT', '/v1/conversations/conv_1'],
      ['GET', '/v1/conversations/conv_1/other'],
      ['POST', '/v1/conversations/conv_1/items/msg_1'],
      ['GET', '/v1/conversations/conv_1/items/msg_1/x'],
    ] as const) {
      const res = await fetch(mock.url + path, { method });
      expect(res.status).toBe(404);
      expect(((await res.json()) as Envelope).error.message).toBe(`Invalid URL (${method} ${path})`);
    }
  });
});

describe('POST /v1/responses with a conversation', () => {
  it('appends each turn (input items, then output items) so the conversation grows', async () => {
    const { id } = await client.conversations.create({ items: [{ role: 'developer', content: 'be brief' }] });
    const first = await client.responses.create({ model: 'mock-echo', input: 'first question', conversation: id });
    expect(first.conversation).toEqual({ id });
    const second = await client.responses.create({ model: 'mock-echo', input: [{ role: 'user', content: 'second question' }], conversation: { id } });
    expect(second.conversation).toEqual({ id });
    expect(second.output_text).toBe('second question');
    const items = (await rawItems(id, '?order=asc')).data;
    expect(texts(items)).toEqual(['developer:be brief', 'user:first question', 'assistant:first question', 'user:second question', 'assistant:second question']);
    expect(items[2]?.id).toBe(first.output[0]?.id);
    expect(items[4]).toEqual(second.output[0]);
    const inputs = await client.responses.inputItems.list(second.id);
    expect(items[3]?.id).toBe(inputs.data[0]?.id);
    expect((await client.responses.retrieve(first.id)).conversation).toEqual({ id });
  });

  it('appends a streamed turn and tool calls, and appends even with store: false', async () => {
    const { id } = await client.conversations.create();
    const events = await collect(await client.responses.create({ model: 'mock-echo', input: 'streamed words', conversation: id, stream: true }));
    const done = events[events.length - 1];
    expect(done?.type === 'response.completed' ? done.response.conversation : undefined).toEqual({ id });
    await client.responses.create({ model: 'mock-tool', input: 'weather please', conversation: id, store: false });
    const items = (await rawItems(id, '?order=asc')).data;
    expect(items.map((item) => item.role ?? item.type)).toEqual(['user', 'assistant', 'user', 'function_call']);
    expect(items[3]).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: '{"input":"weather please"}' });
  });

  it('answers 404 for an unknown conversation and 400 for a malformed one, before the model acts', async () => {
    const id = 'conv_doesnotexist';
    const before = mock.requests().length;
    await notFound(client.responses.create({ model: 'mock-echo', input: 'hi', conversation: id }), `Conversation with id '${id}' not found.`);
    await notFound(client.responses.create({ model: 'mock-error-429', input: 'hi', conversation: { id }, stream: true }), `Conversation with id '${id}' not found.`);
    const bad = await postJson(mock, '/v1/responses', { model: 'mock-echo', input: 'hi', conversation: 42 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Envelope).error).toMatchObject({ param: 'conversation', code: 'invalid_value' });
    expect(mock.requests().length).toBe(before + 3);
  });

  it('appends nothing for model errors and faults, nor for a deleted conversation', async () => {
    const { id } = await client.conversations.create();
    expect((await postJson(mock, '/v1/responses', { model: 'mock-error-429', input: 'x', conversation: id })).status).toBe(429);
    await expect(postJson(mock, '/v1/responses', { model: 'mock-cut', input: 'x', conversation: id })).rejects.toThrow();
    expect((await rawItems(id)).data).toEqual([]);
    await client.conversations.delete(id);
    await notFound(client.responses.create({ model: 'mock-echo', input: 'x', conversation: id }), `Conversation with id '${id}' not found.`);
  });

  it('works over the Responses WebSocket mode: the turn is appended, an unknown id is a 404 event', async () => {
    const { id } = await client.conversations.create();
    const ws = new WebSocket(mock.url.replace(/^http/, 'ws') + '/v1/responses');
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const frames: { type: string; status?: number; error?: Envelope['error']; response?: { conversation?: unknown } }[] = [];
    const until = (type: string): Promise<void> =>
      new Promise((resolve) => {
        const onMessage = (data: RawData): void => {
          const event = JSON.parse(String(data)) as (typeof frames)[number];
          frames.push(event);
          if (event.type === type || event.type === 'error') {
            ws.off('message', onMessage);
            resolve();
          }
        };
        ws.on('message', onMessage);
      });
    let next = until('response.completed');
    ws.send(JSON.stringify({ type: 'response.create', model: 'mock-echo', input: 'over the socket', conversation: id }));
    await next;
    expect(frames[frames.length - 1]?.response?.conversation).toEqual({ id });
    next = until('response.completed');
    ws.send(JSON.stringify({ type: 'response.create', model: 'mock-echo', input: 'x', conversation: 'conv_nope' }));
    await next;
    expect(frames[frames.length - 1]).toMatchObject({ type: 'error', status: 404, error: { message: "Conversation with id 'conv_nope' not found." } });
    ws.close();
    expect(texts((await rawItems(id, '?order=asc')).data)).toEqual(['user:over the socket', 'assistant:over the socket']);
  });

  it('counts stored conversations in /_mock/stats', async () => {
    const fresh = await startMock();
    try {
      await sdk(fresh).conversations.create();
      const stats = (await (await fetch(fresh.url + '/_mock/stats')).json()) as { stored_conversations: number };
      expect(stats.stored_conversations).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});

function conversation(id: string, size: number): StoredConversation {
  return { conversation: { id, object: 'conversation', created_at: 0, metadata: {} }, items: [], size };
}

describe('ConversationStore', () => {
  it('evicts the least recently used conversation past the count bound', () => {
    const store = new ConversationStore(2, 1000);
    store.put(conversation('a', 1));
    store.put(conversation('b', 1));
    expect(store.get('a')).toBeDefined();
    store.put(conversation('c', 1));
    expect(store.get('b')).toBeUndefined();
    expect(store.size).toBe(2);
  });

  it('grows with appended items, evicting older ones, and drops one grown past the whole bound', () => {
    const store = new ConversationStore(10, 200);
    store.put(conversation('old', 100));
    store.put(conversation('grown', 10));
    const item = { id: 'msg_1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x'.repeat(80) }] };
    expect(store.append('grown', [item])).toBe(true);
    expect(store.get('old')).toBeUndefined();
    expect(store.get('grown')?.items).toEqual([item]);
    expect(store.removeItem('grown', 'msg_1')).toBe(true);
    expect(store.removeItem('grown', 'msg_1')).toBe(false);
    expect(store.append('grown', [{ id: 'big', type: 'message', text: 'y'.repeat(300) }])).toBe(true);
    expect(store.get('grown')).toBeUndefined();
    expect(store.append('grown', [item])).toBe(false);
  });
});
