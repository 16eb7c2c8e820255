// POST /v1/chat/completions driven by the official SDK: JSON, streams with and without
// include_usage (usage chunk with empty choices, `[DONE]` on the wire) and tool calls.
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { collect, parseSse, postJson, sdk, words } from './helpers.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  await mock.close();
});

const MESSAGES = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'What is the capital of France today' },
];
const PROMPT_WORDS = words('You are terse.') + words('What is the capital of France today');

function contentOf(chunks: readonly ChatCompletionChunk[]): string {
  return chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
}

describe('POST /v1/chat/completions', () => {
  it('answers JSON echoing the last user message, with chat usage', async () => {
    const res = await sdk(mock).chat.completions.create({ model: 'mock-echo', messages: MESSAGES });
    expect(res.id).toMatch(/^chatcmpl-/);
    expect(res.object).toBe('chat.completion');
    expect(res.model).toBe('mock-echo');
    expect(res.choices[0]?.message).toMatchObject({ role: 'assistant', content: MESSAGES[1]?.content });
    expect(res.choices[0]?.finish_reason).toBe('stop');
    expect(res.usage).toMatchObject({
      prompt_tokens: PROMPT_WORDS,
      completion_tokens: words(MESSAGES[1]?.content ?? ''),
      total_tokens: PROMPT_WORDS + words(MESSAGES[1]?.content ?? ''),
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it('streams chunks without usage unless include_usage is set', async () => {
    const chunks = await collect(await sdk(mock).chat.completions.create({ model: 'mock-echo', messages: MESSAGES, stream: true }));
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.choices.length === 1)).toBe(true);
    expect(chunks.every((c) => c.usage === undefined || c.usage === null)).toBe(true);
    expect(contentOf(chunks)).toBe(MESSAGES[1]?.content);
    expect(chunks[chunks.length - 1]?.choices[0]?.finish_reason).toBe('stop');
  });

  it('adds one usage chunk with empty choices before [DONE] when include_usage is true', async () => {
    const body = { model: 'mock-reasoning', messages: MESSAGES, stream: true, stream_options: { include_usage: true } };
    const res = await postJson(mock, '/v1/chat/completions', body);
    const frames = parseSse(await res.text());
    expect(frames.every((f) => f.event === undefined)).toBe(true);
    expect(frames[frames.length - 1]?.data).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.data) as ChatCompletionChunk);
    const usageChunk = chunks[chunks.length - 1];
    expect(usageChunk?.choices).toEqual([]);
    expect(usageChunk?.usage?.prompt_tokens_details?.cached_tokens).toBeGreaterThan(0);
    expect(usageChunk?.usage?.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
    expect(usageChunk?.usage?.total_tokens).toBe((usageChunk?.usage?.prompt_tokens ?? 0) + (usageChunk?.usage?.completion_tokens ?? 0));
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('mock-tool streams tool_calls whose argument deltas form the JSON arguments', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'find_city', parameters: { type: 'object', properties: {} } } }];
    const json = await sdk(mock).chat.completions.create({ model: 'mock-tool', messages: MESSAGES, tools });
    const call = json.choices[0]?.message.tool_calls?.[0];
    expect(json.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' ? call.function.name : undefined).toBe('find_city');
    const chunks = await collect(await sdk(mock).chat.completions.create({ model: 'mock-tool', messages: MESSAGES, tools, stream: true }));
    const args = chunks.map((c) => c.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '').join('');
    expect(JSON.parse(args)).toEqual({ input: MESSAGES[1]?.content });
    expect(chunks[0]?.choices[0]?.delta.tool_calls?.[0]?.function?.name).toBe('find_city');
    expect(chunks[chunks.length - 1]?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('mock-no-usage has no usage chunk even when asked', async () => {
    const body = { model: 'mock-no-usage', messages: MESSAGES, stream: true, stream_options: { include_usage: true } };
    const text = await (await postJson(mock, '/v1/chat/completions', body)).text();
    expect(text).not.toContain('"usage"');
    expect(text).toContain('data: [DONE]');
  });
});
