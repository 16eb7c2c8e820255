// Human-readable lines for a Responses call: the error (HTTP envelope or in-stream) and the
// summary (status, request id, upstream model, usage, latency, TTFT). Pure text, no colours and
// no writing, so `aisix test-request` prints them and tests can compare them. Every line is
// terminalSafe: error messages, codes, ids and model names come from the server.
import { field, str } from '../protocols/json-fields.js';
import { terminalSafe } from '../text/terminal-safe.js';
import { functionCalls } from '../protocols/responses/output-text.js';
import type { ApiError, ResponsesResult, Usage } from './types.js';

/** `error 401 invalid_api_key: invalid API key`, then `code:`/`param:`/`retry-after:` lines. */
export function describeError(result: Pick<ResponsesResult, 'status' | 'headers'>, error: ApiError): string[] {
  const where = error.source === 'http' ? `error ${result.status}` : 'error in stream';
  const label = error.source === 'http' ? error.type : error.type ?? error.code;
  const lines = [`${where}${label === null ? '' : ` ${label}`}: ${error.message}`];
  if (error.code !== null && error.code !== label) lines.push(`  code: ${error.code}`);
  if (error.param !== null) lines.push(`  param: ${error.param}`);
  const retryAfter = result.headers['retry-after'];
  if (error.source === 'http' && retryAfter !== undefined) lines.push(`  retry-after: ${retryAfter}`);
  return lines.map((line) => terminalSafe(line));
}

export function describeUsage(usage: Usage | null): string {
  if (usage === null) return 'not reported';
  return `input ${usage.input_tokens} (cached ${usage.cached_tokens}), output ${usage.output_tokens} ` +
    `(reasoning ${usage.reasoning_tokens}), total ${usage.total_tokens}`;
}

function statusText(result: ResponsesResult): string {
  const state = str(field(result.response, 'status'));
  const reason = str(field(field(result.response, 'incomplete_details'), 'reason'));
  if (result.error?.source !== 'http' && result.stream && result.terminal === null) return `${result.status} (stream ended early)`;
  return [String(result.status), state ?? '', reason === null ? '' : `(${reason})`].filter((s) => s !== '').join(' ');
}

function latencyText(result: ResponsesResult): string {
  const { totalMs, ttftMs, headersMs } = result.timings;
  if (!result.stream || result.error?.source === 'http') return `${totalMs} ms`;
  return `${totalMs} ms, TTFT ${ttftMs === null ? 'none (no output text)' : `${ttftMs} ms`}, headers ${headersMs} ms`;
}

/** `label  value` rows: status, request id, upstream model, tool calls, usage, latency. */
export function describeSummary(result: ResponsesResult): string[] {
  const rows: [string, string][] = [['status', statusText(result)], ['request id', result.requestId ?? '(none)']];
  if (result.error?.source !== 'http') {
    rows.push(['upstream model', result.model ?? '(unknown)']);
    for (const call of functionCalls(result.response)) rows.push(['tool call', call]);
    rows.push(['usage', describeUsage(result.usage)]);
  }
  rows.push(['latency', latencyText(result)]);
  return rows.map(([label, value]) => `${label.padEnd(16)}${terminalSafe(value)}`);
}
