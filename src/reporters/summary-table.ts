// The readable table of `aisix stats` (DESIGN §13), which `aisix run` and `aisix serve` print on
// stderr when they stop: one row per group, then a `total` row, in aligned columns (label left,
// numbers right; counts with thousands separators, dollars by formatUsd, `-` for no value). The numbers come from summary.ts
// (`toJSON()`); this file only lays them out.
import { formatCount, formatUsd, groupLabel, type SummaryGroupBy, type SummaryJson, type SummaryTotals } from './summary.js';

/** `412ms`, `1,234ms`; `-` when no request had the value */
export function formatMs(ms: number | null): string {
  return ms === null || !Number.isFinite(ms) ? '-' : `${formatCount(Math.round(ms))}ms`;
}

const COLUMNS: readonly { title: string; cell: (t: SummaryTotals) => string }[] = [
  { title: 'requests', cell: (t) => formatCount(t.requests) },
  { title: 'errors', cell: (t) => formatCount(t.errors) },
  { title: 'blocked', cell: (t) => formatCount(t.blocked) },
  { title: 'input', cell: (t) => formatCount(t.input_tokens) },
  { title: 'output', cell: (t) => formatCount(t.output_tokens) },
  { title: 'cached', cell: (t) => formatCount(t.cached_tokens) },
  { title: 'reasoning', cell: (t) => formatCount(t.reasoning_tokens) },
  { title: 'cost', cell: (t) => formatUsd(t.cost_usd) },
  { title: 'p50', cell: (t) => formatMs(t.latency_ms_p50) },
  { title: 'p95', cell: (t) => formatMs(t.latency_ms_p95) },
  { title: 'ttft p50', cell: (t) => formatMs(t.ttft_ms_p50) },
  { title: 'ttft p95', cell: (t) => formatMs(t.ttft_ms_p95) },
];

/**
 * ```
 * alias      requests  errors  blocked  input  output  cached  reasoning     cost    p50    p95  ttft p50  ttft p95
 * demo              2       0        0  1,200     500      20         10  $0.0120  100ms  120ms     40ms      40ms
 * total             2       0        0  1,200     500      20         10  $0.0120  100ms  120ms     40ms      40ms
 * ```
 */
export function formatSummaryTable(summary: SummaryJson, by: SummaryGroupBy): string[] {
  const rows: string[][] = [
    [by, ...COLUMNS.map((c) => c.title)],
    ...summary.groups.map((g) => [groupLabel(g.key, by), ...COLUMNS.map((c) => c.cell(g))]),
    ['total', ...COLUMNS.map((c) => c.cell(summary.total))],
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd());
}
