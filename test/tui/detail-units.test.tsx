// Units of the detail view: wrapping (word breaks, hard cuts of long tokens, wide characters, the
// pieces giving the line back), readable request renderings of Responses input items and chat
// tool calls, bodies of odd shapes never throwing, and outside text in bodies and headers reaching
// the terminal escaped.
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { detailLines } from '../../src/reporters/tui/detail-lines.js';
import { charWidth, wrapLine } from '../../src/reporters/tui/wrap.js';
import type { Row } from '../../src/reporters/tui/request-store.js';
import { finishedEvent } from '../reporters/tui/fixtures.js';
import { captureSource, chatCompletion, jsonBody, responsesStream, textBody } from './captures.js';
import { KEYS, renderInspector } from './harness.js';

afterEach(() => cleanup());

// any control (line breaks aside), DEL, C1 or bidi character left once Ink's colour codes are gone
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = '\u001b[2J\u001b]0;pwned\u0007';

function rowOf(id: string): Row {
  const { input_preview: _i, output_preview: _o, ...f } = finishedEvent(id);
  return { seq: 1, id, time: f.time, method: 'POST', path: f.route, startedAt: 0, kind: 'ok', finished: f };
}

const texts = (ex: Parameters<typeof detailLines>[0]['capture']): string[] =>
  detailLines({ row: rowOf(ex?.id ?? 'x'), previews: null, capture: ex, now: 0 }).map((l) => `${' '.repeat(l.indent ?? 0)}${l.text}`);

describe('wrapLine', () => {
  it('breaks after a space, cuts a long token hard, and the pieces join back to the line', () => {
    const line = 'alpha beta gamma delta ' + 'x'.repeat(30);
    const pieces = wrapLine(line, 12);
    expect(pieces.map((p) => p.text)).toEqual(['alpha beta ', 'gamma delta ', 'xxxxxxxxxxxx', 'xxxxxxxxxxxx', 'xxxxxx']);
    expect(pieces.map((p) => p.text).join('')).toBe(line);
    expect(pieces.map((p) => p.start)).toEqual([0, 11, 23, 35, 47]);
    expect(wrapLine('', 10)).toEqual([{ text: '', start: 0 }]);
  });

  it('counts wide characters as two columns', () => {
    expect(charWidth('中'.codePointAt(0) ?? 0)).toBe(2);
    expect(charWidth('é'.codePointAt(0) ?? 0)).toBe(1);
    const pieces = wrapLine('中文字符测试', 5);
    expect(pieces.map((p) => p.text)).toEqual(['中文', '字符', '测试']);
    expect(wrapLine('ab 中文字符 cd', 8).map((p) => p.text).join('')).toBe('ab 中文字符 cd');
  });
});

describe('readable requests', () => {
  it('renders Responses input items: messages, function calls and outputs, reasoning, unknown items by type', () => {
    const ex = responsesStream('r');
    ex.request.body = jsonBody({
      model: 'gpt-5',
      input: [
        { type: 'message', role: 'developer', content: 'Use tools.' },
        { type: 'function_call', name: 'lookup', arguments: '{"q":"x"}', call_id: 'call_9' },
        { type: 'function_call_output', call_id: 'call_9', output: 'found it' },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'thought about it' }] },
        { type: 'item_reference', id: 'msg_1' },
        { role: 'user', content: [{ type: 'input_text', text: 'and now?' }, { type: 'input_image', image_url: 'data:...' }] },
      ],
    });
    const lines = texts(ex);
    expect(lines).toContain('  developer: Use tools.');
    expect(lines).toContain('  function_call lookup (call_9): {"q":"x"}');
    expect(lines).toContain('  function_call_output (call_9): found it');
    expect(lines).toContain('  reasoning: thought about it');
    expect(lines).toContain('  [item_reference]');
    expect(lines).toContain('  user: and now?');
    expect(lines).toContain('    [input_image]');
  });

  it('renders chat tool calls and tool results', () => {
    const ex = chatCompletion('c');
    ex.request.body = jsonBody({
      model: 'gpt-4o',
      tools: [{ type: 'function', function: { name: 'get_time' } }],
      messages: [
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_time', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '12:00' },
      ],
    });
    const lines = texts(ex);
    expect(lines).toContain('  tools: get_time');
    expect(lines).toContain('  assistant tool call get_time (call_1): {}');
    expect(lines).toContain('  tool (call_1): 12:00');
  });

  it('never throws on odd bodies: wrong types, arrays, non-JSON text, base64', () => {
    for (const body of [
      jsonBody({ model: 5, messages: 'nope', input: { odd: true }, tools: 'x' }),
      jsonBody([1, 2, 3]),
      jsonBody({ model: 'm', input: [null, 3, { type: 'message', role: 7, content: { x: 1 } }] }),
      textBody('not json at all {'),
      { text: Buffer.from([0, 1, 2]).toString('base64'), encoding: 'base64' as const, bytes: 3, truncated: false },
    ]) {
      const ex = responsesStream('o');
      ex.request.body = body;
      ex.response.body = body;
      expect(() => texts(ex)).not.toThrow();
    }
    const ex = chatCompletion('t');
    ex.request.body = textBody('line one\nline two');
    expect(texts(ex)).toEqual(expect.arrayContaining(['  line one', '  line two']));
  });
});

describe('terminal safety of captured bodies and headers', () => {
  it('escapes control and bidi characters from bodies, answers, tool calls and headers', async () => {
    const ex = chatCompletion('req_h');
    ex.request.body = jsonBody({ model: 'gpt-4o', messages: [{ role: 'user', content: `hi ${HOSTILE}\u202e` }] });
    ex.request.headers['x-custom'] = `v${HOSTILE}`;
    ex.response.body = textBody(`raw ${HOSTILE}\r tail\u0085`);
    ex.response.assembled = { text: `answer ${HOSTILE}`, reasoning: 'why\u009b', tool_calls: [{ id: `c${HOSTILE}`, name: `n${HOSTILE}`, arguments: `{"a":"\u001b[31m"}` }] };
    const app = await renderInspector({ columns: 200, rows: 80, captures: captureSource(ex) });
    app.store.finished(finishedEvent('req_h', { route: '/v1/chat/completions' }));
    const frame = await app.press(KEYS.enter);
    expect((app.lastFrame() ?? '').replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(RAW);
    expect(frame).toContain('user: hi \\u001b[2J\\u001b]0;pwned\\u0007\\u202e');
    expect(frame).toContain('x-custom: v\\u001b[2J');
    expect(frame).toContain('raw \\u001b[2J\\u001b]0;pwned\\u0007\\r tail\\u0085');
    expect(frame).toContain('text: answer \\u001b[2J');
    expect(frame).toContain('reasoning: why\\u009b');
    expect(frame).toContain('tool call n\\u001b[2J');
  });
});
