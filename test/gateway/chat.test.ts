import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIError } from 'openai';
import { DEFAULT_MODELS, DEFAULT_PROVIDER_KEYS, configYaml, keywordGuardrail, model, providerKey, startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    yaml: configYaml({
      provider_keys: [
        ...DEFAULT_PROVIDER_KEYS,
        providerKey('ollama', '${MOCK_URL}/v1', { provider: 'ollama', api_key: '${OLLAMA_KEY}', adapter: 'openai' }),
      ],
      models: [...DEFAULT_MODELS, model('local-llama', 'mock-echo', { provider: 'ollama', provider_key: 'ollama' })],
      guardrails: [keywordGuardrail('no-codenames', ['project falcon'], { hook_point: 'input' })],
    }),
    env: { OLLAMA_KEY: 'ollama-key' },
  });
});
afterAll(() => stack.close());

const lastEvent = async (before: number) => (await stack.waitForEvents(before + 1))[before]!;

describe('POST /v1/chat/completions', () => {
  it('relays a JSON completion with the upstream model rewritten and usage recorded', async () => {
    stack.mock.clearRequests();
    const before = stack.events.length;
    const completion = await stack.client().chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi chat' }] });
    expect(completion.choices[0]?.message.content).toBe('hi chat');
    expect(stack.mock.requests()[0]).toMatchObject({ path: '/v1/chat/completions' });
    expect((stack.mock.requests()[0]?.json as { model: string }).model).toBe('mock-echo');
    const event = await lastEvent(before);
    expect(event).toMatchObject({ route: '/v1/chat/completions', alias: 'gpt', status: 200, outcome: 'ok', response_id: completion.id });
    expect(event.usage).toMatchObject({ input_tokens: completion.usage?.prompt_tokens, output_tokens: completion.usage?.completion_tokens });
  });

  it('asks the upstream for stream usage, records it, and does not forward that extra chunk', async () => {
    stack.mock.clearRequests();
    const before = stack.events.length;
    const stream = await stack.client().chat.completions.create({ model: 'gpt', stream: true, messages: [{ role: 'user', content: 'count my tokens' }] });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('count my tokens');
    expect(chunks.every((c) => c.usage === undefined || c.usage === null)).toBe(true);
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    const sent = stack.mock.requests()[0]?.json as { stream_options?: { include_usage?: boolean } };
    expect(sent.stream_options?.include_usage).toBe(true);
    const event = await lastEvent(before);
    expect(event.stream).toBe(true);
    expect(event.usage?.input_tokens).toBeGreaterThan(0);
    expect(event.usage?.output_tokens).toBeGreaterThan(0);
    expect(event.ttft_ms).not.toBeNull();
  });

  it('forwards the usage chunk when the client asked for it', async () => {
    const before = stack.events.length;
    const stream = await stack.client().chat.completions.create({
      model: 'gpt', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'usage please' }],
    });
    let usage: { prompt_tokens: number } | null = null;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage).not.toBeNull();
    expect((await lastEvent(before)).usage?.input_tokens).toBe(usage!.prompt_tokens);
  });

  it('blocks input on chat with 422 content_filter and never calls the upstream', async () => {
    stack.mock.clearRequests();
    const before = stack.events.length;
    const err = await stack.client().chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'tell me about Project Falcon' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBe(422);
    expect((err as APIError).error).toEqual({ message: "request blocked by content policy (guardrail 'no-codenames')", type: 'content_filter' });
    expect(stack.mock.requests()).toHaveLength(0);
    expect(await lastEvent(before)).toMatchObject({ outcome: 'blocked_input', guardrails: [{ name: 'no-codenames', stage: 'input', action: 'block', rule: 'project falcon' }] });
  });

  it('accepts an OpenAI-compatible provider on chat but refuses it on /v1/responses before any upstream call', async () => {
    stack.mock.clearRequests();
    const completion = await stack.client().chat.completions.create({ model: 'local-llama', messages: [{ role: 'user', content: 'llama?' }] });
    expect(completion.choices[0]?.message.content).toBe('llama?');
    expect(stack.mock.requests()[0]?.headers.authorization).toBe('Bearer ollama-key');
    stack.mock.clearRequests();
    const before = stack.events.length;
    const err = await stack.client().responses.create({ model: 'local-llama', input: 'x' }).catch((e: unknown) => e);
    expect((err as APIError).status).toBe(400);
    const body = (err as APIError).error as { message: string; type: string };
    expect(body.type).toBe('invalid_request_error');
    expect(body.message).toContain('"local-llama"');
    expect(body.message).toContain('"ollama"');
    expect(body.message).toContain('/v1/chat/completions');
    expect(stack.mock.requests()).toHaveLength(0);
    expect(await lastEvent(before)).toMatchObject({ outcome: 'provider_rejected', status: 400 });
  });
});
