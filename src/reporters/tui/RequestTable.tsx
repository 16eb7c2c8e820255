// The windowed request table: column titles plus only the rows that fit, newest first, with the
// selected row kept in view. Rendering cost is bounded by the terminal height, not the history.
import { Box, Text } from 'ink';
import { fit } from './format.js';
import { windowStart, type Column } from './layout.js';
import type { Row } from './request-store.js';
import { RequestRow } from './RequestRow.js';

export interface RequestTableProps {
  rows: readonly Row[];
  columns: readonly Column[];
  selected: number;
  height: number;
  now: number;
  emptyText: string;
}

export function RequestTable({ rows, columns, selected, height, now, emptyText }: RequestTableProps) {
  const start = windowStart(selected, height, rows.length);
  const visible = rows.slice(start, start + height);
  const titles = columns.map((c) => fit(c.title, c.width, c.align)).join(' ');
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text dimColor wrap="truncate">
        {titles}
      </Text>
      {visible.length === 0 ? (
        <Text dimColor>{emptyText}</Text>
      ) : (
        visible.map((row, i) => (
          <RequestRow key={row.seq} row={row} columns={columns} selected={start + i === selected} now={now} />
        ))
      )}
    </Box>
  );
}
