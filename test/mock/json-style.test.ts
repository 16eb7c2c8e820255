// The mock's JSON serializer on its own: exact text of each style on small values (Python's
// json.dumps spacing at every depth, usage before id, JSON.stringify escaping and omissions),
// style names, and the deliberately unfinished frame text of mock-bad-sse.
import { describe, expect, it } from 'vitest';
import { JSON_STYLES, parseJsonStyle, toJson, unfinishedJson } from '../../src/mock/json-style.js';
import { pythonDumps } from './helpers.js';

const SMALL = { id: 'resp_1', usage: { input_tokens: 3 } };
const NESTED = { id: 'x', a: [1, [2, {}], [], { k: null, t: true }], e: {}, n: -0.5 };

describe('toJson', () => {
  it('compact is JSON.stringify', () => {
    expect(toJson(SMALL, 'compact')).toBe('{"id":"resp_1","usage":{"input_tokens":3}}');
    expect(toJson(NESTED, 'compact')).toBe(JSON.stringify(NESTED));
  });

  it('spaced writes Python json.dumps separators at every depth', () => {
    expect(toJson(SMALL, 'spaced')).toBe('{"id": "resp_1", "usage": {"input_tokens": 3}}');
    expect(toJson(NESTED, 'spaced')).toBe('{"id": "x", "a": [1, [2, {}], [], {"k": null, "t": true}], "e": {}, "n": -0.5}');
    expect(toJson([], 'spaced')).toBe('[]');
    expect(toJson('plain', 'spaced')).toBe('"plain"');
  });

  it('spaced escapes strings as JSON.stringify does and keeps non-ASCII raw', () => {
    const text = 'q"uo\\te\n\t\u0001 ünï 😀 a, b: c';
    expect(toJson({ s: text }, 'spaced')).toBe('{"s": ' + JSON.stringify(text) + '}');
    expect(toJson({ s: text }, 'spaced')).toBe('{"s": "q\\"uo\\\\te\\n\\t\\u0001 ünï 😀 a, b: c"}');
  });

  it('spaced matches the independent Python oracle on a Response-like value', () => {
    const value = { id: 'r', output: [{ content: [{ text: 'a, b', annotations: [] }] }], usage: { details: { cached: 0 } }, metadata: {} };
    expect(toJson(value, 'spaced')).toBe(pythonDumps(value));
  });

  it('usage-first moves usage before id in every object that has it, and is compact otherwise', () => {
    expect(toJson(SMALL, 'usage-first')).toBe('{"usage":{"input_tokens":3},"id":"resp_1"}');
    const frame = { type: 'response.completed', sequence_number: 9, response: { id: 'r', object: 'response', usage: null } };
    expect(toJson(frame, 'usage-first')).toBe('{"type":"response.completed","sequence_number":9,"response":{"usage":null,"id":"r","object":"response"}}');
    expect(toJson({ error: { message: 'm', code: null } }, 'usage-first')).toBe('{"error":{"message":"m","code":null}}');
  });

  it('leaves out what JSON.stringify leaves out, in every style', () => {
    const value = { a: undefined, b: [undefined, () => 1], c: new Date(0), d: 1 };
    for (const style of JSON_STYLES) expect(JSON.parse(toJson(value, style))).toEqual(JSON.parse(JSON.stringify(value)));
    expect(toJson(value, 'spaced')).toBe('{"b": [null, null], "c": "1970-01-01T00:00:00.000Z", "d": 1}');
  });
});

describe('parseJsonStyle', () => {
  it('accepts the three names in any case and nothing else', () => {
    expect(JSON_STYLES).toEqual(['compact', 'spaced', 'usage-first']);
    expect(parseJsonStyle('SPACED')).toBe('spaced');
    expect(parseJsonStyle('Usage-First')).toBe('usage-first');
    expect(parseJsonStyle('compact')).toBe('compact');
    for (const bad of ['', 'pretty', 'usage_first', ' spaced']) expect(parseJsonStyle(bad)).toBeUndefined();
  });
});

describe('unfinishedJson', () => {
  it('cuts before the last value, in the given style', () => {
    const cut = { type: 'response.output_text.delta', sequence_number: 0 };
    expect(unfinishedJson(cut, 'compact')).toBe('{"type":"response.output_text.delta","sequence_number":');
    expect(unfinishedJson(cut, 'spaced')).toBe('{"type": "response.output_text.delta", "sequence_number": ');
    expect(unfinishedJson({ id: 'c', object: 'chat.completion.chunk', created: 17 }, 'spaced')).toBe('{"id": "c", "object": "chat.completion.chunk", "created": ');
  });
});
