// The per-alias view (`a`): one line per alias over the rows in the list — requests, errors,
// blocked, tokens in/out, cost, p50 latency — busiest first. The counting is summary.ts's (the
// same rules as `aisix stats` and the run totals: blocks are not errors, cost sums priced requests,
// nearest-rank percentiles), fed the list's finished rows; it is recomputed only when the rows change.
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { createSummary, type SummaryGroup } from '../summary.js';
import { terminalSafe } from '../../text/terminal-safe.js';
import { fit, formatCost, formatMs, formatTokens } from './format.js';
import type { Row } from './request-store.js';

/** The alias groups of the finished rows, busiest first (in-flight rows are not counted yet). */
export function aliasGroups(rows: readonly Row[]): SummaryGroup[] {
  const summary = createSummary({ by: 'alias' });
  for (const r of rows) if (r.finished !== null) summary.add(r.finished);
  return summary.groups();
}

interface Col {
  title: string;
  width: number;
  cell: (g: SummaryGroup) => string;
}

function columns(width: number): Col[] {
  const fixed: Col[] = [
    { title: 'requests', width: 8, cell: (g) => String(g.requests) },
    { title: 'errors', width: 6, cell: (g) => String(g.errors) },
    { title: 'blocked', width: 7, cell: (g) => String(g.blocked) },
    { title: 'tok in', width: 7, cell: (g) => formatTokens(g.input_tokens) },
    { title: 'tok out', width: 7, cell: (g) => formatTokens(g.output_tokens) },
    { title: 'cost', width: 9, cell: (g) => (g.cost_usd === null ? '-' : formatCost(g.cost_usd)) },
    { title: 'p50', width: 7, cell: (g) => formatMs(g.latency_ms_p50) || '-' },
  ];
  const used = fixed.reduce((n, c) => n + c.width + 1, 0);
  const alias: Col = { title: 'alias', width: Math.max(10, width - used - 1), cell: (g) => (g.key === null ? '(no alias)' : terminalSafe(g.key)) };
  return [alias, ...fixed];
}

function line(cols: readonly Col[], cells: readonly string[]): string {
  return cols.map((c, i) => fit(cells[i] ?? '', c.width, i === 0 ? 'left' : 'right')).join(' ');
}

export function AliasTable({ rows, width, height }: { rows: readonly Row[]; width: number; height: number }) {
  const groups = useMemo(() => aliasGroups(rows), [rows]);
  const cols = columns(width);
  const shown = groups.length > height ? groups.slice(0, height - 1) : groups;
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text dimColor wrap="truncate">
        {line(cols, cols.map((c) => c.title))}
      </Text>
      {groups.length === 0 ? <Text dimColor>{'  no finished requests in the list yet'}</Text> : null}
      {shown.map((g) => (
        <Text key={g.key ?? '\u0000'} wrap="truncate" color={g.errors > 0 ? 'yellow' : undefined}>
          {line(cols, cols.map((c) => c.cell(g)))}
        </Text>
      ))}
      {shown.length < groups.length ? <Text dimColor>{`  … ${groups.length - shown.length} more aliases`}</Text> : null}
    </Box>
  );
}
