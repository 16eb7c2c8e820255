// `POST /v1/messages` and `/v1/messages/count_tokens` (DESIGN.md §11) through the real loader,
// gateway and mock, driven by the official `@anthropic-ai/sdk`: JSON, streaming, tool use,
// count_tokens, a wildcard `claude-*` alias (Claude Code sends its own model ids), an input block
// in Anthropic's envelope, a mask across deltas of a held stream, a cut stream, usage with cache
// reads and writes, cost, the provider rule, and what the upstream got (x-api-key, the caller's
// anthropic-version and anthropic-beta, the `?beta=true` query, never the caller's key).
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishedFor, requestIdOf } from '../helpers/finished.js';
import { jsonOf, rawRequest } from '../helpers/http.js';
import { CALLER_KEY, configYaml, DEFAULT_MODELS, keywordGuardrail, model, piiGuardrail, providerKey, startStack, type Stack } from '../helpers/stack.js';

const ANTHROPIC_SECRET = 'sk-ant-upstream-secret-1';
let stack: Stack;
let sdk: Anthropic;

const claude = (name: string, modelName: string, extra: Record<string, unknown> = {}) =>
  ({ display_name: name, provider: 'anthropic', model_name: modelName, provider_key: 'claude', ...extra });

async function sdkError(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const err = await promise.then(() => null, (e: unknown) => e);
  if (!(err instanceof Anthropic.APIError)) throw new Error(`expected an APIError, got ${String(err)}`);
  return err;
}

function upstreamMessages() {
  return stack.mock.requests().filter((r) => r.path.startsWith('/v1/messages'));
}

beforeAll(async () => {
  stack = await startStack({
    env: { ANTHROPIC_SECRET },
    yaml: configYaml({
      provider_keys: [
        providerKey('mock'),
        { display_name: 'claude', provider: 'anthropic', api_key: '${ANTHROPIC_SECRET}', api_base: '${MOCK_URL}', request: { forward_client_headers: ['x-mock-*'] } },
      ],
      models: [
        ...DEFAULT_MODELS,
        claude('sonnet', 'mock-echo', { cost: { input_per_1k: 3, output_per_1k: 15 } }),
        claude('claude-tool', 'mock-tool'),
        claude('claude-cut', 'mock-cut'),
        claude('claude-cache', 'mock-cache'),
        claude('masked', 'mock-echo'),
        claude('claude-*', 'mock-echo'),
      ],
      guardrails: [
        keywordGuardrail('no-zebra', ['project-zebra'], { hook_point: 'input' }),
        piiGuardrail('emails-out', [['email', 'mask']], { hook_point: 'output' }),
      ],
      guardrail_attachments: [
        { guardrail_id: 'no-zebra', scope_type: 'env', priority: 1 },
        { guardrail_id: 'emails-out', scope_type: 'model', scope_id: 'masked', priority: 1 },
      ],
    }),
  });
  sdk = new Anthropic({ baseURL: stack.url, apiKey: CALLER_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await stack?.close();
});

describe('/v1/messages', () => {
  it('answers JSON, with usage, cost and the upstream call made with the provider key', async () => {
    const { data, response } = await sdk.messages
      .create({ model: 'sonnet', max_tokens: 100, system: 'be brief', messages: [{ role: 'user', content: 'hello from the test' }] }, { headers: { 'anthropic-beta': 'tools-2024-04-04' } })
      .withResponse();
    expect(data.content).toEqual([{ type: 'text', text: 'hello from the test' }]);
    expect(data.model).toBe('mock-echo');
    const event = await finishedFor(stack, response.headers.get('x-aisix-request-id') as string);
    expect(event).toMatchObject({ route: '/v1/messages', alias: 'sonnet', provider: 'anthropic', upstream_model: 'mock-echo', status: 200, outcome: 'ok', stream: false });
    expect(event.usage).toMatchObject({ input_tokens: data.usage.input_tokens, output_tokens: data.usage.output_tokens, total_tokens: data.usage.input_tokens + data.usage.output_tokens });
    expect(event.cost_usd).toBeCloseTo((data.usage.input_tokens * 3 + data.usage.output_tokens * 15) / 1000, 9);
    // Anthropic's own request id comes back under its own name, and is recorded
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(event.upstream_request_id).toBe(response.headers.get('request-id'));
    const sent = upstreamMessages().at(-1);
    expect(sent?.headers['x-api-key']).toBe(ANTHROPIC_SECRET);
    expect(sent?.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/); // the SDK's own, forwarded
    expect(sent?.headers['anthropic-beta']).toBe('tools-2024-04-04');
    expect(sent?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(sent?.headers)).not.toContain(CALLER_KEY);
  });

  it('streams, and the event reads usage from message_start and message_delta', async () => {
    const stream = sdk.messages.stream({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'one two three four five' }] });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'one two three four five' }]);
    const id = (await stream.withResponse()).response.headers.get('x-aisix-request-id') as string;
    const event = await finishedFor(stack, id);
    expect(event).toMatchObject({ stream: true, outcome: 'ok', usage: { input_tokens: message.usage.input_tokens, output_tokens: message.usage.output_tokens } });
    expect(event.ttft_ms).not.toBeNull();
  });

  it('serves Claude Code-style model ids through a claude-* wildcard alias and keeps the ?beta=true query', async () => {
    const res = await rawRequest(stack.url, {
      path: '/v1/messages?beta=true',
      headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-opus-4-5-20260101', max_tokens: 50, messages: [{ role: 'user', content: 'hi claude' }], metadata: { user_id: 'u1' } }),
    });
    expect(res.status).toBe(200);
    expect(upstreamMessages().at(-1)?.path).toBe('/v1/messages?beta=true');
    expect(upstreamMessages().at(-1)?.headers['anthropic-version']).toBe('2023-06-01');
    expect((await finishedFor(stack, requestIdOf(res))).alias).toBe('claude-opus-4-5-20260101');
  });

  it('relays tool use, JSON and streamed', async () => {
    const tools = [{ name: 'lookup', description: 'look it up', input_schema: { type: 'object' as const, properties: { input: { type: 'string' } } } }];
    const json = await sdk.messages.create({ model: 'claude-tool', max_tokens: 100, tools, messages: [{ role: 'user', content: 'find this' }] });
    expect(json.stop_reason).toBe('tool_use');
    expect(json.content[0]).toMatchObject({ type: 'tool_use', name: 'lookup', input: { input: 'find this' } });
    const streamed = await sdk.messages.stream({ model: 'claude-tool', max_tokens: 100, tools, messages: [{ role: 'user', content: 'find this' }] }).finalMessage();
    expect(streamed.content[0]).toMatchObject({ type: 'tool_use', name: 'lookup', input: { input: 'find this' } });
  });

  it('counts tokens', async () => {
    const counted = await sdk.messages.countTokens({ model: 'sonnet', messages: [{ role: 'user', content: 'count these four words' }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(upstreamMessages().at(-1)?.path).toBe('/v1/messages/count_tokens');
  });

  it('blocks an input in Anthropic\'s envelope, naming the guardrail, without calling the upstream', async () => {
    const before = upstreamMessages().length;
    const err = await sdkError(sdk.messages.create({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'text', text: 'plans for project-zebra' }] }] }));
    expect(err.status).toBe(422);
    expect(err.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: "request blocked by content policy (guardrail 'no-zebra')" } });
    expect(upstreamMessages().length).toBe(before);
  });

  it('masks an email split across deltas of a held stream, in every copy', async () => {
    const stream = sdk.messages.stream(
      { model: 'masked', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] },
      { headers: { 'x-mock-output': 'please write to ann.lee@example.com before friday ends' } },
    );
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'please write to [EMAIL_REDACTED] before friday ends' }]);
  });

  it('ends a cut stream with an error event the SDK reports', async () => {
    const err = await sdk.messages
      .stream({ model: 'claude-cut', max_tokens: 100, messages: [{ role: 'user', content: 'one two three four five six seven eight' }] })
      .finalMessage()
      .then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const event = stack.events.filter((e) => e.alias === 'claude-cut').at(-1);
    expect(event).toMatchObject({ outcome: 'upstream_error', error_code: 'upstream_stream_interrupted', status: 200 });
  });

  it('normalises usage with cache reads and writes (OpenAI semantics)', async () => {
    const { data, response } = await sdk.messages.create({ model: 'claude-cache', max_tokens: 10, messages: [{ role: 'user', content: 'cache me' }] }).withResponse();
    const event = await finishedFor(stack, response.headers.get('x-aisix-request-id') as string);
    const u = data.usage;
    expect(event.usage).toEqual({
      input_tokens: u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0),
      output_tokens: u.output_tokens,
      total_tokens: u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + u.output_tokens,
      cached_tokens: 64,
      cache_creation_tokens: 16,
      reasoning_tokens: 0,
    });
  });

  it('refuses a non-Anthropic model before any upstream call, in Anthropic\'s envelope', async () => {
    const res = await rawRequest(stack.url, {
      path: '/v1/messages',
      headers: { 'x-api-key': CALLER_KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'gpt', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(400);
    expect(jsonOf(res)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('Anthropic providers only') } });
    const batches = await rawRequest(stack.url, { path: '/v1/messages/batches', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(batches.status).toBe(404);
    expect(jsonOf(batches)).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const anon = await rawRequest(stack.url, { path: '/v1/messages', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(anon.status).toBe(401);
    expect(jsonOf(anon)).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });
});
