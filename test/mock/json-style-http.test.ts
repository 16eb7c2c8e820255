// The mock's JSON styles on the wire: every style for a Responses JSON body and stream, a chat
// JSON body and include_usage stream, and an error body, each parsed back to the compact data;
// exact spacing and key order; and how a style is picked (header, metadata, server option).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_STYLES, startMock, type JsonStyle, type MockServer } from '../../src/mock/index.js';
import { parseSse, postJson, pythonDumps, sdk } from './helpers.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  await mock.close();
});

const INPUT = 'Say "hi", then: ünïcödé 😀\tnow';
const MESSAGES = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: INPUT },
];

interface Case {
  name: string;
  path: string;
  body: Record<string, unknown>;
}

const CASES: Case[] = [
  { name: 'a Responses JSON body', path: '/v1/responses', body: { model: 'mock-reasoning', input: INPUT } },
  { name: 'a Responses stream', path: '/v1/responses', body: { model: 'mock-reasoning', input: INPUT, stream: true } },
  { name: 'a chat JSON body', path: '/v1/chat/completions', body: { model: 'mock-echo', messages: MESSAGES } },
  {
    name: 'a chat stream with include_usage',
    path: '/v1/chat/completions',
    body: { model: 'mock-reasoning', messages: MESSAGES, stream: true, stream_options: { include_usage: true } },
  },
  { name: 'an error body', path: '/v1/responses', body: { model: 'mock-error-400', input: INPUT } },
];

interface Reply {
  status: number;
  contentType: string | null;
  /** the body, or each SSE `data:` line but `[DONE]` */
  texts: string[];
}

async function call(target: MockServer, c: Case, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await postJson(target, c.path, c.body, headers);
  const contentType = res.headers.get('content-type');
  const raw = await res.text();
  const sse = contentType?.startsWith('text/event-stream') === true;
  const texts = sse ? parseSse(raw).map((f) => f.data).filter((data) => data !== '[DONE]') : [raw];
  return { status: res.status, contentType, texts };
}

const MOCK_ID = /^(resp_|msg_|rs_|fc_|call_|chatcmpl-)[0-9a-f]{48}$/;
const TIMES = new Set(['created', 'created_at', 'completed_at']);

/** The data with per-request ids and clock readings blanked, so two replies compare equal. */
function normalize(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return value.replace(MOCK_ID, '$1*');
  if (typeof value === 'number' && TIMES.has(key)) return 0;
  if (Array.isArray(value)) return value.map((item) => normalize(item));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v, k)]));
}

/** Every object in `value` that has a `usage` key. */
function objectsWithUsage(value: unknown, found: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(value)) for (const item of value) objectsWithUsage(item, found);
  else if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    if ('usage' in obj) found.push(obj);
    for (const child of Object.values(obj)) objectsWithUsage(child, found);
  }
  return found;
}

/** The text is exactly what the style writes for its own parsed data. */
function expectWrittenIn(style: JsonStyle, text: string): void {
  const data: unknown = JSON.parse(text);
  if (style === 'spaced') return expect(text).toBe(pythonDumps(data));
  expect(text).toBe(JSON.stringify(data));
  for (const obj of objectsWithUsage(data)) expect(Object.keys(obj)[0]).toBe(style === 'usage-first' ? 'usage' : 'id');
}

describe('every JSON style answers the same data', () => {
  const matrix = JSON_STYLES.flatMap((style) => CASES.map((c) => [style, c.name, c] as const));

  it.each(matrix)('%s: %s', async (style, _name, c) => {
    const compact = await call(mock, c);
    const styled = await call(mock, c, { 'x-mock-json-style': style });
    expect(styled.status).toBe(compact.status);
    expect(styled.contentType).toBe(compact.contentType);
    expect(styled.texts.length).toBe(compact.texts.length);
    expect(styled.texts.length).toBeGreaterThan(0);
    styled.texts.forEach((text, i) => {
      expectWrittenIn(style, text);
      expect(normalize(JSON.parse(text))).toEqual(normalize(JSON.parse(compact.texts[i] ?? '')));
    });
  });
});

describe('exact spacing and key order', () => {
  it('spaced: bodies, Responses frames, the chat usage chunk and error bodies', async () => {
    const spaced = { 'x-mock-json-style': 'spaced' };
    const tokens = await postJson(mock, '/v1/responses/input_tokens', { model: 'mock-echo', input: 'two words' }, spaced);
    expect(await tokens.text()).toBe('{"object": "response.input_tokens", "input_tokens": 2}');
    const error = await postJson(mock, '/v1/responses', { model: 'mock-error-400', input: 'x' }, spaced);
    expect(await error.text()).toBe(
      '{"error": {"message": "Invalid value for \'input\': mock-error-400 always rejects its input.", "type": "invalid_request_error", "param": "input", "code": "invalid_value"}}',
    );
    const stream = await call(mock, CASES[1] as Case, spaced);
    expect(stream.texts[0]).toMatch(/^\{"type": "response\.created", "sequence_number": 0, "response": \{"id": "resp_[0-9a-f]+", "object": "response", /);
    expect(stream.texts.at(-1)).toMatch(/^\{"type": "response\.completed", "sequence_number": \d+, "response": \{"id": "resp_/);
    expect(stream.texts.at(-1)).toContain('"usage": {"input_tokens": ');
    const chat = await call(mock, CASES[3] as Case, spaced);
    expect(chat.texts.at(-1)).toMatch(/^\{"id": "chatcmpl-[0-9a-f]+", "object": "chat\.completion\.chunk", .*"choices": \[\], "usage": \{"prompt_tokens": \d+, /);
  });

  it('usage-first: top-level bodies, the response inside stream frames, chat chunks with usage', async () => {
    const first = { 'x-mock-json-style': 'usage-first' };
    const body = await call(mock, CASES[0] as Case, first);
    expect(body.texts[0]).toMatch(/^\{"usage":\{"input_tokens":\d+,"input_tokens_details":\{"cached_tokens":64\},.*\},"id":"resp_/);
    const chatBody = await call(mock, CASES[2] as Case, first);
    expect(chatBody.texts[0]).toMatch(/^\{"usage":\{"prompt_tokens":\d+,.*\},"id":"chatcmpl-/);
    const stream = await call(mock, CASES[1] as Case, first);
    expect(stream.texts[0]).toMatch(/^\{"type":"response\.created","sequence_number":0,"response":\{"usage":null,"id":"resp_/);
    expect(stream.texts.at(-1)).toMatch(/^\{"type":"response\.completed","sequence_number":\d+,"response":\{"usage":\{"input_tokens":/);
    const chat = await call(mock, CASES[3] as Case, first);
    expect(chat.texts.at(-1)).toMatch(/^\{"usage":\{"prompt_tokens":\d+,.*\},"id":"chatcmpl-[0-9a-f]+","object":"chat\.completion\.chunk",/);
    const error = await call(mock, CASES[4] as Case, first);
    expect(error.texts[0]).toMatch(/^\{"error":\{"message":/);
  });

  it('the broken mock-bad-sse frame is written in the style too', async () => {
    const res = await postJson(mock, '/v1/responses', { model: 'mock-bad-sse', input: INPUT, stream: true }, { 'x-mock-json-style': 'spaced' });
    const broken = parseSse(await res.text()).filter((f) => {
      try {
        JSON.parse(f.data);
        return false;
      } catch {
        return true;
      }
    });
    expect(broken.map((f) => f.data)).toEqual(['{"type": "response.output_text.delta", "sequence_number": ']);
  });

  it('the official SDK reads spaced and usage-first answers', async () => {
    for (const style of ['spaced', 'usage-first']) {
      const client = sdk(mock).withOptions({ defaultHeaders: { 'x-mock-json-style': style } });
      const json = await client.responses.create({ model: 'mock-echo', input: INPUT });
      expect(json.output_text).toBe(INPUT);
      const final = await client.responses.stream({ model: 'mock-echo', input: INPUT }).finalResponse();
      expect(final.output_text).toBe(INPUT);
      expect(final.usage?.total_tokens).toBe(json.usage?.total_tokens);
    }
  });
});

describe('choosing a style', () => {
  const ECHO: Case = { name: 'echo', path: '/v1/responses', body: { model: 'mock-echo', input: 'hi' } };

  it('the header is case-insensitive in name and value', async () => {
    const reply = await call(mock, ECHO, { 'X-Mock-Json-Style': 'SPACED' });
    expect(reply.texts[0]).toMatch(/^\{"id": "resp_/);
  });

  it('an unknown header value is a 400 envelope naming the allowed values', async () => {
    const res = await postJson(mock, '/v1/responses', ECHO.body, { 'x-mock-json-style': 'pretty' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe(
      JSON.stringify({
        error: {
          message: "Invalid value for header 'x-mock-json-style': 'pretty'. Supported values are: 'compact', 'spaced', 'usage-first' (case-insensitive).",
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_value',
        },
      }),
    );
  });

  it('metadata.mock_json_style picks the style on both routes; a bad value is a 400 with its param', async () => {
    const responses = await call(mock, { ...ECHO, body: { ...ECHO.body, metadata: { mock_json_style: 'Spaced' } } });
    expect(responses.texts[0]).toMatch(/^\{"id": "resp_/);
    expect(responses.texts[0]).toContain('"metadata": {"mock_json_style": "Spaced"}');
    const chat = await call(mock, { ...ECHO, path: '/v1/chat/completions', body: { model: 'mock-echo', messages: MESSAGES, metadata: { mock_json_style: 'usage-first' } } });
    expect(chat.texts[0]).toMatch(/^\{"usage":\{/);
    const bad = await postJson(mock, '/v1/responses', { ...ECHO.body, metadata: { mock_json_style: 3 } });
    expect(bad.status).toBe(400);
    const envelope = (await bad.json()) as { error: { message: string; param: string | null; code: string } };
    expect(envelope.error).toMatchObject({ param: 'metadata.mock_json_style', code: 'invalid_value' });
    expect(envelope.error.message).toContain("'compact', 'spaced', 'usage-first'");
  });

  it('the header wins over metadata.mock_json_style', async () => {
    const body = { ...ECHO.body, metadata: { mock_json_style: 'spaced' } };
    const reply = await call(mock, { ...ECHO, body }, { 'x-mock-json-style': 'compact' });
    expect(reply.texts[0]).toMatch(/^\{"id":"resp_/);
  });

  it('the server option styles every answer, and the header wins over it', async () => {
    const spacedMock = await startMock({ jsonStyle: 'spaced' });
    try {
      expect((await call(spacedMock, ECHO)).texts[0]).toMatch(/^\{"id": "resp_/);
      expect((await call(spacedMock, ECHO, { 'x-mock-json-style': 'compact' })).texts[0]).toMatch(/^\{"id":"resp_/);
      const unknown = await fetch(spacedMock.url + '/v1/nope');
      expect(await unknown.text()).toBe('{"error": {"message": "Invalid URL (GET /v1/nope)", "type": "invalid_request_error", "param": null, "code": null}}');
      expect(await (await fetch(spacedMock.url + '/v1/models')).text()).toMatch(/^\{"object": "list", "data": \[\{"id": "mock-echo", /);
      const badHeader = await postJson(spacedMock, '/v1/responses', ECHO.body, { 'x-mock-json-style': 'nope' });
      expect(await badHeader.text()).toMatch(/^\{"error": \{"message": "Invalid value for header 'x-mock-json-style'/);
    } finally {
      await spacedMock.close();
    }
  });

  it('startMock rejects an unknown jsonStyle', async () => {
    await expect(startMock({ jsonStyle: 'pretty' as JsonStyle })).rejects.toThrow(/unknown JSON style 'pretty'/);
  });
});
