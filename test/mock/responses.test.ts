// POST /v1/responses driven by the official SDK: JSON and streaming shapes, event order, sequence
// numbers, usage by the documented formula, and the output-shaping model names.
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
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

const INPUT = 'Tell me a story about a lighthouse keeper and her cat';

function deltaText(events: readonly ResponseStreamEvent[]): string {
  let text = '';
  for (const event of events) if (event.type === 'response.output_text.delta') text += event.delta;
  return text;
}

describe('POST /v1/responses (JSON)', () => {
  it('echoes a string input with ids, echoed model and word-count usage', async () => {
    const { data, request_id } = await sdk(mock).responses.create({ model: 'mock-echo', input: INPUT }).withResponse();
    expect(data.id).toMatch(/^resp_/);
    expect(data.object).toBe('response');
    expect(data.status).toBe('completed');
    expect(data.model).toBe('mock-echo');
    expect(data.output_text).toBe(INPUT);
    const message = data.output[0];
    expect(message?.type).toBe('message');
    if (message?.type !== 'message') return;
    expect(message.id).toMatch(/^msg_/);
    expect(message.content[0]).toEqual({ type: 'output_text', text: INPUT, annotations: [], logprobs: [] });
    expect(data.usage).toEqual({
      input_tokens: words(INPUT),
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: words(INPUT),
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 2 * words(INPUT),
    });
    expect(request_id).toMatch(/^req_/);
  });

  it('echoes the last user message and counts every input text, instructions included', async () => {
    const input = [
      { role: 'user' as const, content: 'first question here' },
      { role: 'assistant' as const, content: 'an answer' },
      { role: 'user' as const, content: [{ type: 'input_text' as const, text: 'the second question' }] },
    ];
    const instructions = 'Be brief and kind.';
    const res = await sdk(mock).responses.create({ model: 'some-unknown-model', input, instructions });
    expect(res.output_text).toBe('the second question');
    expect(res.model).toBe('some-unknown-model');
    expect(res.instructions).toBe(instructions);
    const expectedIn = words('first question here') + words('an answer') + words('the second question') + words(instructions);
    expect(res.usage?.input_tokens).toBe(expectedIn);
    expect(res.usage?.output_tokens).toBe(3);
  });

  it('sends the SDK-visible fields and headers of a real Response', async () => {
    const res = await postJson(mock, '/v1/responses', { model: 'mock-echo', input: 'hi', metadata: { k: 'v' }, temperature: 0.2 });
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(res.headers.get('openai-processing-ms')).toMatch(/^\d+$/);
    const body = (await res.json()) as Record<string, unknown>;
    for (const key of ['created_at', 'error', 'incomplete_details', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'top_p']) {
      expect(body).toHaveProperty(key);
    }
    expect(body.error).toBeNull();
    expect(body.metadata).toEqual({ k: 'v' });
    expect(body.temperature).toBe(0.2);
  });

  it('lets metadata.mock_output replace the output text', async () => {
    const res = await sdk(mock).responses.create({ model: 'mock-echo', input: 'ignored words', metadata: { mock_output: 'project falcon is internal-only' } });
    expect(res.output_text).toBe('project falcon is internal-only');
    expect(res.usage?.output_tokens).toBe(4);
  });

  it('mock-reasoning puts a reasoning item first and reports cached and reasoning tokens', async () => {
    const res = await sdk(mock).responses.create({ model: 'mock-reasoning', input: INPUT });
    expect(res.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(res.output_text).toBe(INPUT);
    const usage = res.usage;
    expect(usage?.input_tokens_details.cached_tokens).toBeGreaterThan(0);
    expect(usage?.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(usage?.input_tokens).toBe(words(INPUT) + (usage?.input_tokens_details.cached_tokens ?? 0));
    expect(usage?.output_tokens).toBe(words(INPUT) + (usage?.output_tokens_details.reasoning_tokens ?? 0));
    expect(usage?.total_tokens).toBe((usage?.input_tokens ?? 0) + (usage?.output_tokens ?? 0));
  });

  it('mock-tool answers with a function_call named after the first function tool', async () => {
    const tools = [{ type: 'function' as const, name: 'lookup_order', parameters: { type: 'object', properties: {} }, strict: false }];
    const res = await sdk(mock).responses.create({ model: 'mock-tool', input: 'where is order 42', tools });
    const call = res.output[0];
    expect(call?.type).toBe('function_call');
    if (call?.type !== 'function_call') return;
    expect(call.name).toBe('lookup_order');
    expect(call.call_id).toMatch(/^call_/);
    expect(JSON.parse(call.arguments)).toEqual({ input: 'where is order 42' });
    expect(res.usage?.output_tokens).toBe(words(call.arguments));
  });

  it('mock-no-usage sends no usage key at all', async () => {
    const res = await postJson(mock, '/v1/responses', { model: 'mock-no-usage', input: INPUT });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain('"usage"');
    expect((JSON.parse(text) as { output: unknown[] }).output).toHaveLength(1);
  });

  it('mock-long returns over 300 KB of text', async () => {
    const res = await sdk(mock).responses.create({ model: 'mock-long', input: 'x' });
    expect(res.output_text.length).toBeGreaterThan(300 * 1024);
    expect(res.usage?.output_tokens).toBe(words(res.output_text));
  });
});

describe('POST /v1/responses (stream)', () => {
  it('emits the documented event order with gap-free sequence numbers', async () => {
    const events = await collect(await sdk(mock).responses.create({ model: 'mock-echo', input: INPUT, stream: true }));
    const deltas = events.filter((e) => e.type === 'response.output_text.delta').length;
    expect(deltas).toBeGreaterThan(2);
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array<string>(deltas).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const first = events[0];
    const last = events[events.length - 1];
    if (first?.type !== 'response.created' || last?.type !== 'response.completed') throw new Error('bad ends');
    expect(first.response.usage).toBeNull();
    expect(first.response.output).toEqual([]);
    expect(first.response.id).toBe(last.response.id);
    expect(deltaText(events)).toBe(INPUT);
    const message = last.response.output[0];
    expect(message?.type === 'message' ? message.content[0] : undefined).toMatchObject({ type: 'output_text', text: INPUT });
    expect(last.response.usage?.total_tokens).toBe(2 * words(INPUT));
  });

  it('is plain SSE on the wire: event equals type, no [DONE], event-stream content type', async () => {
    const res = await postJson(mock, '/v1/responses', { model: 'mock-echo', input: INPUT, stream: true });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    const text = await res.text();
    expect(text).not.toContain('[DONE]');
    const frames = parseSse(text);
    for (const frame of frames) {
      const data = JSON.parse(frame.data) as { type: string };
      expect(frame.event).toBe(data.type);
    }
    const delta = JSON.parse(frames[4]?.data ?? '{}') as Record<string, unknown>;
    expect(delta).toMatchObject({ type: 'response.output_text.delta', logprobs: [] });
    expect(typeof delta.obfuscation).toBe('string');
  });

  it('drops obfuscation when stream_options.include_obfuscation is false', async () => {
    const res = await postJson(mock, '/v1/responses', { model: 'mock-echo', input: INPUT, stream: true, stream_options: { include_obfuscation: false } });
    expect(await res.text()).not.toContain('obfuscation');
  });

  it('works with the responses.stream() helper', async () => {
    const stream = sdk(mock).responses.stream({ model: 'mock-reasoning', input: INPUT });
    const final = await stream.finalResponse();
    expect(final.status).toBe('completed');
    expect(final.output_text).toBe(INPUT);
    expect(final.output[0]?.type).toBe('reasoning');
    expect(final.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
  });

  it('streams mock-tool arguments as deltas that add up to the final arguments', async () => {
    const events = await collect(await sdk(mock).responses.create({ model: 'mock-tool', input: 'check the weather in Paris today', stream: true }));
    let args = '';
    for (const e of events) if (e.type === 'response.function_call_arguments.delta') args += e.delta;
    const done = events.find((e) => e.type === 'response.function_call_arguments.done');
    if (done?.type !== 'response.function_call_arguments.done') throw new Error('no arguments.done');
    expect(args).toBe(done.arguments);
    expect(JSON.parse(args)).toEqual({ input: 'check the weather in Paris today' });
    expect(events[events.length - 1]?.type).toBe('response.completed');
  });

  it('mock-no-usage streams without usage anywhere', async () => {
    const res = await postJson(mock, '/v1/responses', { model: 'mock-no-usage', input: INPUT, stream: true });
    const text = await res.text();
    expect(parseSse(text).at(-1)?.event).toBe('response.completed');
    expect(text).not.toContain('"usage"');
  });

  it('mock-long ends with a terminal frame of several hundred KB', async () => {
    const res = await postJson(mock, '/v1/responses', { model: 'mock-long', input: 'x', stream: true });
    const frames = parseSse(await res.text());
    const last = frames[frames.length - 1];
    expect(last?.event).toBe('response.completed');
    expect(last?.data.length ?? 0).toBeGreaterThan(300 * 1024);
    const deltas = frames.filter((f) => f.event === 'response.output_text.delta');
    const text = deltas.map((f) => (JSON.parse(f.data) as { delta: string }).delta).join('');
    expect(text.length).toBeGreaterThan(300 * 1024);
  });
});
