// One table line: the row's cells fitted to the column widths, coloured by tone. Memoised on the
// row object (immutable), so only changed rows and in-flight rows (spinner) re-render. Adjacent
// cells of the same tone share one <Text>: fewer nodes and colour switches for Ink to draw.
import { Text } from 'ink';
import { memo } from 'react';
import { fit } from './format.js';
import type { Column } from './layout.js';
import type { Row } from './request-store.js';
import { rowCells, type Tone } from './row-cells.js';
import { toneProps } from './theme.js';

export interface RequestRowProps {
  row: Row;
  columns: readonly Column[];
  selected: boolean;
  /** store clock in ms; only in-flight rows use it */
  now: number;
}

interface Segment {
  tone: Tone;
  text: string;
}

function RequestRowView({ row, columns, selected, now }: RequestRowProps) {
  const cells = rowCells(row, now);
  const segments: Segment[] = [];
  columns.forEach((col, i) => {
    const last = i === columns.length - 1;
    const cell = col.key === 'cursor' ? { text: selected ? '›' : ' ', tone: 'plain' as const } : cells[col.key];
    // The last column is not padded: trailing spaces are characters Ink would measure every frame.
    const text = (last ? fit(cell.text, col.width).trimEnd() : fit(cell.text, col.width, col.align)) + (last ? '' : ' ');
    const prev = segments.at(-1);
    if (prev && (prev.tone === cell.tone || text.trim() === '')) prev.text += text;
    else segments.push({ tone: cell.tone, text });
  });
  return (
    <Text bold={selected} inverse={selected}>
      {segments.map((s, i) => (
        <Text key={i} {...toneProps(s.tone)}>
          {s.text}
        </Text>
      ))}
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
