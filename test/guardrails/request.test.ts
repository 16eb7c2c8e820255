// Input extraction and masking of request bodies: every input item kind the wire notes list
// for /v1/responses, chat messages and replayed tool calls, and a masked copy that differs from
// the original only in the masked strings (the original body is never mutated).
import { chatProtocol, requestText, responsesProtocol } from '../../src/protocols/index.js';
import { describe, expect, it } from 'vitest';
import { buildGuardrailChain } from '../../src/guardrails/index.js';
import { keyword, pii } from './fixtures.js';

const opts = { bufferCapBytes: 1 << 20 };
const blocker = buildGuardrailChain([keyword('kw', ['forbidden'])], opts);
const masker = buildGuardrailChain([pii('mask', { detectors: ['email'] })], opts);

/** A responses body with `forbidden` placed in exactly one input location. */
const responsesPlacements: Record<string, (w: string) => Record<string, unknown>> = {
  instructions: (w) => ({ instructions: w, input: 'hi' }),
  'input string': (w) => ({ input: w }),
  'bare string item': (w) => ({ input: [w] }),
  'message content string': (w) => ({ input: [{ role: 'user', content: w }] }),
  'message input_text part': (w) => ({ input: [{ type: 'message', role: 'user', content: [{ type: 'input_image', image_url: 'data:x' }, { type: 'input_text', text: w }] }] }),
  'replayed assistant output_text': (w) => ({ input: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: w, annotations: [] }] }] }),
  'developer message': (w) => ({ input: [{ role: 'developer', content: w }] }),
  'function_call_output string': (w) => ({ input: [{ type: 'function_call_output', call_id: 'c1', output: w }] }),
  'function_call_output parts': (w) => ({ input: [{ type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_text', text: w }] }] }),
  'custom_tool_call_output': (w) => ({ input: [{ type: 'custom_tool_call_output', call_id: 'c1', output: w }] }),
  'local_shell_call_output': (w) => ({ input: [{ type: 'local_shell_call_output', id: 'x', output: w }] }),
  'shell_call_output stdout': (w) => ({ input: [{ type: 'shell_call_output', call_id: 'c', output: [{ stdout: w, stderr: '', outcome: { type: 'exit', exit_code: 0 } }] }] }),
  'shell_call_output stderr': (w) => ({ input: [{ type: 'shell_call_output', call_id: 'c', output: [{ stdout: '', stderr: w }] }] }),
  'apply_patch_call_output': (w) => ({ input: [{ type: 'apply_patch_call_output', call_id: 'c', status: 'completed', output: w }] }),
  'mcp_approval_response.reason': (w) => ({ input: [{ type: 'mcp_approval_response', approval_request_id: 'a', approve: false, reason: w }] }),
  'replayed function_call.arguments': (w) => ({ input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: JSON.stringify({ q: w }) }] }),
  'replayed custom_tool_call.input': (w) => ({ input: [{ type: 'custom_tool_call', call_id: 'c', name: 'f', input: w }] }),
  'prompt variable string': (w) => ({ prompt: { id: 'pmpt_1', variables: { topic: w } } }),
  'prompt variable input_text': (w) => ({ prompt: { id: 'pmpt_1', variables: { topic: { type: 'input_text', text: w } } } }),
};

describe('responses input extraction', () => {
  for (const [where, make] of Object.entries(responsesPlacements)) {
    it(`scans ${where}`, () => {
      expect(blocker.checkRequest(responsesProtocol, make('a forbidden word')).blocked?.guardrail).toBe('kw');
      expect(blocker.checkRequest(responsesProtocol, make('a fine word')).blocked).toBeNull();
    });
  }
  it('does not scan fields that are not prompt text', () => {
    const body = {
      model: 'forbidden',
      metadata: { note: 'forbidden' },
      tools: [{ type: 'function', name: 'forbidden', description: 'forbidden', parameters: {} }],
      input: [
        { type: 'item_reference', id: 'forbidden' },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'forbidden' }], encrypted_content: 'forbidden' },
        { type: 'computer_call_output', call_id: 'c', output: { type: 'computer_screenshot', image_url: 'forbidden' } },
        { role: 'user', content: [{ type: 'input_file', file_data: 'forbidden', filename: 'forbidden' }] },
      ],
    };
    expect(blocker.checkRequest(responsesProtocol, body).blocked).toBeNull();
  });
});

describe('chat input extraction', () => {
  const placements: Record<string, (w: string) => Record<string, unknown>> = {
    'system content string': (w) => ({ messages: [{ role: 'system', content: w }, { role: 'user', content: 'hi' }] }),
    'user text part': (w) => ({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }, { type: 'text', text: w }] }] }),
    'tool message': (w) => ({ messages: [{ role: 'tool', tool_call_id: 'c', content: w }] }),
    'assistant tool call arguments': (w) => ({
      messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: `{"q":"${w}"}` } }] }],
    }),
  };
  for (const [where, make] of Object.entries(placements)) {
    it(`scans ${where}`, () => {
      expect(blocker.checkRequest(chatProtocol, make('forbidden')).blocked?.guardrail).toBe('kw');
      expect(blocker.checkRequest(chatProtocol, make('fine')).blocked).toBeNull();
    });
  }
  it('ignores model, tools and other fields', () => {
    const body = { model: 'forbidden', user: 'forbidden', tools: [{ type: 'function', function: { name: 'forbidden' } }], messages: [{ role: 'user', content: 'ok' }] };
    expect(blocker.checkRequest(chatProtocol, body).blocked).toBeNull();
  });
});

describe('masked request copy', () => {
  it('rewrites only the masked spans; every other field is identical and the original is untouched', () => {
    const tools = [{ type: 'function', name: 'lookup', parameters: { type: 'object' } }];
    const body = {
      model: 'gpt-4o-prod',
      stream: true,
      tools,
      metadata: { contact: 'x@example.com' },
      instructions: 'reply to carol@example.com',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'I am dave@example.com' }, { type: 'input_image', image_url: 'data:y' }] },
        { type: 'function_call_output', call_id: 'c1', output: 'no pii here' },
        { type: 'function_call', call_id: 'c2', name: 'lookup', arguments: '{"email":"erin@example.com"}' },
      ],
    };
    const snapshot = structuredClone(body);
    const v = masker.checkRequest(responsesProtocol, body);
    expect(v.hits).toEqual([{ name: 'mask', stage: 'input', action: 'mask', rule: 'email' }]);
    const expected = structuredClone(body);
    expected.instructions = 'reply to [EMAIL_REDACTED]';
    (expected.input[0] as { content: { text?: string }[] }).content[0]!.text = 'I am [EMAIL_REDACTED]';
    (expected.input[2] as { arguments: string }).arguments = '{"email":"[EMAIL_REDACTED]"}';
    expect(v.body).toEqual(expected);
    expect(body).toEqual(snapshot);
    expect(v.body?.tools).toBe(tools); // untouched subtrees are shared, not copied
    expect(v.body?.metadata).toBe(body.metadata);
    expect((v.body?.input as unknown[])[1]).toBe(body.input[1]);
  });
  it('masks chat messages and replayed tool-call arguments', () => {
    const body = {
      model: 'm',
      messages: [
        { role: 'user', content: 'mail a@example.com' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'send', arguments: '{"to":"b@example.com"}' } }] },
      ],
    };
    const v = masker.checkRequest(chatProtocol, body);
    expect(v.body).toEqual({
      model: 'm',
      messages: [
        { role: 'user', content: 'mail [EMAIL_REDACTED]' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'send', arguments: '{"to":"[EMAIL_REDACTED]"}' } }] },
      ],
    });
  });
  it('returns body null when nothing was masked or when blocked', () => {
    expect(masker.checkRequest(responsesProtocol, { input: 'nothing' }).body).toBeNull();
    const both = buildGuardrailChain([pii('p', { detectors: ['email', ['us_ssn', 'block']] })], opts);
    expect(both.checkRequest(responsesProtocol, { input: 'a@example.com 123-45-6789' }).body).toBeNull();
  });
  it('with no input guardrails the check is a no-op', () => {
    const outputOnly = buildGuardrailChain([keyword('k', ['x'], { hookPoint: 'output' })], opts);
    expect(outputOnly.checkRequest(responsesProtocol, { input: 'x' })).toEqual({ blocked: null, hits: [], body: null });
  });
});

describe('requestText', () => {
  it('joins the scanned texts with newlines', () => {
    expect(requestText(responsesProtocol, { instructions: 'be brief', input: [{ role: 'user', content: 'hello' }, 'again'] })).toBe('be brief\nhello\nagain');
    expect(requestText(chatProtocol, { messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: [{ type: 'text', text: 'q' }] }] })).toBe('sys\nq');
  });
});
