// The summary `aisix run` prints at exit (src/reporters/summary.ts), fed request.finished events
// directly: counting (blocks are not errors), token and cost sums, the per-alias lines, grouping
// (UTC days), nearest-rank percentiles and escaping of outside text. serve prints the same lines
// when it stops (serve-stop-totals.test.ts); `aisix stats` the same numbers (stats.test.ts).
import { describe, expect, it } from 'vitest';
import type { RequestFinished } from '../../src/events/types.js';
import { createSummary, formatUsd, percentile } from '../../src/reporters/summary.js';

let n = 0;
function finished(over: Partial<RequestFinished> = {}): RequestFinished {
  n++;
  return {
    id: `req_${n}`, time: '2026-05-01T12:00:00.000Z', method: 'POST', route: '/v1/chat/completions', caller: 'dev',
    alias: 'demo', provider: 'openai', upstream_model: 'mock-echo', stream: false, status: 200, outcome: 'ok',
    error_type: null, error_code: null, error_message: null, guardrails: [],
    usage: { input_tokens: 600, output_tokens: 250, total_tokens: 850, cached_tokens: 10, reasoning_tokens: 5, cache_creation_tokens: 0 },
    cost_usd: 0.006, latency_ms: 100, upstream_ms: 50, ttft_ms: null, upstream_request_id: null, response_id: null,
    transport: 'http', attempts: [], served_by: null, cache: null, tape: null, fault: null, cost_source: 'config',
    ...over,
  };
}

describe('createSummary', () => {
  it('formats the totals line and one aligned line per alias, busiest first', () => {
    const s = createSummary();
    s.add(finished());
    s.add(finished());
    s.add(finished({ alias: 'demo-slow', usage: { input_tokens: 34, output_tokens: 67, total_tokens: 101, cached_tokens: 0, reasoning_tokens: 0, cache_creation_tokens: 0 }, cost_usd: 0.0003 }));
    s.add(finished({ alias: 'demo-slow', status: 422, outcome: 'blocked_input', usage: null, cost_usd: null }));
    s.add(finished({ alias: 'demo-error', status: 502, outcome: 'upstream_error', usage: null, cost_usd: null }));
    s.add(finished({ alias: null, status: 401, outcome: 'unauthorized', usage: null, cost_usd: null }));
    expect(s.format()).toEqual([
      'aisix: 6 requests (2 errors, 1 blocked), tokens 1,234 in / 567 out, cost $0.0123',
      '  demo        2 req  1,200 in  500 out  $0.0120',
      '  demo-slow   2 req     34 in   67 out  $0.000300  1 blocked',
      '  demo-error  1 req      0 in    0 out  -          1 error',
      '  (no alias)  1 req      0 in    0 out  -          1 error',
    ]);
  });

  it('says so when nothing was priced, and prints one line for no requests', () => {
    const s = createSummary();
    expect(s.format()).toEqual(['aisix: 0 requests']);
    s.add(finished({ cost_usd: null }));
    expect(s.format()[0]).toBe('aisix: 1 request, tokens 600 in / 250 out, cost unknown');
    expect(s.total().cost_usd).toBeNull();
  });

  it('escapes control characters in aliases', () => {
    const s = createSummary();
    s.add(finished({ alias: 'evil\u001b[2J\u202ename' }));
    expect(s.format()[1]).toContain('evil\\u001b[2J\\u202ename');
    expect(s.format().join('')).not.toMatch(/[\u001b\u202e]/);
  });

  it('groups by caller, model or day, and gives the numbers as JSON with nearest-rank percentiles', () => {
    const s = createSummary({ by: 'day' });
    s.add(finished({ time: '2026-05-02T01:00:00.000Z', latency_ms: 10, ttft_ms: 5 }));
    s.add(finished({ time: '2026-05-01T23:00:00.000Z', latency_ms: 30 }));
    s.add(finished({ time: '2026-05-02T02:00:00.000Z', latency_ms: 20, ttft_ms: 7 }));
    const json = s.toJSON();
    expect(json.groups.map((g) => [g.key, g.requests])).toEqual([['2026-05-01', 1], ['2026-05-02', 2]]);
    expect(json.total).toMatchObject({ requests: 3, errors: 0, blocked: 0, input_tokens: 1800, output_tokens: 750, cached_tokens: 30, reasoning_tokens: 15, latency_ms_p50: 20, latency_ms_p95: 30, ttft_ms_p50: 5, ttft_ms_p95: 7 });
    const byModel = createSummary({ by: 'model' });
    byModel.add(finished({ upstream_model: 'gpt-4o-mini' }));
    expect(byModel.groups()[0]?.key).toBe('gpt-4o-mini');
  });

  it('days are UTC dates (an offset time is converted), a time that is none has no day; cost sums carry no float noise', () => {
    const s = createSummary({ by: 'day' });
    s.add(finished({ time: '2026-05-02T01:30:00.000+02:00', cost_usd: 0.1 }));
    s.add(finished({ time: '2026-05-01T23:00:00.000Z', cost_usd: 0.2 }));
    s.add(finished({ time: 'yesterday', cost_usd: null }));
    expect(s.groups().map((g) => [g.key, g.requests, g.cost_usd])).toEqual([['2026-05-01', 2, 0.3], [null, 1, null]]);
    expect(s.total().cost_usd).toBe(0.3);
    expect(s.format()[2]).toMatch(/^ {2}\(no date\) +1 req/);
  });

  it('percentile and formatUsd', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 95)).toBe(5);
    expect([formatUsd(null), formatUsd(0), formatUsd(1.234), formatUsd(0.01234), formatUsd(0.0003)]).toEqual(['-', '$0', '$1.23', '$0.0123', '$0.000300']);
  });
});
