// Output guardrails on non-streaming JSON: which fields are scanned (message text, tool-call
// names, arguments and inputs; not reasoning), block verdicts and masked copies for both formats.
import { chatProtocol, responseText, responsesProtocol } from '../../src/protocols/index.js';
import { describe, expect, it } from 'vitest';
import { buildGuardrailChain } from '../../src/guardrails/index.js';
import { keyword, messageItem, pii, responseObject } from './fixtures.js';

const opts = { bufferCapBytes: 1 << 20 };
const blocker = buildGuardrailChain([keyword('kw', ['leakedsecret'], { hookPoint: 'output' })], opts);
const masker = buildGuardrailChain([pii('mask', { detectors: ['email'], hookPoint: 'output' })], opts);

describe('responses JSON output', () => {
  const placements: Record<string, (w: string) => unknown> = {
    'message text': (w) => responseObject([messageItem(w)]),
    'second output item': (w) => responseObject([{ id: 'rs', type: 'reasoning', summary: [] }, messageItem(w)]),
    'function_call name': (w) => responseObject([{ type: 'function_call', call_id: 'c', name: w, arguments: '{}' }]),
    'function_call arguments': (w) => responseObject([{ type: 'function_call', call_id: 'c', name: 'f', arguments: `{"a":"${w}"}` }]),
    'custom_tool_call input': (w) => responseObject([{ type: 'custom_tool_call', call_id: 'c', name: 'f', input: w }]),
  };
  for (const [where, make] of Object.entries(placements)) {
    it(`blocks on ${where}`, () => {
      expect(blocker.checkResponse(responsesProtocol, make('leakedsecret'))).toEqual({
        blocked: { guardrail: 'kw', rule: 'leakedsecret' },
        hits: [{ name: 'kw', stage: 'output', action: 'block', rule: 'leakedsecret' }],
        json: null,
      });
      expect(blocker.checkResponse(responsesProtocol, make('clean')).blocked).toBeNull();
    });
  }
  it('does not scan reasoning summaries, instructions echoes or metadata', () => {
    const json = {
      ...responseObject([{ type: 'reasoning', summary: [{ type: 'summary_text', text: 'leakedsecret' }], content: [{ type: 'reasoning_text', text: 'leakedsecret' }] }]),
      instructions: 'leakedsecret',
      metadata: { a: 'leakedsecret' },
    };
    expect(blocker.checkResponse(responsesProtocol, json).blocked).toBeNull();
  });
  it('returns a masked copy with logprobs of masked parts cleared; the original is untouched', () => {
    const item = messageItem('write to alice@example.com');
    (item.content as { logprobs: unknown[] }[])[0]!.logprobs = [{ token: 'alice', logprob: -0.1 }];
    const json = responseObject([item, { type: 'function_call', call_id: 'c', name: 'send', arguments: '{"to":"bob@example.com"}' }]);
    const snapshot = structuredClone(json);
    const v = masker.checkResponse(responsesProtocol, json);
    const out = v.json as { output: [{ content: [{ text: string; logprobs: unknown[] }] }, { arguments: string }]; usage: unknown };
    expect(out.output[0].content[0].text).toBe('write to [EMAIL_REDACTED]');
    expect(out.output[0].content[0].logprobs).toEqual([]);
    expect(out.output[1].arguments).toBe('{"to":"[EMAIL_REDACTED]"}');
    expect(out.usage).toBe(json.usage);
    expect(json).toEqual(snapshot);
    expect(v.hits).toEqual([{ name: 'mask', stage: 'output', action: 'mask', rule: 'email' }]);
  });
  it('json is null when nothing fired', () => {
    expect(masker.checkResponse(responsesProtocol, responseObject([messageItem('hi')])).json).toBeNull();
  });
});

describe('chat JSON output', () => {
  const completion = (content: string | null, toolCalls?: unknown[]) => ({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content, ...(toolCalls ? { tool_calls: toolCalls } : {}) }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
  });
  it('blocks on content and on tool calls', () => {
    expect(blocker.checkResponse(chatProtocol, completion('a leakedsecret')).blocked?.guardrail).toBe('kw');
    const call = { id: 'c', type: 'function', function: { name: 'f', arguments: '{"x":"leakedsecret"}' } };
    expect(blocker.checkResponse(chatProtocol, completion(null, [call])).blocked?.guardrail).toBe('kw');
    expect(blocker.checkResponse(chatProtocol, completion('clean')).blocked).toBeNull();
  });
  it('masks content and tool-call arguments in a copy', () => {
    const call = { id: 'c', type: 'function', function: { name: 'f', arguments: '{"x":"z@example.com"}' } };
    const json = completion('mail y@example.com', [call]);
    const v = masker.checkResponse(chatProtocol, json);
    expect(v.json).toEqual(completion('mail [EMAIL_REDACTED]', [{ ...call, function: { name: 'f', arguments: '{"x":"[EMAIL_REDACTED]"}' } }]));
    expect(json.choices[0]?.message.content).toBe('mail y@example.com');
  });
});

describe('responseText', () => {
  it('joins output texts for previews', () => {
    expect(responseText(responsesProtocol, responseObject([messageItem('hello'), { type: 'function_call', name: 'f', arguments: '{}' }]))).toBe('hello\nf\n{}');
    expect(responseText(chatProtocol, { choices: [{ message: { content: 'hey' } }] })).toBe('hey');
  });
});
