// The spend cap `proxy.budget_usd` (DESIGN.md §13, §4) through the real loader, gateway and mock,
// driven by the official SDKs, raw HTTP and the `ws` client: unpriced requests count 0, the
// request that reaches the cap passes, then every new model request gets 429 `budget_exceeded`
// (outcome rate_limited, no upstream call) on responses, chat, embeddings, messages (Anthropic's
// envelope) and a WebSocket turn, while token counting still answers; a stream admitted before the
// cap was reached finishes whole; reloads raise, lower and remove the cap with the spend kept; a
// cap of 0 refuses the first request; `aisix serve --json` announces the cap in server.listening
// and each config.reloaded. Prices come from the models' `cost`, so every number here is this
// file's own arithmetic.
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { APIError, RateLimitError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { RequestFinished } from '../../src/events/types.js';
import { finishedFor, requestIdOf } from '../helpers/finished.js';
import { jsonOf, postResponses, rawRequest } from '../helpers/http.js';
import { spawnServe } from '../helpers/serve-child.js';
import { CALLER_KEY, configYaml, loadStackConfig, model, providerKey, startStack, type Entry, type Stack } from '../helpers/stack.js';

const ANTHROPIC_SECRET = 'sk-ant-upstream-secret-1';
const AUTH = { authorization: `Bearer ${CALLER_KEY}` };
const COST = { input_per_1k: 0.5, output_per_1k: 1.5 };
const CAP = 0.001;

const MODELS: Entry[] = [
  model('gpt', 'mock-echo', { cost: COST }),
  model('slow-gpt', 'mock-slow', { cost: COST }),
  model('free', 'mock-echo'), // no `cost` and no catalog price: counts 0
  { display_name: 'sonnet', provider: 'anthropic', model_name: 'mock-echo', provider_key: 'claude', cost: COST },
];

function yaml(budget: number | null): string {
  return configYaml({
    proxy: budget === null ? {} : { budget_usd: budget },
    provider_keys: [providerKey('mock'), { display_name: 'claude', provider: 'anthropic', api_key: '${ANTHROPIC_SECRET}', api_base: '${MOCK_URL}' }],
    models: MODELS,
  });
}

/** Swaps in the same config with another cap, as a reload does. */
function reload(stack: Stack, budget: number | null): void {
  const { config } = loadStackConfig(yaml(budget), { MOCK_URL: stack.mock.url, ANTHROPIC_SECRET });
  expect(stack.gateway.update(config)).toEqual({ ok: true });
}

/** Sum of cost_usd over the finished requests (unpriced ones count 0). */
function spent(stack: Stack): number {
  return stack.events.reduce((sum, e) => sum + (e.cost_usd ?? 0), 0);
}

function budgetMessage(usd: number, cap: string): string {
  return `budget exceeded: spent $${usd.toFixed(4)} of the ${cap} budget (proxy.budget_usd)`;
}

async function sdkError(promise: Promise<unknown>): Promise<APIError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  if (!(err instanceof APIError)) throw new Error(`expected an APIError, got ${String(err)}`);
  return err;
}

async function anthropicError(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const err = await promise.then(() => null, (e: unknown) => e);
  if (!(err instanceof Anthropic.APIError)) throw new Error(`expected an APIError, got ${String(err)}`);
  return err;
}

function chat(stack: Stack, alias: string, text: string) {
  return rawRequest(stack.url, {
    path: '/v1/chat/completions',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ model: alias, messages: [{ role: 'user', content: text }] }),
  });
}

/** One `response.create` turn over a fresh client socket: resolves with its terminal event. */
async function webSocketTurn(url: string, frame: Record<string, unknown>): Promise<Record<string, unknown>> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/responses`, { headers: { ...AUTH, 'openai-beta': 'responses_websockets=2026-02-06' } });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  try {
    return await new Promise((resolve, reject) => {
      socket.on('message', (data) => {
        const event = JSON.parse(String(data)) as Record<string, unknown>;
        if (event.type === 'error' || event.type === 'response.completed' || event.type === 'response.failed') resolve(event);
      });
      socket.once('close', () => reject(new Error('the socket closed before a terminal event')));
      socket.send(JSON.stringify({ type: 'response.create', ...frame }));
    });
  } finally {
    socket.close();
  }
}

function upstreamCalls(stack: Stack): number {
  return stack.mock.requests().length;
}

describe('proxy.budget_usd', () => {
  let stack: Stack;
  let client: OpenAI;
  let sdk: Anthropic;

  beforeAll(async () => {
    stack = await startStack({ env: { ANTHROPIC_SECRET }, yaml: yaml(CAP) });
    client = stack.client();
    sdk = new Anthropic({ baseURL: stack.url, apiKey: CALLER_KEY, maxRetries: 0 });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('lets requests through until the priced spend reaches the cap, then refuses new model requests 429 budget_exceeded', async () => {
    // unpriced requests count 0: the spend stays under the cap
    for (const text of ['one two', 'three four']) {
      const res = await postResponses(stack.url, { model: 'free', input: text });
      expect(res.status).toBe(200);
      expect(await finishedFor(stack, requestIdOf(res))).toMatchObject({ cost_usd: null });
    }
    // this one is admitted under the cap and takes the spend past it
    const priced = await client.responses.create({ model: 'gpt', input: 'a b c' });
    expect(priced.status).toBe('completed');
    await stack.until(() => spent(stack) > 0, 'the priced request finished');
    const usd = spent(stack);
    expect(usd).toBeCloseTo((3 * 0.5 + 3 * 1.5) / 1000, 12);
    expect(usd).toBeGreaterThanOrEqual(CAP);
    const message = budgetMessage(usd, '$0.001');

    const before = upstreamCalls(stack);
    const refused = await sdkError(client.responses.create({ model: 'gpt', input: 'one more' }));
    expect(refused).toBeInstanceOf(RateLimitError);
    expect(refused.status).toBe(429);
    expect(refused.error).toEqual({ message, type: 'budget_exceeded' });
    expect(refused.headers?.get('retry-after')).toBeNull();
    const id = refused.headers?.get('x-aisix-request-id') ?? '';
    expect(await finishedFor(stack, id)).toMatchObject({
      route: '/v1/responses', alias: 'gpt', status: 429, outcome: 'rate_limited', error_type: 'budget_exceeded', error_code: null, error_message: message, attempts: [], usage: null, cost_usd: null,
    });

    // an unpriced model is refused too: the cap stops model requests, whatever they would cost
    const chatRes = await chat(stack, 'free', 'still free?');
    expect(chatRes.status).toBe(429);
    expect(jsonOf(chatRes)).toEqual({ error: { message, type: 'budget_exceeded' } });
    expect(await finishedFor(stack, requestIdOf(chatRes))).toMatchObject({ route: '/v1/chat/completions', outcome: 'rate_limited', error_type: 'budget_exceeded' });

    const embeddings = await sdkError(client.embeddings.create({ model: 'gpt', input: 'embed me' }));
    expect(embeddings.status).toBe(429);
    expect(embeddings.error).toMatchObject({ type: 'budget_exceeded', message });

    const messages = await anthropicError(sdk.messages.create({ model: 'sonnet', max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] }));
    expect(messages.status).toBe(429);
    expect(messages.error).toEqual({ type: 'error', error: { type: 'rate_limit_error', message } });
    const messagesId = messages.headers?.get('x-aisix-request-id') ?? '';
    // the event keeps the gateway's stable type (as for every error the proxy answers on /v1/messages)
    expect(await finishedFor(stack, messagesId)).toMatchObject({ route: '/v1/messages', status: 429, outcome: 'rate_limited', error_type: 'budget_exceeded' });

    const turn = await webSocketTurn(stack.url, { model: 'gpt', input: 'over a socket' });
    expect(turn).toMatchObject({ type: 'error', status: 429, error: { type: 'budget_exceeded', message } });
    await stack.until(() => stack.events.some((e) => e.transport === 'websocket'), 'the WebSocket turn finished');
    expect(stack.events.find((e) => e.transport === 'websocket')).toMatchObject({ status: 429, outcome: 'rate_limited', error_type: 'budget_exceeded', attempts: [] });

    // nothing of the refused requests reached the upstream
    expect(upstreamCalls(stack)).toBe(before);
    // counting tokens is free upstream and never priced: it still answers
    const counted = await sdk.messages.countTokens({ model: 'sonnet', messages: [{ role: 'user', content: 'count me' }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
    // and the spend did not move
    expect(spent(stack)).toBe(usd);
  });

  it('lets requests through again after a reload raises the cap, keeps the spend, and refuses again below it', async () => {
    const usd = spent(stack);
    expect(usd).toBeGreaterThanOrEqual(CAP);
    reload(stack, 1);
    const passed = await postResponses(stack.url, { model: 'gpt', input: 'after the raise' });
    expect(passed.status).toBe(200);
    await finishedFor(stack, requestIdOf(passed));
    const now = spent(stack);
    expect(now).toBeGreaterThan(usd); // the spend was kept and grew

    reload(stack, 0.002);
    const refused = await postResponses(stack.url, { model: 'gpt', input: 'after the cut' });
    expect(refused.status).toBe(429);
    expect(jsonOf(refused)).toEqual({ error: { message: budgetMessage(now, '$0.002'), type: 'budget_exceeded' } });

    reload(stack, null); // no cap: nothing is refused
    const free = await postResponses(stack.url, { model: 'gpt', input: 'no cap at all' });
    expect(free.status).toBe(200);
  });

  it('never cuts a stream admitted before the cap was reached', async () => {
    await stack.until(() => stack.gateway.inFlight() === 0, 'no request in flight');
    reload(stack, spent(stack) + 0.004); // the next priced request (0.006) reaches it
    const streamed = await fetch(`${stack.url}/v1/responses`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'slow-gpt', input: 'one two three four five six seven eight', stream: true }),
    });
    expect(streamed.status).toBe(200);
    const reader = (streamed.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    const streamId = streamed.headers.get('x-aisix-request-id') ?? '';

    // while it streams, another request takes the spend past the cap
    const over = await postResponses(stack.url, { model: 'gpt', input: 'a b c' });
    expect(over.status).toBe(200);
    await finishedFor(stack, requestIdOf(over));
    const refused = await postResponses(stack.url, { model: 'gpt', input: 'refused now' });
    expect(refused.status).toBe(429);
    const refusedEvent = await finishedFor(stack, requestIdOf(refused));
    expect(stack.events.some((e) => e.id === streamId)).toBe(false); // the stream is still under way

    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toContain('response.completed');
    const event: RequestFinished = await finishedFor(stack, streamId);
    expect(event).toMatchObject({ status: 200, outcome: 'ok', stream: true, cost_source: 'config' });
    expect(stack.events.indexOf(event)).toBeGreaterThan(stack.events.indexOf(refusedEvent));
  });
});

describe('proxy.budget_usd: 0', () => {
  it('refuses the first model request: a cap of 0 is reached from the start', async () => {
    const stack = await startStack({ env: { ANTHROPIC_SECRET }, yaml: yaml(0) });
    try {
      const res = await postResponses(stack.url, { model: 'free', input: 'anything' });
      expect(res.status).toBe(429);
      expect(jsonOf(res)).toEqual({ error: { message: 'budget exceeded: spent $0.0000 of the $0.00 budget (proxy.budget_usd)', type: 'budget_exceeded' } });
      expect(stack.mock.requests()).toHaveLength(0);
      // model-less routes are not model requests
      const models = await rawRequest(stack.url, { method: 'GET', path: '/v1/models', headers: AUTH });
      expect(models.status).toBe(200);
    } finally {
      await stack.close();
    }
  });
});

describe('aisix serve: the cap in server.listening and config.reloaded', () => {
  it('announces proxy.budget_usd, then the cap of each reload', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'aisix-budget-')), 'aisix.yaml');
    const file = (budget: string) => `_format_version: "1"
proxy: { addr: "127.0.0.1:0"${budget} }
provider_keys:
  - { display_name: up, provider: openai, api_key: sk-up, api_base: "http://127.0.0.1:9/v1" }
models:
  - { display_name: gpt, provider: openai, model_name: mock-echo, provider_key: up, cost: { input_per_1k: 1, output_per_1k: 1 } }
`;
    const save = (text: string): void => {
      writeFileSync(`${path}.tmp`, text);
      renameSync(`${path}.tmp`, path);
    };
    writeFileSync(path, file(', budget_usd: 0.5'));
    const serve = spawnServe(['-c', path, '--json']);
    try {
      const events = (name: string) => serve.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.event === name);
      await serve.waitForLine(() => events('server.listening').length === 1);
      expect(events('server.listening')[0]).toMatchObject({ budget_usd: 0.5 });
      save(file(', budget_usd: 2'));
      await serve.waitForLine(() => events('config.reloaded').length === 1);
      expect(events('config.reloaded')[0]).toMatchObject({ budget_usd: 2 });
      save(file(''));
      await serve.waitForLine(() => events('config.reloaded').length === 2);
      expect(events('config.reloaded')[1]).toMatchObject({ budget_usd: null });
    } finally {
      await serve.stop();
    }
  });
});
