// POST /v1/messages and /v1/messages/count_tokens driven by the official Anthropic SDK: JSON and
// streamed shapes (event grammar on the wire), tool use, cache token accounting, Anthropic's error
// envelope and classes, the x-api-key / anthropic-version checks, a cut stream, x-mock-output.
import Anthropic from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { anthropic, collect, parseSse, postJson, sdk, words } from './helpers.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  await mock.close();
});

const VERSION = { 'anthropic-version': '2023-06-01' };
const INPUT = 'Tell me a story about a lighthouse keeper and her cat';
const SYSTEM = 'You are a calm narrator.';

function post(body: unknown, headers: Record<string, string> = VERSION, path = '/v1/messages'): Promise<Response> {
  return postJson(mock, path, body, headers);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

function textOf(events: readonly RawMessageStreamEvent[]): string {
  let text = '';
  for (const event of events) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
  return text;
}

describe('POST /v1/messages (JSON)', () => {
  it('echoes the last user message with a msg_ id, the model as sent and word-count usage', async () => {
    const { data, request_id } = await anthropic(mock)
      .messages.create({ model: 'claude-mock', max_tokens: 64, system: SYSTEM, messages: [{ role: 'user', content: INPUT }] })
      .withResponse();
    expect(data.id).toMatch(/^msg_/);
    expect(data.type).toBe('message');
    expect(data.role).toBe('assistant');
    expect(data.model).toBe('claude-mock');
    expect(data.content).toEqual([{ type: 'text', text: INPUT }]);
    expect(data.stop_reason).toBe('end_turn');
    expect(data.stop_sequence).toBeNull();
    expect(data.usage).toEqual({
      input_tokens: words(SYSTEM) + words(INPUT),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      output_tokens: words(INPUT),
      service_tier: 'standard',
    });
    expect(request_id).toMatch(/^req_/);
  });

  it('counts system blocks, every text block and tool_result contents; echoes the last user text blocks', async () => {
    const messages: Anthropic.MessageParam[] = [
      { role: 'user', content: 'first question here' },
      { role: 'assistant', content: [{ type: 'text', text: 'an answer' }, { type: 'tool_use', id: 'toolu_1', name: 'look', input: { q: 1 } }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'tool said four words' }] },
          { type: 'text', text: 'the second question' },
        ],
      },
    ];
    const system: Anthropic.TextBlockParam[] = [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Be kind.' }];
    const res = await anthropic(mock).messages.create({ model: 'mock-echo', max_tokens: 64, system, messages });
    expect(res.content).toEqual([{ type: 'text', text: 'the second question' }]);
    const expected = ['first question here', 'an answer', 'tool said four words', 'the second question', 'Be brief.', 'Be kind.'];
    expect(res.usage.input_tokens).toBe(expected.reduce((n, text) => n + words(text), 0));
    const counted = await anthropic(mock).messages.countTokens({ model: 'mock-echo', system, messages });
    expect(counted).toEqual({ input_tokens: res.usage.input_tokens });
  });

  it('routes ?beta=true like the plain path and answers with Anthropic headers', async () => {
    const res = await post({ model: 'mock-echo', max_tokens: 8, messages: [{ role: 'user', content: 'hi there' }] }, VERSION, '/v1/messages?beta=true');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    expect(res.headers.get('anthropic-organization-id')).not.toBeNull();
    expect(res.headers.get('x-request-id')).toBeNull();
    expect(res.headers.get('openai-version')).toBeNull();
    const body = (await res.json()) as { content: unknown; usage: { output_tokens: number } };
    expect(body.content).toEqual([{ type: 'text', text: 'hi there' }]);
    expect(mock.requests().at(-1)?.path).toBe('/v1/messages?beta=true');
  });

  it('mock-tool answers a tool_use block named after the first tool', async () => {
    const tools: Anthropic.Tool[] = [{ name: 'lookup_order', description: 'find an order', input_schema: { type: 'object', properties: {} } }];
    const res = await anthropic(mock).messages.create({ model: 'mock-tool', max_tokens: 64, tools, messages: [{ role: 'user', content: 'where is order 42' }] });
    expect(res.stop_reason).toBe('tool_use');
    expect(res.content).toHaveLength(1);
    const block = res.content[0];
    if (block?.type !== 'tool_use') throw new Error('expected a tool_use block');
    expect(block.id).toMatch(/^toolu_/);
    expect(block.name).toBe('lookup_order');
    expect(block.input).toEqual({ input: 'where is order 42' });
    expect(res.usage.output_tokens).toBe(words(JSON.stringify(block.input)));
    const fallback = await anthropic(mock).messages.create({ model: 'mock-tool', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] });
    expect(fallback.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather' });
  });

  it('mock-cache reports cache reads and writes apart from input_tokens; count_tokens counts them all', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'cached prompt words' }];
    const res = await anthropic(mock).messages.create({ model: 'mock-cache', max_tokens: 8, messages });
    expect(res.usage).toMatchObject({
      input_tokens: 3,
      cache_read_input_tokens: 64,
      cache_creation_input_tokens: 16,
      cache_creation: { ephemeral_5m_input_tokens: 16, ephemeral_1h_input_tokens: 0 },
      output_tokens: 3,
    });
    expect(await anthropic(mock).messages.countTokens({ model: 'mock-cache', messages })).toEqual({ input_tokens: 3 + 64 + 16 });
  });

  it('mock-reasoning puts a thinking block before the text', async () => {
    const res = await anthropic(mock).messages.create({ model: 'mock-reasoning', max_tokens: 8, messages: [{ role: 'user', content: 'a b c' }] });
    expect(res.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    const thinking = res.content[0];
    if (thinking?.type !== 'thinking') throw new Error('expected thinking');
    expect(thinking.thinking.length).toBeGreaterThan(0);
    expect(thinking.signature.length).toBeGreaterThan(0);
  });

  it('mock-no-usage sends no usage key', async () => {
    const text = await (await post({ model: 'mock-no-usage', max_tokens: 8, messages: [{ role: 'user', content: INPUT }] })).text();
    expect(text).not.toContain('"usage"');
  });
});

describe('POST /v1/messages (stream)', () => {
  it('writes the documented event grammar: event: equals data.type, ping after the first block start', async () => {
    const res = await post({ model: 'mock-echo', max_tokens: 64, stream: true, messages: [{ role: 'user', content: INPUT }] });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = parseSse(await res.text());
    const events = frames.map((frame) => JSON.parse(frame.data) as { type: string } & Record<string, unknown>);
    for (const [i, frame] of frames.entries()) expect(frame.event).toBe(events[i]?.type);
    const deltas = events.filter((e) => e.type === 'content_block_delta').length;
    expect(deltas).toBe(8);
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...Array<string>(deltas).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]).toMatchObject({
      message: { type: 'message', role: 'assistant', model: 'mock-echo', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: words(INPUT), output_tokens: 1 } },
    });
    expect(events[1]).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    expect(events[3]).toMatchObject({ index: 0, delta: { type: 'text_delta' } });
    expect(events.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: words(INPUT), cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: words(INPUT) },
    });
  });

  it('messages.stream() builds the final message: text and usage', async () => {
    const stream = anthropic(mock).messages.stream({ model: 'mock-echo', max_tokens: 64, messages: [{ role: 'user', content: INPUT }] });
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: INPUT }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(words(INPUT));
    expect(final.usage.input_tokens).toBe(words(INPUT));
    expect(await stream.finalText()).toBe(INPUT);
  });

  it('streams mock-tool as a tool_use start with input {} and input_json_delta pieces', async () => {
    const events = await collect(
      await anthropic(mock).messages.create({
        model: 'mock-tool',
        max_tokens: 64,
        stream: true,
        tools: [{ name: 'get_time', input_schema: { type: 'object' } }],
        messages: [{ role: 'user', content: 'what time is it in Paris' }],
      }),
    );
    const start = events.find((e) => e.type === 'content_block_start');
    expect(start).toMatchObject({ index: 0, content_block: { type: 'tool_use', name: 'get_time', input: {} } });
    let json = '';
    for (const e of events) if (e.type === 'content_block_delta' && e.delta.type === 'input_json_delta') json += e.delta.partial_json;
    expect(JSON.parse(json)).toEqual({ input: 'what time is it in Paris' });
    expect(events.find((e) => e.type === 'message_delta')).toMatchObject({ delta: { stop_reason: 'tool_use' } });
    const final = await anthropic(mock)
      .messages.stream({ model: 'mock-tool', max_tokens: 64, messages: [{ role: 'user', content: 'what time is it in Paris' }] })
      .finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'tool_use', input: { input: 'what time is it in Paris' } });
  });

  it('mock-cache streams the cache counts in message_start and message_delta', async () => {
    const events = await collect(
      await anthropic(mock).messages.create({ model: 'mock-cache', max_tokens: 8, stream: true, messages: [{ role: 'user', content: 'one two' }] }),
    );
    const start = events[0];
    if (start?.type !== 'message_start') throw new Error('expected message_start');
    expect(start.message.usage).toMatchObject({ input_tokens: 2, cache_read_input_tokens: 64, cache_creation_input_tokens: 16 });
    expect(events.find((e) => e.type === 'message_delta')).toMatchObject({ usage: { input_tokens: 2, cache_read_input_tokens: 64, cache_creation_input_tokens: 16, output_tokens: 2 } });
  });

  it('mock-cut: some text deltas, then the socket closes before message_stop', async () => {
    const events: RawMessageStreamEvent[] = [];
    const stream = await anthropic(mock).messages.create({ model: 'mock-cut', max_tokens: 64, stream: true, messages: [{ role: 'user', content: INPUT }] });
    const err = await rejection((async () => {
      for await (const event of stream) events.push(event);
    })());
    expect(err).toBeInstanceOf(Error);
    expect(textOf(events).length).toBeGreaterThan(0);
    expect(INPUT.startsWith(textOf(events))).toBe(true);
    expect(textOf(events).length).toBeLessThan(INPUT.length);
    expect(events.some((e) => e.type === 'message_stop' || e.type === 'message_delta')).toBe(false);
  });

  it('keeps event: lines under mock-data-only and ends lines in CRLF under mock-crlf', async () => {
    const body = { max_tokens: 8, stream: true, messages: [{ role: 'user', content: 'a b c' }] };
    const dataOnly = parseSse(await (await post({ ...body, model: 'mock-data-only' })).text());
    expect(dataOnly.every((frame) => frame.event !== undefined)).toBe(true);
    const crlf = await (await post({ ...body, model: 'mock-crlf' })).text();
    expect(crlf.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(parseSse(crlf).at(-1)?.event).toBe('message_stop');
  });
});

describe('errors, key and version on the Messages wire', () => {
  interface AnthropicEnvelope {
    type: string;
    error: { type: string; message: string };
    request_id: string;
  }

  async function envelopeOf(res: Response): Promise<AnthropicEnvelope> {
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as AnthropicEnvelope;
    expect(Object.keys(body)).toEqual(['type', 'error', 'request_id']);
    expect(Object.keys(body.error)).toEqual(['type', 'message']);
    expect(body.type).toBe('error');
    expect(body.request_id).toBe(res.headers.get('request-id'));
    return body;
  }

  async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
    const err = await rejection(promise);
    if (!(err instanceof Anthropic.APIError)) throw new Error(`expected an APIError, got ${String(err)}`);
    return err;
  }

  const ask = { max_tokens: 8, messages: [{ role: 'user' as const, content: 'hi' }] };

  it('mock-error-429 is a rate_limit_error with retry-after: 7, JSON and stream alike', async () => {
    for (const stream of [false, true]) {
      const res = await post({ ...ask, model: 'mock-error-429', stream });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
      expect((await envelopeOf(res)).error.type).toBe('rate_limit_error');
    }
    const err = await apiError(anthropic(mock).messages.create({ ...ask, model: 'mock-error-429' }));
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect(err.headers?.get('retry-after')).toBe('7');
    expect(err.requestID).toMatch(/^req_/);
    expect(err.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
  });

  it('maps the other error models to Anthropic type names and SDK classes', async () => {
    const cases: [string, number, string, new (...args: never[]) => Error][] = [
      ['mock-error-500', 500, 'api_error', Anthropic.InternalServerError],
      ['mock-error-400', 400, 'invalid_request_error', Anthropic.BadRequestError],
      ['mock-error-529', 529, 'overloaded_error', Anthropic.OverloadedError],
      ['mock-burst-500', 500, 'api_error', Anthropic.InternalServerError],
    ];
    for (const [model, status, type, errorClass] of cases) {
      const err = await apiError(anthropic(mock).messages.create({ ...ask, model }));
      expect(err.status).toBe(status);
      expect(err).toBeInstanceOf(errorClass);
      expect(err.type).toBe(type);
    }
    const text = await post({ ...ask, model: 'mock-error-text' });
    expect(text.status).toBe(400);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('requires anthropic-version, model, messages and max_tokens, and valid JSON', async () => {
    const noVersion = await post({ ...ask, model: 'mock-echo' }, {});
    expect(noVersion.status).toBe(400);
    expect((await envelopeOf(noVersion)).error).toEqual({ type: 'invalid_request_error', message: 'anthropic-version: header is required' });
    const noMaxTokens = await post({ model: 'mock-echo', messages: [] });
    expect((await envelopeOf(noMaxTokens)).error.message).toBe('max_tokens: Field required');
    const noModel = await post({ max_tokens: 1, messages: [] }, VERSION, '/v1/messages/count_tokens');
    expect(noModel.status).toBe(400);
    expect((await envelopeOf(noModel)).error.message).toBe('model: Field required');
    const bad = await fetch(mock.url + '/v1/messages', { method: 'POST', headers: { ...VERSION, 'content-type': 'application/json' }, body: '{"model":' });
    expect(bad.status).toBe(400);
    expect((await envelopeOf(bad)).error.type).toBe('invalid_request_error');
  });

  it('with --api-key takes x-api-key or a Bearer token, and refuses others with authentication_error', async () => {
    const locked = await startMock({ apiKey: 'sk-ant-upstream' });
    try {
      const xApiKey = await postJson(locked, '/v1/messages', { ...ask, model: 'mock-echo' }, { ...VERSION, 'x-api-key': 'sk-ant-upstream' });
      expect(xApiKey.status).toBe(200);
      // this SDK sends its key as a Bearer token
      const ok = await anthropic(locked, 'sk-ant-upstream').messages.create({ ...ask, model: 'mock-echo' });
      expect(ok.content).toEqual([{ type: 'text', text: 'hi' }]);
      expect(locked.requests().at(-1)?.headers.authorization).toBe('Bearer sk-ant-upstream');
      const err = await apiError(anthropic(locked, 'sk-wrong').messages.create({ ...ask, model: 'mock-echo' }));
      expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
      expect(err.type).toBe('authentication_error');
      expect(err.message).not.toContain('sk-wrong');
      const none = await postJson(locked, '/v1/messages', { ...ask, model: 'mock-echo' }, VERSION);
      expect(none.status).toBe(401);
      expect((await envelopeOf(none)).error.message).toBe('x-api-key header is required');
      const openaiRoute = await postJson(locked, '/v1/responses', { model: 'mock-echo', input: 'hi' }, { 'x-api-key': 'sk-ant-upstream' });
      expect(openaiRoute.status).toBe(401);
    } finally {
      await locked.close();
    }
  });
});

describe('x-mock-output', () => {
  const OUTPUT = 'project falcon is internal-only';

  it('replaces the output text on Messages, Responses and chat, JSON and stream', async () => {
    const headers = { 'x-mock-output': OUTPUT };
    const message = await anthropic(mock).messages.create({ model: 'mock-echo', max_tokens: 8, messages: [{ role: 'user', content: 'ignored' }] }, { headers });
    expect(message.content).toEqual([{ type: 'text', text: OUTPUT }]);
    expect(message.usage.output_tokens).toBe(4);
    const streamed = await anthropic(mock).messages.stream({ model: 'mock-echo', max_tokens: 8, messages: [{ role: 'user', content: 'ignored' }] }, { headers }).finalText();
    expect(streamed).toBe(OUTPUT);
    const response = await sdk(mock).responses.create({ model: 'mock-echo', input: 'ignored', metadata: { mock_output: 'loses to the header' } }, { headers });
    expect(response.output_text).toBe(OUTPUT);
    const chat = await sdk(mock).chat.completions.create({ model: 'mock-echo', messages: [{ role: 'user', content: 'ignored' }] }, { headers });
    expect(chat.choices[0]?.message.content).toBe(OUTPUT);
  });

  it('becomes the tool input of mock-tool: parsed when it is a JSON object, else wrapped', async () => {
    const ask = { model: 'mock-tool', max_tokens: 8, messages: [{ role: 'user' as const, content: 'x' }] };
    const json = await anthropic(mock).messages.create(ask, { headers: { 'x-mock-output': '{"city":"Paris"}' } });
    expect(json.content[0]).toMatchObject({ type: 'tool_use', input: { city: 'Paris' } });
    const plain = await anthropic(mock).messages.create(ask, { headers: { 'x-mock-output': OUTPUT } });
    expect(plain.content[0]).toMatchObject({ type: 'tool_use', input: { input: OUTPUT } });
  });
});
