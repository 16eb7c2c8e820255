// What each table cell of a row says and how it is coloured, as plain data (RequestRow only lays it
// out). Errors and blocks are coloured so they stand out at a glance: 5xx red, 4xx yellow,
// blocks red with the `BLOCKED input|output <guardrail>` mark, aborted requests grey; `RATE
// LIMITED`, `2 tries`, `via <target>` and `cached` say what limits, retries and the cache did;
// `FAULT <kind>` marks an injected fault and `replayed`/`recorded` a tape (DESIGN.md §12).
// This is the one place row text is built, so every cell is passed through terminalSafe here: a
// caller name, an alias a caller chose, an upstream model or error code can never reach the
// terminal raw.
import { rateLimitedLabel, routeMarks } from '../../events/labels.js';
import { terminalSafe } from '../../text/terminal-safe.js';
import type { ColumnKey } from './layout.js';
import type { Row } from './request-store.js';
import {
  blockedLabelFor,
  clockTime,
  formatCost,
  formatInOut,
  formatMs,
  maskedLabel,
  monitorLabel,
  spinnerFrame,
} from './format.js';

export type Tone = 'ok' | 'warn' | 'bad' | 'block' | 'mark' | 'dim' | 'live' | 'info' | 'plain';

export interface Cell {
  text: string;
  tone: Tone;
}

export type Cells = Record<Exclude<ColumnKey, 'cursor'>, Cell>;

const plain = (text: string): Cell => ({ text, tone: 'plain' });

/** The cells of one row; `now` (store clock, ms) drives the spinner and in-flight elapsed time. */
export function rowCells(row: Row, now: number): Cells {
  const cells = rawCells(row, now);
  for (const key of Object.keys(cells) as (keyof Cells)[]) {
    const cell = cells[key];
    const text = terminalSafe(cell.text);
    if (text !== cell.text) cells[key] = { text, tone: cell.tone };
  }
  return cells;
}

function rawCells(row: Row, now: number): Cells {
  const f = row.finished;
  if (!f) {
    return {
      time: plain(clockTime(row.time)),
      status: { text: spinnerFrame(now), tone: 'live' },
      caller: { text: '', tone: 'dim' },
      route: { text: row.path, tone: 'dim' },
      stream: plain(''),
      tokens: plain(''),
      latency: { text: formatMs(now - row.startedAt), tone: 'live' },
      ttft: plain(''),
      cost: plain(''),
      note: { text: 'in flight', tone: 'live' },
    };
  }
  return {
    time: plain(clockTime(f.time)),
    status: { text: String(f.status), tone: statusTone(row) },
    caller: { text: f.caller ?? '-', tone: f.caller ? 'plain' : 'dim' },
    route: { text: routeText(row), tone: f.alias ? 'plain' : 'dim' },
    stream: { text: f.stream ? '~' : '', tone: 'info' },
    tokens: plain(formatInOut(f.usage)),
    latency: plain(formatMs(f.latency_ms)),
    ttft: plain(formatMs(f.ttft_ms)),
    cost: plain(formatCost(f.cost_usd)),
    note: noteCell(row),
  };
}

/** `alias -> upstream model`, or the route when the request never resolved a model. */
export function routeText(row: Row): string {
  const f = row.finished;
  if (!f || !f.alias) return row.path;
  return f.upstream_model && f.upstream_model !== f.alias ? `${f.alias} -> ${f.upstream_model}` : f.alias;
}

function statusTone(row: Row): Tone {
  const f = row.finished;
  if (!f) return 'live';
  if (row.kind === 'blocked') return 'block';
  if (f.outcome === 'aborted') return 'dim';
  if (f.status >= 500) return 'bad';
  if (row.kind === 'error') return 'warn';
  return 'ok';
}

function noteCell(row: Row): Cell {
  const f = row.finished;
  if (!f) return { text: '', tone: 'plain' };
  const blocked = blockedLabelFor(f);
  if (blocked) return { text: blocked, tone: 'block' };
  const marks = [...routeMarks(f), monitorLabel(f.guardrails), maskedLabel(f.guardrails)].filter((m): m is string => m !== null);
  if (row.kind === 'error') {
    const what = f.outcome === 'aborted' ? 'aborted by client' : (rateLimitedLabel(f) ?? f.error_code ?? f.error_type ?? f.outcome);
    return { text: [what, ...marks].join('  '), tone: f.outcome === 'aborted' ? 'dim' : f.status >= 500 ? 'bad' : 'warn' };
  }
  return { text: marks.join('  '), tone: marks.length > 0 ? 'mark' : 'plain' };
}
