// The summary `aisix run` prints at exit (src/reporters/summary.ts, laid out by summary-table.ts
// as `aisix stats` prints it), fed request.finished events directly: counting (blocks are not
// errors), token and cost sums, the per-alias rows and the total row, grouping (UTC days),
// nearest-rank percentiles and escaping of outside text. serve prints the same table when it stops
// (serve-stop-totals.test.ts); `aisix stats` prints it from a log (stats.test.ts).
import { describe, expect, it } from 'vitest';
import type { RequestFinished } from '../../src/events/types.js';
import { createSummary, formatUsd, percentile, type Summary } from '../../src/reporters/summary.js';
import { formatSummaryTable } from '../../src/reporters/summary-table.js';

/** what `aisix run` and `aisix serve` print when they stop */
const printed = (s: Summary): string[] => formatSummaryTable(s.toJSON(), 'alias');

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
  it('prints the stats table: one aligned row per alias, busiest first, then the total row', () => {
    const s = createSummary();
    s.add(finished());
    s.add(finished());
    s.add(finished({ alias: 'demo-slow', usage: { input_tokens: 34, output_tokens: 67, total_tokens: 101, cached_tokens: 0, reasoning_tokens: 0, cache_creation_tokens: 0 }, cost_usd: 0.0003 }));
    s.add(finished({ alias: 'demo-slow', status: 422, outcome: 'blocked_input', usage: null, cost_usd: null }));
    s.add(finished({ alias: 'demo-error', status: 502, outcome: 'upstream_error', usage: null, cost_usd: null }));
    s.add(finished({ alias: null, status: 401, outcome: 'unauthorized', usage: null, cost_usd: null }));
    expect(printed(s)).toEqual([
      'alias       requests  errors  blocked  input  output  cached  reasoning       cost    p50    p95  ttft p50  ttft p95',
      'demo               2       0        0  1,200     500      20         10    $0.0120  100ms  100ms         -         -',
      'demo-slow          2       0        1     34      67       0          0  $0.000300  100ms  100ms         -         -',
      'demo-error         1       1        0      0       0       0          0          -  100ms  100ms         -         -',
      '(no alias)         1       1        0      0       0       0          0          -  100ms  100ms         -         -',
      'total              6       2        1  1,234     567      20         10    $0.0123  100ms  100ms         -         -',
    ]);
  });

  it('shows no cost when nothing was priced, and only the total row for no requests', () => {
    const s = createSummary();
    expect(printed(s)).toEqual([
      'alias  requests  errors  blocked  input  output  cached  reasoning  cost  p50  p95  ttft p50  ttft p95',
      'total         0       0        0      0       0       0          0     -    -    -         -         -',
    ]);
    s.add(finished({ cost_usd: null }));
    expect(printed(s)[2]).toMatch(/^total +1 +0 +0 +600 +250 +10 +5 +- +100ms/);
    expect(s.total().cost_usd).toBeNull();
  });

  it('escapes control characters in aliases', () => {
    const s = createSummary();
    s.add(finished({ alias: 'evil\u001b[2J\u202ename' }));
    expect(printed(s)[1]).toContain('evil\\u001b[2J\\u202ename');
    expect(printed(s).join('')).not.toMatch(/[\u001b\u202e]/);
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
    expect(formatSummaryTable(s.toJSON(), 'day')[2]).toMatch(/^\(no date\) +1 /);
  });

  it('percentile and formatUsd', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 95)).toBe(5);
    expect([formatUsd(null), formatUsd(0), formatUsd(1.234), formatUsd(0.01234), formatUsd(0.0003)]).toEqual(['-', '$0', '$1.23', '$0.0123', '$0.000300']);
  });
});
