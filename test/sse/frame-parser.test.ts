import { describe, expect, it } from 'vitest';
import { SseFrameParser, type SseFrame } from '../../src/sse/frame-parser.js';

function parseAll(chunks: (string | Buffer)[], { end = true } = {}): SseFrame[] {
  const frames: SseFrame[] = [];
  const parser = new SseFrameParser((f) => frames.push({ event: f.event, data: f.data }));
  for (const c of chunks) parser.push(c);
  if (end) parser.end();
  return frames;
}

const stream =
  'event: response.created\ndata: {"type":"response.created","response":{"id":"resp_1"}}\n\n' +
  ': keep-alive\n\n' +
  'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"héllo ✓"}\n\n' +
  'data: {"type":"response.completed","response":{"usage":{"input_tokens":3}}}\n\n';

const expected: SseFrame[] = [
  { event: 'response.created', data: '{"type":"response.created","response":{"id":"resp_1"}}' },
  { event: 'response.output_text.delta', data: '{"type":"response.output_text.delta","delta":"héllo ✓"}' },
  { event: null, data: '{"type":"response.completed","response":{"usage":{"input_tokens":3}}}' },
];

describe('SseFrameParser', () => {
  it('parses event and data-only frames and skips comments', () => {
    expect(parseAll([stream])).toEqual(expected);
  });

  it('gives the same frames when split at every byte boundary', () => {
    const bytes = Buffer.from(stream);
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    expect(parseAll(chunks)).toEqual(expected);
  });

  it('accepts \\r\\n and bare \\r line endings, even when \\r\\n is split across chunks', () => {
    const crlf = stream.replace(/\n/g, '\r\n');
    expect(parseAll([crlf])).toEqual(expected);
    const at = crlf.indexOf('\r\n') + 1;
    expect(parseAll([crlf.slice(0, at), crlf.slice(at)])).toEqual(expected);
    expect(parseAll([stream.replace(/\n/g, '\r')])).toEqual(expected);
  });

  it('joins multi-line data with \\n and strips one leading space only', () => {
    expect(parseAll(['data:a\ndata:  b\n\n'])).toEqual([{ event: null, data: 'a\n b' }]);
  });

  it('handles a 500 KB frame arriving in 1 KB chunks', () => {
    const big = 'x'.repeat(500_000);
    const text = `event: response.completed\ndata: {"t":"${big}"}\n\n`;
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 1024) chunks.push(text.slice(i, i + 1024));
    const frames = parseAll(chunks);
    expect(frames).toHaveLength(1);
    expect(frames[0]?.data.length).toBe(big.length + 8);
  });

  it('keeps a multi-byte character split across chunks intact', () => {
    const bytes = Buffer.from('data: {"t":"✓ héllo"}\n\n');
    const at = bytes.indexOf(0xe2) + 1; // inside the three bytes of ✓
    expect(parseAll([bytes.subarray(0, at), bytes.subarray(at)])).toEqual([{ event: null, data: '{"t":"✓ héllo"}' }]);
  });

  it('ignores unknown fields and treats a bare `data` line as an empty data line', () => {
    expect(parseAll(['id: 7\nretry: 10\nevent: x\ndata\ndata: y\n\n'])).toEqual([{ event: 'x', data: '\ny' }]);
  });

  it('delivers a final frame without its blank line only at end()', () => {
    expect(parseAll(['data: {"a":1}\n'], { end: false })).toEqual([]);
    expect(parseAll(['data: {"a":1}'])).toEqual([{ event: null, data: '{"a":1}' }]);
  });
});
