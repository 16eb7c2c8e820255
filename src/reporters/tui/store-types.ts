// The data the store keeps and hands out: rows (immutable; finishing a request replaces its row),
// previews, config state, and the injectable clock that makes batching testable.
import type { RequestFinished } from '../../events/types.js';
import type { RowKind } from './classify.js';

/** A finished request as the table keeps it: the event minus its (large) previews. */
export type FinishedSummary = Omit<RequestFinished, 'input_preview' | 'output_preview'>;

/** One table row. */
export interface Row {
  readonly seq: number;
  readonly id: string;
  readonly time: string;
  readonly method: string;
  readonly path: string;
  /** store clock (ms) when the row appeared: in-flight elapsed time counts from here */
  readonly startedAt: number;
  readonly kind: RowKind | 'in_flight';
  readonly finished: FinishedSummary | null;
}

export interface Previews {
  input?: string;
  output?: string;
}

export type ConfigState =
  | { kind: 'loaded' }
  | { kind: 'reloaded'; time: string; added: string[]; removed: string[]; changed: string[] }
  | { kind: 'rejected'; time: string; issue: string; more: number };

/** The clock and timer the store uses; injected so tests are deterministic. */
export interface StoreClock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** Wall clock and unref'd timers: a pending redraw never keeps the process alive. */
export const realClock: StoreClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
