// Cutting a held SSE body into raw frame blocks: the blocks always concatenate back to the
// input, each carries at most one frame, and every line-ending style is attributed correctly.
import { describe, expect, it } from 'vitest';
import { parseBlocks, rewriteBlock, splitSseBlocks } from '../../src/guardrails/sse-blocks.js';

describe('splitSseBlocks / parseBlocks', () => {
  const cases: Record<string, string> = {
    lf: 'event: a\ndata: 1\n\ndata: 2\n\n',
    crlf: 'event: a\r\ndata: 1\r\n\r\ndata: 2\r\n\r\n',
    cr: 'event: a\rdata: 1\r\rdata: 2\r\r',
    mixed: 'event: a\r\ndata: 1\n\r\ndata: 2\r\n',
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`${name} endings: two frames, each in its own block`, () => {
      const buf = Buffer.from(text);
      const blocks = splitSseBlocks(buf);
      expect(Buffer.concat(blocks).equals(buf)).toBe(true);
      expect(parseBlocks(blocks).map((f) => f && { event: f.event, data: f.data })).toEqual([
        { event: 'a', data: '1' },
        { event: null, data: '2' },
      ]);
    });
  }
  it('comment-only blocks and a trailing frame without its blank line', () => {
    const blocks = splitSseBlocks(Buffer.from(': ping\n\ndata: {"x":1}'));
    expect(blocks.map((b) => b.toString())).toEqual([': ping\n\n', 'data: {"x":1}']);
    expect(parseBlocks(blocks).map((f) => f && { event: f.event, data: f.data })).toEqual([null, { event: null, data: '{"x":1}' }]);
  });
  it('multi-byte UTF-8 stays intact across blocks', () => {
    const buf = Buffer.from('data: 你好\n\ndata: 世界\n\n');
    expect(parseBlocks(splitSseBlocks(buf)).map((f) => f?.data)).toEqual(['你好', '世界']);
  });
});

describe('rewriteBlock', () => {
  it('keeps other fields and comments, replaces multi-line data with one line', () => {
    const block = Buffer.from(': c\r\nevent: e\r\nid: 9\r\ndata: {"a":\r\ndata: 1}\r\n\r\n');
    expect(rewriteBlock(block, '{"a":2}').toString()).toBe(': c\nevent: e\nid: 9\ndata: {"a":2}\n\n');
  });
});
