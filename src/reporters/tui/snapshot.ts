// The immutable view the store hands to React: rows newest first (filtered; frozen while paused),
// totals, server and config state. Built once per batched notify, at most ~20×/s.
import type { ServerListening } from '../../events/types.js';
import type { ConfigState, Row } from './request-store.js';
import type { TotalsView } from './totals.js';

export type Filter = 'all' | 'errors' | 'blocked';

export interface StoreSnapshot {
  /** newest first, filter applied; while paused, the rows as they were at pause time */
  rows: readonly Row[];
  filter: Filter;
  paused: boolean;
  /** requests that arrived since the pause (they are in history, just not shown) */
  newWhilePaused: number;
  totals: TotalsView;
  server: ServerListening | null;
  /** auth on/off as the latest server.listening or config.reloaded said; null before either */
  auth: boolean | null;
  /** the spend cap (proxy.budget_usd) as the latest server.listening or config.reloaded said; undefined before either */
  budgetUsd: number | null | undefined;
  /** aliases added minus removed by reloads since `server.listening` */
  aliasDelta: number;
  config: ConfigState;
  lastWarning: { message: string; at: number } | null;
}

export interface SnapshotInput extends Omit<StoreSnapshot, 'rows' | 'paused'> {
  history: readonly Row[];
  frozen: readonly Row[] | null;
}

export function matchesFilter(row: Row, filter: Filter): boolean {
  return filter === 'all' || row.kind === (filter === 'errors' ? 'error' : 'blocked');
}

export function buildSnapshot(input: SnapshotInput): StoreSnapshot {
  const { history, frozen, ...rest } = input;
  const source = frozen ?? newestFirst(history);
  const rows = input.filter === 'all' ? source : source.filter((r) => matchesFilter(r, input.filter));
  return { ...rest, rows, paused: frozen !== null };
}

function newestFirst(history: readonly Row[]): Row[] {
  const out = new Array<Row>(history.length);
  for (let i = 0; i < history.length; i++) out[i] = history[history.length - 1 - i] as Row;
  return out;
}
