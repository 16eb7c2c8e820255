// The Anthropic Messages protocol module: request fields and the checks made before any upstream
// call, guardrail slots for every block kind (and masks written back through their paths), the
// texts of each stream event, the stream tap over streams written after Anthropic's documented
// event sequence (text, tool use with input_json_delta, an in-band error), usage in OpenAI
// semantics with cache tokens, the interrupted-stream frame and the error envelope.
import { describe, expect, it } from 'vitest';
import { RequestBody } from '../../src/gateway/body/request-body.js';
import { buildGuardrailChain } from '../../src/guardrails/index.js';
import { countTokensProtocol, messagesProtocol, readOpenAiError } from '../../src/protocols/index.js';
import { anthropicErrorType } from '../../src/protocols/messages/index.js';
import { MAX_INPUT_DEPTH } from '../../src/protocols/messages/texts.js';
import type { StreamTap } from '../../src/protocols/types.js';
import { SseFrameParser } from '../../src/sse/frame-parser.js';
import { at, dataPayloads, keyword, pii } from '../guardrails/fixtures.js';

const opts = { bufferCapBytes: 1 << 20 };
const inputMasker = buildGuardrailChain([pii('pii', { detectors: ['email'], hookPoint: 'input' })], opts);
const outputMasker = buildGuardrailChain([pii('pii', { detectors: ['email'], hookPoint: 'output' })], opts);
const outputBlocker = buildGuardrailChain([keyword('kw', ['leakedsecret'], { hookPoint: 'output' })], opts);
const inputBlocker = buildGuardrailChain([keyword('kw', ['leakedsecret'], { hookPoint: 'input' })], opts);

/** An SSE body as Anthropic writes it: an `event:` line equal to the JSON type, one `data:` line. */
function sse(events: Record<string, unknown>[]): Buffer {
  return Buffer.from(events.map((e) => `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`).join(''));
}

/** Feeds a body to a fresh tap through the real frame parser, `chunk` bytes at a time. */
function tapOver(body: Buffer | string, chunk = 7): { tap: StreamTap; firstDeltas: number } {
  let firstDeltas = 0;
  const tap = messagesProtocol.createTap(() => firstDeltas++);
  const parser = new SseFrameParser((frame) => tap.onFrame(frame));
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  for (let i = 0; i < buf.length; i += chunk) parser.push(buf.subarray(i, i + chunk));
  parser.end();
  return { tap, firstDeltas };
}

const message = (content: unknown[], usage: Record<string, unknown> = { input_tokens: 25, output_tokens: 1 }) => ({
  id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
  type: 'message',
  role: 'assistant',
  content,
  model: 'claude-sonnet-4-5-20250929',
  stop_reason: null,
  stop_sequence: null,
  usage,
});

// A text turn as the streaming docs show it, byte for byte (ping's `{"type": "ping"}` spacing too).
const TEXT_STREAM = [
  'event: message_start',
  'data: {"type":"message_start","message":{"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}',
  '',
  'event: content_block_start',
  'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
  '',
  'event: ping',
  'data: {"type": "ping"}',
  '',
  'event: content_block_delta',
  'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}',
  '',
  'event: content_block_delta',
  'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}}',
  '',
  'event: content_block_stop',
  'data: {"type":"content_block_stop","index":0}',
  '',
  'event: message_delta',
  'data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}',
  '',
  'event: message_stop',
  'data: {"type":"message_stop"}',
  '',
  '',
].join('\n');

/** A tool-use turn: a text block, then a tool_use block whose input arrives as partial JSON. */
function toolStream(jsonPieces: string[], opts: { stop?: boolean } = {}): Buffer {
  const { stop = true } = opts;
  const events: Record<string, unknown>[] = [
    { type: 'message_start', message: message([], { input_tokens: 12, cache_creation_input_tokens: 300, cache_read_input_tokens: 160, output_tokens: 2 }) },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me check the weather.' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: {} } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
    ...jsonPieces.map((partial_json) => ({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json } })),
    { type: 'content_block_stop', index: 1 },
    { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 89 } },
  ];
  if (stop) events.push({ type: 'message_stop' });
  return sse(events);
}

describe('request fields', () => {
  it('reads and rewrites model, and streams only on stream: true', () => {
    const fields = { model: 'claude-alias', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }], stream: true };
    const body = RequestBody.of(fields);
    expect(messagesProtocol.model(body)).toBe('claude-alias');
    messagesProtocol.setModel(body, 'claude-sonnet-4-5');
    expect(JSON.parse(body.bytes().toString()).model).toBe('claude-sonnet-4-5');
    expect(messagesProtocol.isStream(body)).toBe(true);
    expect(messagesProtocol.isStream(RequestBody.of({ ...fields, stream: 'true' }))).toBe(false);
    expect(countTokensProtocol.isStream(body)).toBe(false);
    expect(messagesProtocol.name).toBe('messages');
  });
  it('never asks for stream usage (Anthropic streams always carry it) and names no ids', () => {
    const body = RequestBody.of({ messages: [] });
    expect(messagesProtocol.requestStreamUsage(body)).toBe(false);
    expect(body.bytes().toString()).toBe('{"messages":[]}');
    expect(messagesProtocol.referencedIds(RequestBody.of({ previous_response_id: 'resp_1' }))).toEqual({ responses: [], conversations: [] });
  });
});

describe('invalidRequest', () => {
  const ok = { model: 'm', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }] };
  it('accepts a well-formed body', () => {
    expect(messagesProtocol.invalidRequest(RequestBody.of(ok))).toBeNull();
    expect(countTokensProtocol.invalidRequest(RequestBody.of(ok))).toBeNull();
  });
  it('refuses messages missing, not a list, or empty', () => {
    expect(messagesProtocol.invalidRequest(RequestBody.of({ ...ok, messages: undefined }))).toBe('messages: Field required');
    expect(messagesProtocol.invalidRequest(RequestBody.of({ model: 'm', max_tokens: 1 }))).toBe('messages: Field required');
    expect(messagesProtocol.invalidRequest(RequestBody.of({ ...ok, messages: 'hi' }))).toBe('messages: Input should be a valid list');
    expect(messagesProtocol.invalidRequest(RequestBody.of({ ...ok, messages: null }))).toBe('messages: Input should be a valid list');
    expect(messagesProtocol.invalidRequest(RequestBody.of({ ...ok, messages: [] }))).toBe('messages: at least one message is required');
    expect(countTokensProtocol.invalidRequest(RequestBody.of({ model: 'm', messages: [] }))).toBe('messages: at least one message is required');
  });
  it('refuses max_tokens missing or not a positive integer on /v1/messages', () => {
    const { max_tokens: _, ...without } = ok;
    expect(messagesProtocol.invalidRequest(RequestBody.of(without))).toBe('max_tokens: Field required');
    expect(messagesProtocol.invalidRequest(RequestBody.of({ ...ok, max_tokens: '1024' }))).toBe('max_tokens: Input should be a valid integer');
    expect(messagesProtocol.invalidRequest(RequestBody.of({ ...ok, max_tokens: 1.5 }))).toBe('max_tokens: Input should be a valid integer');
    expect(messagesProtocol.invalidRequest(RequestBody.of({ ...ok, max_tokens: null }))).toBe('max_tokens: Input should be a valid integer');
    expect(messagesProtocol.invalidRequest(RequestBody.of({ ...ok, max_tokens: 0 }))).toBe('max_tokens: Input should be greater than or equal to 1');
    expect(messagesProtocol.invalidRequest(RequestBody.of({ ...ok, max_tokens: -3 }))).toBe('max_tokens: Input should be greater than or equal to 1');
  });
  it('count_tokens has no max_tokens rule', () => {
    expect(countTokensProtocol.invalidRequest(RequestBody.of({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }))).toBeNull();
    expect(countTokensProtocol.invalidRequest(RequestBody.of({ model: 'm', max_tokens: 0, messages: [{ role: 'user', content: 'hi' }] }))).toBeNull();
  });
  it('reports messages before max_tokens', () => {
    expect(messagesProtocol.invalidRequest(RequestBody.of({ model: 'm' }))).toBe('messages: Field required');
  });
});

describe('requestSlots', () => {
  const body = {
    model: 'm',
    max_tokens: 100,
    system: [
      { type: 'text', text: 'You are terse.' },
      { type: 'text', text: 'Cache me.', cache_control: { type: 'ephemeral' } },
    ],
    messages: [
      { role: 'user', content: 'plain string' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a text block' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain doc' }, title: 'Doc title', context: 'doc context' },
          { type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'content doc' }] } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
          { type: 'search_result', source: 'https://x.test', title: 'r', content: [{ type: 'text', text: 'search text' }] },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'replayed thought', signature: 'sig' },
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'text', text: 'calling a tool' },
          { type: 'tool_use', id: 'toolu_1', name: 'send', input: { to: 'x', body: { lines: ['one', 'two'], n: 3, ok: true, empty: '' } } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'result string' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'result block' }, { type: 'image', source: { type: 'url', url: 'u' } }] },
          { type: 'tool_result', tool_use_id: 'toolu_3', is_error: true },
        ],
      },
    ],
  };
  it('finds every text a client supplies, in document order, with its path', () => {
    expect(messagesProtocol.requestSlots(body)).toEqual([
      { path: ['system', 0, 'text'], text: 'You are terse.' },
      { path: ['system', 1, 'text'], text: 'Cache me.' },
      { path: ['messages', 0, 'content'], text: 'plain string' },
      { path: ['messages', 1, 'content', 0, 'text'], text: 'a text block' },
      { path: ['messages', 1, 'content', 2, 'source', 'data'], text: 'plain doc' },
      { path: ['messages', 1, 'content', 2, 'title'], text: 'Doc title' },
      { path: ['messages', 1, 'content', 2, 'context'], text: 'doc context' },
      { path: ['messages', 1, 'content', 3, 'source', 'content', 0, 'text'], text: 'content doc' },
      { path: ['messages', 1, 'content', 5, 'content', 0, 'text'], text: 'search text' },
      { path: ['messages', 2, 'content', 2, 'text'], text: 'calling a tool' },
      { path: ['messages', 2, 'content', 3, 'input', 'to'], text: 'x' },
      { path: ['messages', 2, 'content', 3, 'input', 'body', 'lines', 0], text: 'one' },
      { path: ['messages', 2, 'content', 3, 'input', 'body', 'lines', 1], text: 'two' },
      { path: ['messages', 3, 'content', 0, 'content'], text: 'result string' },
      { path: ['messages', 3, 'content', 1, 'content', 0, 'text'], text: 'result block' },
    ]);
  });
  it('reads a string system prompt, and is the same on count_tokens', () => {
    const b = { model: 'm', system: 'be brief', messages: [{ role: 'user', content: 'q' }] };
    expect(messagesProtocol.requestSlots(b)).toEqual([
      { path: ['system'], text: 'be brief' },
      { path: ['messages', 0, 'content'], text: 'q' },
    ]);
    expect(countTokensProtocol.requestSlots(b)).toEqual(messagesProtocol.requestSlots(b));
  });
  it('tolerates hostile shapes', () => {
    expect(messagesProtocol.requestSlots({ system: 5, messages: [null, 'x', { content: [null, 7, { type: 'tool_use' }, { type: 'document' }] }] })).toEqual([]);
    expect(messagesProtocol.requestSlots({ messages: 'nope' })).toEqual([]);
  });
  it('a tool input nested thousands deep is walked in linear time: the deep subtree is one slot', () => {
    let input: unknown = ['deep leakedsecret', 'x@example.com'];
    for (let i = 0; i < 20000; i++) input = { a: [input] };
    const req = { messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n', input }] }] };
    const started = performance.now();
    const slots = messagesProtocol.requestSlots(req);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(slots).toHaveLength(1);
    expect(slots[0]?.text).toBe('deep leakedsecret\nx@example.com');
    expect(slots[0]?.path).toHaveLength(5 + MAX_INPUT_DEPTH);
    expect(inputBlocker.checkRequest(messagesProtocol, req).blocked?.guardrail).toBe('kw');
    // a mask replaces the deep subtree with the masked text: nothing of the address is left
    const masked = inputMasker.checkRequest(messagesProtocol, req).body;
    expect(at(masked, ...(slots[0]?.path ?? []))).toBe('deep leakedsecret\n[EMAIL_REDACTED]');
  });
  it('a tool input within the depth limit keeps one slot per string', () => {
    let input: unknown = 'bottom';
    for (let i = 0; i < MAX_INPUT_DEPTH - 1; i++) input = [input];
    const slots = messagesProtocol.requestSlots({ messages: [{ role: 'user', content: [{ type: 'tool_use', input }] }] });
    expect(slots).toEqual([{ path: ['messages', 0, 'content', 0, 'input', ...Array<number>(MAX_INPUT_DEPTH - 1).fill(0)], text: 'bottom' }]);
  });
  it('masks land where they were found: system, strings, blocks, tool results, tool inputs, documents', () => {
    const mail = (s: string) => `${s}@example.com`;
    const req = {
      model: 'm',
      max_tokens: 10,
      system: `contact ${mail('sys')}`,
      messages: [
        { role: 'user', content: `from ${mail('str')}` },
        { role: 'user', content: [{ type: 'text', text: `block ${mail('blk')}` }, { type: 'document', source: { type: 'text', media_type: 'text/plain', data: mail('doc') } }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'send', input: { to: mail('to'), cc: [mail('cc')], n: 1 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: `sent to ${mail('res')}` }] }] },
      ],
    };
    const v = inputMasker.checkRequest(messagesProtocol, req);
    expect(v.blocked).toBeNull();
    const out = v.body as typeof req;
    expect(out.system).toBe('contact [EMAIL_REDACTED]');
    expect(at(out, 'messages', 0, 'content')).toBe('from [EMAIL_REDACTED]');
    expect(at(out, 'messages', 1, 'content', 0, 'text')).toBe('block [EMAIL_REDACTED]');
    expect(at(out, 'messages', 1, 'content', 1, 'source', 'data')).toBe('[EMAIL_REDACTED]');
    // the tool input stays an object: each string is masked in place
    expect(at(out, 'messages', 2, 'content', 0, 'input')).toEqual({ to: '[EMAIL_REDACTED]', cc: ['[EMAIL_REDACTED]'], n: 1 });
    expect(at(out, 'messages', 3, 'content', 0, 'content', 0, 'text')).toBe('sent to [EMAIL_REDACTED]');
    // the original body is never touched
    expect(req.system).toBe('contact sys@example.com');
    expect(JSON.stringify(out)).not.toContain('@example.com');
  });
  it('a keyword in a tool input blocks the request', () => {
    const req = { messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n', input: { q: { deep: 'the leakedsecret' } } }] }] };
    expect(inputBlocker.checkRequest(messagesProtocol, req).blocked).toEqual({ guardrail: 'kw', rule: 'leakedsecret' });
  });
});

describe('outputSlots', () => {
  const answer = message(
    [
      { type: 'thinking', thinking: 'let me think', signature: 'EqQBCgIYAhIM' },
      { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' },
      { type: 'text', text: 'The answer', citations: [{ type: 'char_location', cited_text: 'quoted source', document_index: 0, start_char_index: 0, end_char_index: 13 }] },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'San Francisco, CA', units: ['c'], days: 3 } },
      { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'weather sf' } },
      { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
    ],
    { input_tokens: 10, output_tokens: 20 },
  );
  it('finds text, citations, thinking and tool inputs (not signatures, names or redacted data)', () => {
    expect(messagesProtocol.outputSlots(answer)).toEqual([
      { path: ['content', 0, 'thinking'], text: 'let me think' },
      { path: ['content', 2, 'text'], text: 'The answer' },
      { path: ['content', 2, 'citations', 0, 'cited_text'], text: 'quoted source' },
      { path: ['content', 3, 'input', 'location'], text: 'San Francisco, CA' },
      { path: ['content', 3, 'input', 'units', 0], text: 'c' },
      { path: ['content', 4, 'input', 'query'], text: 'weather sf' },
    ]);
  });
  it('count_tokens answers carry no text', () => {
    expect(countTokensProtocol.outputSlots({ input_tokens: 14 })).toEqual([]);
    expect(messagesProtocol.outputSlots(null)).toEqual([]);
  });
  it('masks a text block and a tool input in place; blocks on thinking text', () => {
    const json = message([
      { type: 'text', text: 'write to a@example.com' },
      { type: 'tool_use', id: 't', name: 'send', input: { to: 'b@example.com', n: 2 } },
    ]);
    const v = outputMasker.checkResponse(messagesProtocol, json);
    expect(at(v.json, 'content', 0, 'text')).toBe('write to [EMAIL_REDACTED]');
    expect(at(v.json, 'content', 1, 'input')).toEqual({ to: '[EMAIL_REDACTED]', n: 2 });
    const thinking = message([{ type: 'thinking', thinking: 'the leakedsecret is', signature: 's' }]);
    expect(outputBlocker.checkResponse(messagesProtocol, thinking).blocked?.guardrail).toBe('kw');
  });
});

describe('frameTexts', () => {
  const frame = (json: unknown) => messagesProtocol.frameTexts(json);
  it('text_delta: a delta keyed by block index', () => {
    expect(frame({ type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: 'Hel' } })).toEqual({
      slots: [],
      deltas: [{ key: '2|text', path: ['delta', 'text'], text: 'Hel' }],
    });
  });
  it('input_json_delta: partial_json, its own key per index', () => {
    expect(frame({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"q": "x' } })).toEqual({
      slots: [],
      deltas: [{ key: '1|partial_json', path: ['delta', 'partial_json'], text: '{"q": "x' }],
    });
  });
  it('thinking_delta: the thinking text; signature_delta: nothing', () => {
    expect(frame({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }).deltas).toEqual([
      { key: '0|thinking', path: ['delta', 'thinking'], text: 'hmm' },
    ]);
    expect(frame({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQB' } })).toEqual({ slots: [], deltas: [] });
  });
  it('citations_delta: the quoted text as a copy', () => {
    expect(frame({ type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation: { type: 'char_location', cited_text: 'quote' } } }).slots).toEqual([
      { path: ['delta', 'citation', 'cited_text'], text: 'quote' },
    ]);
  });
  it('content_block_start: a text block\'s initial text and a tool_use input as copies', () => {
    expect(frame({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: 'pre' } })).toEqual({
      slots: [{ path: ['content_block', 'text'], text: 'pre' }],
      deltas: [],
    });
    expect(frame({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })).toEqual({ slots: [], deltas: [] });
    expect(frame({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 't', name: 'n', input: { a: 'b' } } }).slots).toEqual([
      { path: ['content_block', 'input', 'a'], text: 'b' },
    ]);
  });
  it('message_start: message.content when it has any', () => {
    expect(frame({ type: 'message_start', message: message([]) })).toEqual({ slots: [], deltas: [] });
    expect(frame({ type: 'message_start', message: message([{ type: 'text', text: 'prefilled' }]) }).slots).toEqual([
      { path: ['message', 'content', 0, 'text'], text: 'prefilled' },
    ]);
  });
  it('other events and junk carry nothing', () => {
    for (const json of [
      { type: 'ping' },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } },
      { type: 'message_stop' },
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      { type: 'content_block_delta', index: 0, delta: 'x' },
      null,
      'text',
    ]) {
      expect(frame(json)).toEqual({ slots: [], deltas: [] });
    }
  });
});

describe('stream tap', () => {
  it('reads the documented text stream: id, first delta, usage, terminal', () => {
    for (const chunk of [1, 7, 4096]) {
      const { tap, firstDeltas } = tapOver(TEXT_STREAM, chunk);
      expect(tap.responseId).toBe('msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY');
      expect(firstDeltas).toBe(1);
      expect(tap.terminal).toBe(true);
      expect(tap.inBandError).toBeNull();
      expect(tap.usage).toEqual({ input_tokens: 25, output_tokens: 15, total_tokens: 40, cached_tokens: 0, reasoning_tokens: 0, cache_creation_tokens: 0 });
      expect(tap.nextSequence()).toBe(0);
    }
  });
  it('reads CRLF line endings too', () => {
    const { tap, firstDeltas } = tapOver(TEXT_STREAM.replace(/\n/g, '\r\n'), 5);
    expect([tap.terminal, tap.responseId, firstDeltas, tap.usage?.output_tokens]).toEqual([true, 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY', 1, 15]);
  });
  it('reads data-only frames by their JSON type', () => {
    const dataOnly = TEXT_STREAM.split('\n').filter((l) => !l.startsWith('event:')).join('\n');
    const { tap, firstDeltas } = tapOver(dataOnly);
    expect([tap.terminal, tap.responseId, firstDeltas, tap.usage?.total_tokens]).toEqual([true, 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY', 1, 40]);
  });
  it('a tool-use stream: cache counts from message_start, output from message_delta', () => {
    const { tap, firstDeltas } = tapOver(toolStream(['{"location":', ' "San Fra', 'ncisco, CA"}']));
    expect(firstDeltas).toBe(1);
    expect(tap.terminal).toBe(true);
    expect(tap.responseId).toBe('msg_01XFDUDYJgAACzvnptvVoYEL');
    expect(tap.usage).toEqual({ input_tokens: 472, output_tokens: 89, total_tokens: 561, cached_tokens: 160, reasoning_tokens: 0, cache_creation_tokens: 300 });
  });
  it('later input and cache counts in message_delta replace message_start\'s; nulls do not', () => {
    const body = sse([
      { type: 'message_start', message: message([], { input_tokens: 10, cache_read_input_tokens: 5, cache_creation_input_tokens: 0, output_tokens: 1 }) },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { input_tokens: 12, cache_read_input_tokens: null, cache_creation_input_tokens: 7, output_tokens: 30 } },
      { type: 'message_stop' },
    ]);
    expect(tapOver(body).tap.usage).toEqual({ input_tokens: 24, output_tokens: 30, total_tokens: 54, cached_tokens: 5, reasoning_tokens: 0, cache_creation_tokens: 7 });
  });
  it('a stream cut before message_stop is not terminal, but keeps what it read', () => {
    const { tap } = tapOver(toolStream(['{"a":1}'], { stop: false }));
    expect(tap.terminal).toBe(false);
    expect(tap.inBandError).toBeNull();
    expect(tap.usage?.output_tokens).toBe(89);
    expect(tapOver(TEXT_STREAM.slice(0, TEXT_STREAM.indexOf('event: content_block_delta'))).tap.usage?.output_tokens).toBe(1);
  });
  it('an in-band error event is recorded and ends the stream', () => {
    const body = [
      'event: message_start',
      `data: ${JSON.stringify({ type: 'message_start', message: message([]) })}`,
      '',
      'event: content_block_delta',
      'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Par"}}',
      '',
      'event: error',
      'data: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}',
      '',
      '',
    ].join('\n');
    const { tap, firstDeltas } = tapOver(body);
    expect(firstDeltas).toBe(1);
    expect(tap.terminal).toBe(true);
    expect(tap.inBandError).toEqual({ type: 'overloaded_error', code: null, message: 'Overloaded' });
    expect(tap.usage?.input_tokens).toBe(25);
  });
  it('an error event whose data does not parse still ends the stream, with defaults', () => {
    const { tap } = tapOver('event: error\ndata: not json\n\n');
    expect(tap.terminal).toBe(true);
    expect(tap.inBandError).toEqual({ type: 'api_error', code: null, message: 'the upstream reported an error in the stream' });
  });
  it('ping, block start/stop and a start without deltas fire no first delta; usage-only frames never exist', () => {
    const body = sse([
      { type: 'message_start', message: message([]) },
      { type: 'ping' },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_stop', index: 0 },
    ]);
    const { tap, firstDeltas } = tapOver(body);
    expect(firstDeltas).toBe(0);
    expect(tap.terminal).toBe(false);
    expect(tap.isUsageOnly({ event: 'message_delta', data: '{"type":"message_delta","usage":{"output_tokens":1}}' })).toBe(false);
  });
  it('a message_stop whose data does not parse is not terminal', () => {
    expect(tapOver('event: message_stop\ndata: {"type":"mess\n\n').tap.terminal).toBe(false);
  });
  it('the interrupted-stream frame is Anthropic\'s in-stream error event, read back by the tap and the SDK shape', () => {
    const frame = messagesProtocol.interruptedFrames('upstream stream ended early', 0, null);
    expect(frame).toBe('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"upstream stream ended early"}}\n\n');
    const { tap } = tapOver(frame);
    expect(tap.inBandError).toEqual({ type: 'api_error', code: null, message: 'upstream stream ended early' });
  });
});

describe('held streams through the guardrails', () => {
  it('blocks a word split across text deltas, and one split across partial_json pieces', () => {
    const text = sse([
      { type: 'message_start', message: message([]) },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'the leaked' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'secret' } },
      { type: 'message_stop' },
    ]);
    expect(outputBlocker.reviewHeldStream(messagesProtocol, text).blocked).toEqual({ guardrail: 'kw', rule: 'leakedsecret' });
    expect(outputBlocker.reviewHeldStream(messagesProtocol, toolStream(['{"q": "leak', 'edsecret"}'])).blocked?.guardrail).toBe('kw');
  });
  it('does not join deltas of different blocks or of text and tool JSON', () => {
    const body = sse([
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'leaked' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'secret' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'thinking_delta', thinking: 'leaked' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: 'secret' } },
    ]);
    expect(outputBlocker.reviewHeldStream(messagesProtocol, body).blocked).toBeNull();
  });
  it('masks an email split across tool-input deltas: the joined input still parses', () => {
    const v = outputMasker.reviewHeldStream(messagesProtocol, toolStream(['{"to": "bob@exa', 'mple.com", "n": 1}']));
    expect(v.blocked).toBeNull();
    const payloads = dataPayloads(v.body);
    const json = payloads
      .filter((p) => at(p, 'delta', 'type') === 'input_json_delta')
      .map((p) => String(at(p, 'delta', 'partial_json')))
      .join('');
    expect(JSON.parse(json)).toEqual({ to: '[EMAIL_REDACTED]', n: 1 });
    expect(v.body.toString()).not.toContain('example.com');
    // frame count and event lines are kept
    expect(payloads).toHaveLength(dataPayloads(toolStream(['{"to": "bob@exa', 'mple.com", "n": 1}'])).length);
    expect(v.body.toString()).toContain('event: message_stop\n');
  });
  it('masks text deltas and a prefilled message_start copy', () => {
    const body = sse([
      { type: 'message_start', message: message([{ type: 'text', text: 'mail a@example.com' }]) },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'write to c@exam' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ple.com now' } },
      { type: 'message_stop' },
    ]);
    const v = outputMasker.reviewHeldStream(messagesProtocol, body);
    const payloads = dataPayloads(v.body);
    expect(at(payloads[0], 'message', 'content', 0, 'text')).toBe('mail [EMAIL_REDACTED]');
    expect(payloads.slice(1, 3).map((p) => at(p, 'delta', 'text')).join('')).toBe('write to [EMAIL_REDACTED] now');
  });
});

describe('usage', () => {
  it('normalises to OpenAI semantics: input includes cache reads and writes', () => {
    expect(messagesProtocol.readUsage({ input_tokens: 12, cache_read_input_tokens: 160, cache_creation_input_tokens: 300, output_tokens: 89 })).toEqual({
      input_tokens: 472,
      output_tokens: 89,
      total_tokens: 561,
      cached_tokens: 160,
      reasoning_tokens: 0,
      cache_creation_tokens: 300,
    });
  });
  it('null cache counts are 0; absent usage is null, never estimated', () => {
    expect(messagesProtocol.readUsage({ input_tokens: 3, output_tokens: 4, cache_read_input_tokens: null, cache_creation_input_tokens: null })).toEqual({
      input_tokens: 3,
      output_tokens: 4,
      total_tokens: 7,
      cached_tokens: 0,
      reasoning_tokens: 0,
      cache_creation_tokens: 0,
    });
    expect(messagesProtocol.readUsage(undefined)).toBeNull();
    expect(messagesProtocol.readUsage(null)).toBeNull();
    expect(messagesProtocol.readUsage(5)).toBeNull();
    expect(messagesProtocol.readUsage([])).toBeNull();
  });
});

describe('renderError', () => {
  const render = (status: number | undefined, type: string, code?: string) =>
    JSON.parse(messagesProtocol.renderError({ message: 'msg', type, status, code })) as { type: string; error: { type: string; message: string } };
  it.each([
    [400, 'invalid_request_error', 'invalid_request_error'],
    [415, 'invalid_request_error', 'invalid_request_error'],
    [422, 'content_filter', 'invalid_request_error'],
    [426, 'invalid_request_error', 'invalid_request_error'],
    [401, 'invalid_api_key', 'authentication_error'],
    [403, 'permission_denied', 'permission_error'],
    [404, 'model_not_found', 'not_found_error'],
    [404, 'invalid_request_error', 'not_found_error'],
    [413, 'invalid_request_error', 'request_too_large'],
    [429, 'rate_limit_exceeded', 'rate_limit_error'],
    [429, 'budget_exceeded', 'rate_limit_error'],
    [500, 'internal_error', 'api_error'],
    [502, 'upstream_error', 'api_error'],
    [504, 'timeout', 'api_error'],
    [503, 'all_candidates_unavailable', 'overloaded_error'],
  ])('status %i (%s) → %s, in Anthropic\'s envelope', (status, type, expected) => {
    expect(render(status, type)).toEqual({ type: 'error', error: { type: expected, message: 'msg' } });
  });
  it('has no param or code, and keeps the message as is', () => {
    const body = messagesProtocol.renderError({ message: 'model "x" not found', type: 'model_not_found', param: 'model', code: 'c', status: 404 });
    expect(body).toBe('{"type":"error","error":{"type":"not_found_error","message":"model \\"x\\" not found"}}');
  });
  it('other statuses: an Anthropic type passes, else the status class decides', () => {
    expect(render(402, 'billing_error').error.type).toBe('billing_error');
    expect(render(408, 'invalid_request_error').error.type).toBe('invalid_request_error');
    expect(render(409, 'weird').error.type).toBe('invalid_request_error');
    expect(render(599, 'weird').error.type).toBe('api_error');
  });
  it('without a status, the gateway type decides', () => {
    expect(anthropicErrorType({ message: '', type: 'invalid_api_key' })).toBe('authentication_error');
    expect(anthropicErrorType({ message: '', type: 'permission_denied' })).toBe('permission_error');
    expect(anthropicErrorType({ message: '', type: 'invalid_request_error', code: 'body_too_large' })).toBe('request_too_large');
    expect(anthropicErrorType({ message: '', type: 'upstream_error' })).toBe('api_error');
    expect(anthropicErrorType({ message: '', type: 'nonsense' })).toBe('api_error');
  });
  it('count_tokens uses the same envelope', () => {
    expect(countTokensProtocol.renderError({ message: 'm', type: 'invalid_api_key', status: 401 })).toBe('{"type":"error","error":{"type":"authentication_error","message":"m"}}');
  });
  it('readOpenAiError already reads an upstream Anthropic error body', () => {
    const upstream = '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}';
    expect(readOpenAiError(upstream)).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
  });
});
