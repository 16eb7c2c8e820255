// One table line: the row's cells fitted to the column widths, coloured by tone. Memoised on the
// row object (immutable), so only changed rows and in-flight rows (spinner) re-render.
import { Text } from 'ink';
import { memo } from 'react';
import { fit } from './format.js';
import type { Column } from './layout.js';
import type { Row } from './request-store.js';
import { rowCells } from './row-cells.js';
import { toneProps } from './theme.js';

export interface RequestRowProps {
  row: Row;
  columns: readonly Column[];
  selected: boolean;
  /** store clock in ms; only in-flight rows use it */
  now: number;
}

function RequestRowView({ row, columns, selected, now }: RequestRowProps) {
  const cells = rowCells(row, now);
  return (
    <Text wrap="truncate" bold={selected} inverse={selected}>
      {columns.map((col, i) => {
        const gap = i === columns.length - 1 ? '' : ' ';
        if (col.key === 'cursor') return <Text key={col.key}>{(selected ? '›' : ' ') + gap}</Text>;
        const cell = cells[col.key];
        return (
          <Text key={col.key} {...toneProps(cell.tone)}>
            {fit(cell.text, col.width, col.align) + gap}
          </Text>
        );
      })}
    </Text>
  );
}

export const RequestRow = memo(
  RequestRowView,
  (a, b) =>
    a.row === b.row &&
    a.columns === b.columns &&
    a.selected === b.selected &&
    (a.row.finished !== null || a.now === b.now),
);
