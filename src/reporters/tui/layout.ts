// Table geometry: which columns fit a terminal width (optional ones drop out on narrow terminals,
// the note column with the BLOCKED/error/monitor mark takes what is left) and how many rows fit
// its height. Pure, so narrow and wide layouts are testable without rendering.
export type ColumnKey =
  | 'cursor'
  | 'time'
  | 'status'
  | 'caller'
  | 'route'
  | 'stream'
  | 'tokens'
  | 'latency'
  | 'ttft'
  | 'cost'
  | 'note';

export interface Column {
  key: ColumnKey;
  title: string;
  width: number;
  align: 'left' | 'right';
}

type Spec = Omit<Column, 'width'> & {
  /** [from terminal width, column width] steps, ascending; width 0 hides the column */
  steps: [number, number][];
};

const SPECS: Spec[] = [
  { key: 'cursor', title: '', align: 'left', steps: [[0, 1]] },
  { key: 'time', title: 'time', align: 'left', steps: [[0, 8]] },
  { key: 'status', title: 'st', align: 'right', steps: [[0, 3]] },
  { key: 'caller', title: 'caller', align: 'left', steps: [[0, 0], [96, 10], [140, 14]] },
  { key: 'route', title: 'alias -> model', align: 'left', steps: [[0, 17], [96, 22], [140, 34]] },
  { key: 'stream', title: 'S', align: 'left', steps: [[0, 1]] },
  { key: 'tokens', title: 'tokens', align: 'right', steps: [[0, 9], [96, 11]] },
  { key: 'latency', title: 'latency', align: 'right', steps: [[0, 7]] },
  { key: 'ttft', title: 'ttft', align: 'right', steps: [[0, 0], [120, 7]] },
  { key: 'cost', title: 'cost', align: 'right', steps: [[0, 0], [120, 9]] },
];

const NOTE_MIN = 12;

/** The columns for a terminal `width` columns wide; their widths plus one-space gaps fill it. */
export function tableColumns(width: number): Column[] {
  const cols: Column[] = [];
  for (const { steps, ...spec } of SPECS) {
    let w = 0;
    for (const [from, size] of steps) if (width >= from) w = size;
    if (w > 0) cols.push({ ...spec, width: w });
  }
  const used = cols.reduce((sum, c) => sum + c.width + 1, 0);
  cols.push({ key: 'note', title: 'note', width: Math.max(NOTE_MIN, width - used), align: 'left' });
  return cols;
}

/** Lines outside the table: header (2, +1 for a warning), column titles, totals, footer. */
export function chromeLines(hasWarning: boolean): number {
  return 2 + (hasWarning ? 1 : 0) + 1 + 1 + 1;
}

/** How many table rows fit; one line is kept free so Ink never clears the whole screen per frame. */
export function visibleRowCount(terminalRows: number, hasWarning: boolean): number {
  return Math.max(1, terminalRows - 1 - chromeLines(hasWarning));
}

/** The first row of the window that keeps `selected` visible in `height` rows. */
export function windowStart(selected: number, height: number, total: number): number {
  if (total <= height) return 0;
  return Math.min(Math.max(0, selected - height + 1), total - height);
}
