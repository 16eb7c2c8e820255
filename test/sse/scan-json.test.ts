import { describe, expect, it } from 'vitest';
import { scanLeadingId, scanUsage } from '../../src/protocols/scan-json.js';

describe('scanUsage / scanLeadingId', () => {
  it('finds the usage object and the leading id as a full parse would', () => {
    const body = { id: 'resp_1', output: [{ content: [{ text: 'he said "usage":{"input_tokens":999} }' }] }], usage: { input_tokens: 3, output_tokens: 4, input_tokens_details: { cached_tokens: 1 } } };
    const text = JSON.stringify(body);
    expect(scanUsage(text)).toEqual(body.usage);
    expect(scanLeadingId(text)).toBe('resp_1');
  });

  it('answers null for usage:null and undefined when it cannot be sure', () => {
    expect(scanUsage('{"id":"x","usage":null}')).toBeNull();
    expect(scanUsage('{"id":"x"}')).toBeUndefined();
    expect(scanUsage('{"metadata":{"usage":"high"}}')).toBeUndefined();
    expect(scanUsage('{"usage":{"input_tokens":1')).toBeUndefined();
    expect(scanLeadingId('{"object":"response","id":"resp_2"}')).toBeUndefined();
  });

  it('reads pretty-printed JSON as OpenAI sends it', () => {
    const body = { id: 'resp_9', usage: { input_tokens: 5, output_tokens: 6 } };
    const text = JSON.stringify(body, null, 2);
    expect(scanUsage(text)).toEqual(body.usage);
    expect(scanLeadingId(text)).toBe('resp_9');
  });

  it('copes with braces and escaped quotes inside strings of the usage object', () => {
    expect(scanUsage('{"usage":{"note":"a}\\"{b","input_tokens":2}}')).toEqual({ note: 'a}"{b', input_tokens: 2 });
  });
});

describe('scanLeadingId from an offset', () => {
  it('reads the id of a nested object that starts with it', () => {
    const frame = '{"type":"response.created","sequence_number":0,"response":{"id":"resp_abc","status":"in_progress"}}';
    expect(scanLeadingId(frame, frame.indexOf('"response":') + 11)).toBe('resp_abc');
    expect(scanLeadingId('{"id":"a\\"b"}')).toBeUndefined();
  });
});
