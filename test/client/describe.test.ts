// The readable lines test-request prints: error headlines for each error source, the status of
// incomplete and broken-off streams, usage that was never reported, tool calls.
import { describe, expect, it } from 'vitest';
import { describeError, describeSummary, describeUsage, type ResponsesResult } from '../../src/client/index.js';

function result(extra: Partial<ResponsesResult>): ResponsesResult {
  return {
    status: 200, headers: {}, requestId: 'rid', stream: false, json: null, rawBody: null, events: [], response: null,
    text: '', terminal: null, usage: null, model: 'm', error: null, timings: { headersMs: 3, ttftMs: null, totalMs: 9 }, ...extra,
  };
}

describe('describeError', () => {
  it('names the status and type of an HTTP error, then code, param and retry-after', () => {
    const lines = describeError(result({ status: 429, headers: { 'retry-after': '7' } }), {
      source: 'http', type: 'requests', code: 'rate_limit_exceeded', param: null, message: 'slow down',
    });
    expect(lines).toEqual(['error 429 requests: slow down', '  code: rate_limit_exceeded', '  retry-after: 7']);
  });

  it('labels a stream error by its type, else its code, without repeating it', () => {
    const flat = describeError(result({}), { source: 'stream', type: null, code: 'upstream_stream_interrupted', param: null, message: 'broke' });
    expect(flat).toEqual(['error in stream upstream_stream_interrupted: broke']);
    const failed = describeError(result({}), { source: 'response', type: null, code: 'server_error', param: null, message: 'sorry' });
    expect(failed).toEqual(['error in stream server_error: sorry']);
  });
});

describe('describeSummary', () => {
  it('shows an incomplete response with its reason and usage not reported', () => {
    const lines = describeSummary(result({
      stream: true, terminal: 'response.incomplete', timings: { headersMs: 2, ttftMs: 5, totalMs: 20 },
      response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } },
    }));
    expect(lines).toEqual([
      'status          200 incomplete (max_output_tokens)',
      'request id      rid',
      'upstream model  m',
      'usage           not reported',
      'latency         20 ms, TTFT 5 ms, headers 2 ms',
    ]);
  });

  it('lists tool calls and says when a stream had no output text', () => {
    const lines = describeSummary(result({
      stream: true, terminal: 'response.completed', requestId: null,
      response: { status: 'completed', output: [{ type: 'function_call', name: 'f', arguments: '{"a":1}' }] },
    }));
    expect(lines).toContain('tool call       f({"a":1})');
    expect(lines).toContain('request id      (none)');
    expect(lines.at(-1)).toBe('latency         9 ms, TTFT none (no output text), headers 3 ms');
  });

  it('keeps an HTTP error summary to status, request id and latency', () => {
    const lines = describeSummary(result({ status: 401, error: { source: 'http', type: 'invalid_api_key', code: null, param: null, message: 'x' } }));
    expect(lines).toEqual(['status          401', 'request id      rid', 'latency         9 ms']);
  });
});

describe('describeUsage', () => {
  it('reads input, cached, output, reasoning and total', () => {
    expect(describeUsage({ input_tokens: 68, cached_tokens: 64, output_tokens: 36, reasoning_tokens: 32, total_tokens: 104, cache_creation_tokens: 0 }))
      .toBe('input 68 (cached 64), output 36 (reasoning 32), total 104');
  });
});

describe('terminal safety', () => {
  const HOSTILE = '\u001b[2J\u001b]0;pwned\u0007';
  const ESCAPED = '\\u001b[2J\\u001b]0;pwned\\u0007';
  const RAW = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  it('escapes control characters in the error message, type, code, param and retry-after', () => {
    const lines = describeError(result({ status: 400, headers: { 'retry-after': '1\u001b[5m' } }), {
      source: 'http', type: `t${HOSTILE}`, code: 'c\u009b', param: 'p\u202e', message: `line one\n${HOSTILE}`,
    });
    for (const line of lines) expect(line).not.toMatch(RAW);
    expect(lines).toEqual([
      `error 400 t${ESCAPED}: line one\\n${ESCAPED}`,
      '  code: c\\u009b',
      '  param: p\\u202e',
      '  retry-after: 1\\u001b[5m',
    ]);
  });

  it('escapes the request id, upstream model, status and tool calls in the summary', () => {
    const lines = describeSummary(result({
      requestId: `rid${HOSTILE}`, model: 'm\u0085',
      response: { status: 'completed\u001b[1A', output: [{ type: 'function_call', name: 'f\u0007', arguments: '{"a":\n1}' }] },
    }));
    for (const line of lines) expect(line).not.toMatch(RAW);
    expect(lines).toContain(`request id      rid${ESCAPED}`);
    expect(lines).toContain('upstream model  m\\u0085');
    expect(lines).toContain('status          200 completed\\u001b[1A');
    expect(lines).toContain('tool call       f\\u0007({"a":\\n1})');
  });
});
