// Hold-back review of whole SSE bodies: the union of every copy of the text is scanned (any one
// copy may be the only one), one leak is one hit, masks reach every copy (including spans split
// across deltas) without changing frame count or sequence numbers, and untouched bytes stay.
import { chatProtocol, responsesProtocol } from '../../src/protocols/index.js';
import { describe, expect, it } from 'vitest';
import { buildGuardrailChain } from '../../src/guardrails/index.js';
import { at, chatSse, dataPayloads, keyword, messageItem, pii, responseObject, responsesSse, textTurn } from './fixtures.js';

const opts = { bufferCapBytes: 1 << 20 };
const blocker = buildGuardrailChain([keyword('out-kw', ['leakedsecret'], { hookPoint: 'output' })], opts);
const masker = buildGuardrailChain([pii('pii', { detectors: ['email'], hookPoint: 'output' })], opts);

/** The text an SDK accumulates from the deltas of each content part. */
function accumulated(payloads: Record<string, unknown>[]): string {
  return payloads
    .filter((p) => p.type === 'response.output_text.delta')
    .map((p) => String(p.delta))
    .join('');
}

describe('responses stream: blocking', () => {
  it('finds a word split across deltas when deltas are the only copy', () => {
    const held = responsesSse(textTurn(['the leaked', 'secret is out'], { doneCopies: false, terminal: false }));
    const v = blocker.reviewHeldStream(responsesProtocol, held);
    expect(v.blocked).toEqual({ guardrail: 'out-kw', rule: 'leakedsecret' });
    expect(v.hits).toEqual([{ name: 'out-kw', stage: 'output', action: 'block', rule: 'leakedsecret' }]);
  });
  it('finds it when only the terminal event carries the text', () => {
    const held = responsesSse([
      { type: 'response.created', response: responseObject([], 'in_progress') },
      { type: 'response.completed', response: responseObject([messageItem('a leakedsecret')]) },
    ]);
    expect(blocker.reviewHeldStream(responsesProtocol, held).blocked?.guardrail).toBe('out-kw');
  });
  it('finds it when only output_item.done carries it (terminal output empty, Codex-style)', () => {
    const held = responsesSse([
      { type: 'response.created', response: responseObject([], 'in_progress') },
      { type: 'response.output_item.done', output_index: 0, item: messageItem('leakedsecret!') },
      { type: 'response.completed', response: responseObject([]) },
    ]);
    expect(blocker.reviewHeldStream(responsesProtocol, held).blocked?.guardrail).toBe('out-kw');
  });
  it('finds it in function-call argument deltas and in the .done copy', () => {
    const call = (events: Record<string, unknown>[]) => responsesSse([{ type: 'response.created', response: responseObject([], 'in_progress') }, ...events]);
    const deltas = call([
      { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 0, delta: '{"q":"leaked' },
      { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 0, delta: 'secret"}' },
    ]);
    expect(blocker.reviewHeldStream(responsesProtocol, deltas).blocked).not.toBeNull();
    const done = call([{ type: 'response.function_call_arguments.done', item_id: 'fc_1', output_index: 0, name: 'f', arguments: '{"q":"leakedsecret"}' }]);
    expect(blocker.reviewHeldStream(responsesProtocol, done).blocked).not.toBeNull();
  });
  it('does not join deltas of different content parts', () => {
    const held = responsesSse([
      { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'leaked' },
      { type: 'response.output_text.delta', item_id: 'msg_2', output_index: 1, content_index: 0, delta: 'secret' },
    ]);
    expect(blocker.reviewHeldStream(responsesProtocol, held).blocked).toBeNull();
  });
  it('records one hit when the leak is in all five copies', () => {
    const held = responsesSse(textTurn(['leaked', 'secret']));
    const monitorOnly = buildGuardrailChain([keyword('watch', ['leakedsecret'], { mode: 'monitor' })], opts);
    expect(monitorOnly.reviewHeldStream(responsesProtocol, held).hits).toEqual([{ name: 'watch', stage: 'output', action: 'monitor', rule: 'leakedsecret' }]);
  });
  it('a clean stream passes with the very same bytes', () => {
    const held = responsesSse(textTurn(['hello ', 'world']));
    const v = blocker.reviewHeldStream(responsesProtocol, held);
    expect(v).toEqual({ blocked: null, hits: [], body: held, unreadable: 0 });
    expect(v.body).toBe(held);
  });
});

describe('responses stream: masking', () => {
  const held = responsesSse(textTurn(['mail alice@exam', 'ple.com now', ' please']));

  it('masks a span split across two deltas so the accumulated text is masked', () => {
    const v = masker.reviewHeldStream(responsesProtocol, held);
    expect(v.blocked).toBeNull();
    expect(v.hits).toEqual([{ name: 'pii', stage: 'output', action: 'mask', rule: 'email' }]);
    const out = dataPayloads(v.body);
    expect(accumulated(out)).toBe('mail [EMAIL_REDACTED] now please');
    const deltas = out.filter((p) => p.type === 'response.output_text.delta').map((p) => p.delta);
    expect(deltas).toEqual(['mail [EMAIL_REDACTED] now please', '', '']);
  });
  it('masks every other copy: done text, content part, output item, terminal output', () => {
    const out = dataPayloads(masker.reviewHeldStream(responsesProtocol, held).body);
    const byType = (t: string) => out.find((p) => p.type === t);
    const want = 'mail [EMAIL_REDACTED] now please';
    expect(at(byType('response.output_text.done'), 'text')).toBe(want);
    expect(at(byType('response.content_part.done'), 'part', 'text')).toBe(want);
    expect(at(byType('response.output_item.done'), 'item', 'content', 0, 'text')).toBe(want);
    expect(at(byType('response.completed'), 'response', 'output', 0, 'content', 0, 'text')).toBe(want);
    const raw = masker.reviewHeldStream(responsesProtocol, held).body.toString();
    expect(raw).not.toContain('alice');
    expect(raw).not.toContain('example.com');
  });
  it('keeps frame count, order, event lines, sequence numbers and other fields', () => {
    const before = dataPayloads(held);
    const body = masker.reviewHeldStream(responsesProtocol, held).body;
    const after = dataPayloads(body);
    expect(after.map((p) => [p.type, p.sequence_number])).toEqual(before.map((p) => [p.type, p.sequence_number]));
    expect(after.map((p) => p.sequence_number)).toEqual(before.map((_, i) => i));
    const events = body.toString().match(/^event: .*$/gm);
    expect(events).toEqual(before.map((p) => `event: ${String(p.type)}`));
    const firstDelta = after.find((p) => p.type === 'response.output_text.delta');
    expect(firstDelta).toMatchObject({ item_id: 'msg_1', output_index: 0, content_index: 0, obfuscation: 'xyz' });
    expect((after.at(-1) as { response: { usage: unknown } }).response.usage).toEqual({ input_tokens: 5, output_tokens: 7, total_tokens: 12 });
  });
  it('re-emits untouched frames byte for byte (comments, unknown events, CRLF, non-JSON data)', () => {
    const crlfFrame = 'event: response.in_progress\r\ndata: {"type":"response.in_progress","sequence_number":1}\r\n\r\n';
    const parts = [
      ': heartbeat\n\n',
      'event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"output":[]}}\n\n',
      crlfFrame,
      'event: mystery.event\ndata: {"type":"mystery.event","text":"x@example.com"}\n\n',
      'event: response.output_text.delta\nid: 7\ndata: {"type":"response.output_text.delta","sequence_number":2,"item_id":"m","output_index":0,"content_index":0,"delta":"to y@example.com"}\n\n',
      'data: not json\n\n',
      'event: keepalive\ndata: {"type":"keepalive","sequence_number":3}',
    ];
    const held = Buffer.from(parts.join(''));
    const verdict = masker.reviewHeldStream(responsesProtocol, held);
    // the heartbeat comment carries no data; `not json` is the one frame the guardrails could not read
    expect(verdict.unreadable).toBe(1);
    const body = verdict.body.toString();
    const rewritten =
      'event: response.output_text.delta\nid: 7\ndata: {"type":"response.output_text.delta","sequence_number":2,"item_id":"m","output_index":0,"content_index":0,"delta":"to [EMAIL_REDACTED]"}\n\n';
    expect(body).toBe([...parts.slice(0, 4), rewritten, ...parts.slice(5)].join(''));
  });
  it('clears logprobs of masked deltas and done events', () => {
    const held2 = responsesSse([
      { type: 'response.output_text.delta', item_id: 'm', output_index: 0, content_index: 0, delta: 'a@example.com', logprobs: [{ token: 'a' }] },
      { type: 'response.output_text.done', item_id: 'm', output_index: 0, content_index: 0, text: 'a@example.com', logprobs: [{ token: 'a' }] },
    ]);
    const out = dataPayloads(masker.reviewHeldStream(responsesProtocol, held2).body);
    expect(out.map((p) => p.logprobs)).toEqual([[], []]);
  });
  it('masks function-call arguments split across deltas and their other copies', () => {
    const args = '{"to":"bob@example.com"}';
    const held2 = responsesSse([
      { type: 'response.function_call_arguments.delta', item_id: 'fc', output_index: 0, delta: args.slice(0, 10) },
      { type: 'response.function_call_arguments.delta', item_id: 'fc', output_index: 0, delta: args.slice(10) },
      { type: 'response.function_call_arguments.done', item_id: 'fc', output_index: 0, name: 'send', arguments: args },
      { type: 'response.output_item.done', output_index: 0, item: { id: 'fc', type: 'function_call', call_id: 'c', name: 'send', arguments: args } },
    ]);
    const out = dataPayloads(masker.reviewHeldStream(responsesProtocol, held2).body);
    const want = '{"to":"[EMAIL_REDACTED]"}';
    expect(out.map((p) => p.delta).slice(0, 2).join('')).toBe(want);
    expect(at(out[2], 'arguments')).toBe(want);
    expect(at(out[3], 'item', 'arguments')).toBe(want);
  });
  it('a block in the same chain wins: nothing masked, original bytes returned', () => {
    const chain = buildGuardrailChain([pii('pii', { detectors: ['email'] }), keyword('kw', ['now'])], opts);
    const v = chain.reviewHeldStream(responsesProtocol, held);
    expect(v.blocked?.guardrail).toBe('kw');
    expect(v.body).toBe(held);
  });
  it('monitor guardrails in a holding chain never mask', () => {
    const chain = buildGuardrailChain([pii('watch', { detectors: ['email'], mode: 'monitor' }), keyword('kw', ['zzz'])], opts);
    const v = chain.reviewHeldStream(responsesProtocol, held);
    expect(v.body).toBe(held);
    expect(v.hits).toEqual([{ name: 'watch', stage: 'output', action: 'monitor', rule: 'email' }]);
  });
});

describe('chat stream', () => {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const usageChunk = { id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } };

  it('masks content split across chunks and keeps [DONE] and finish_reason', () => {
    const held = chatSse([chunk({ role: 'assistant', content: '' }), chunk({ content: 'mail alice@exam' }), chunk({ content: 'ple.com now' }), chunk({}, 'stop'), usageChunk]);
    const v = masker.reviewHeldStream(chatProtocol, held);
    const raw = v.body.toString();
    expect(raw).not.toContain('alice');
    expect(raw.endsWith('data: [DONE]\n\n')).toBe(true);
    const out = dataPayloads(v.body) as { choices: { delta: { content?: string }; finish_reason: string | null }[] }[];
    expect(out).toHaveLength(5);
    expect(out.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('mail [EMAIL_REDACTED] now');
    expect(out[3]?.choices[0]?.finish_reason).toBe('stop');
    expect(v.hits).toEqual([{ name: 'pii', stage: 'output', action: 'mask', rule: 'email' }]);
  });
  it('blocks on content split across chunks and on tool-call arguments', () => {
    expect(blocker.reviewHeldStream(chatProtocol, chatSse([chunk({ content: 'leaked' }), chunk({ content: 'secret' })])).blocked).not.toBeNull();
    const tool = (args: string) => chunk({ tool_calls: [{ index: 0, function: { arguments: args } }] });
    const held = chatSse([chunk({ tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '' } }] }), tool('{"a":"leak'), tool('edsecret"}')]);
    expect(blocker.reviewHeldStream(chatProtocol, held).blocked).not.toBeNull();
  });
  it('keeps choices apart', () => {
    const two = (i: number, content: string) => ({ choices: [{ index: i, delta: { content } }] });
    expect(blocker.reviewHeldStream(chatProtocol, chatSse([two(0, 'leaked'), two(1, 'secret')])).blocked).toBeNull();
  });
  it('a clean chat stream comes back as the same Buffer', () => {
    const held = chatSse([chunk({ content: 'hello' }), chunk({}, 'stop')]);
    expect(masker.reviewHeldStream(chatProtocol, held).body).toBe(held);
  });
});
