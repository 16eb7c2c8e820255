// Totals of finished requests, overall and per group (alias by default): requests, errors, blocks,
// tokens, cost and latency percentiles. Fed `request.finished` events (live from a bus, or read back
// from a request log); `toJSON()` gives the numbers `aisix stats --json` prints, and the table of
// summary-table.ts lays them out for `aisix stats`, and for `aisix run` and `aisix serve` when they stop.
// The one place for the counting rules of `aisix run`, `aisix stats` and serve (DESIGN §11, §13).
//
// Counting follows the TUI (the one rule of outcome-class.ts): a guardrail block is `blocked`, not
// an error (policy doing its job); anything else with a status ≥ 400 or an outcome other than `ok`
// is an error. Tokens are summed
// from the upstream's usage (never estimated); cost sums the priced requests, and a group none of
// whose requests had a price shows `-`. Percentiles are nearest-rank over the requests that have
// the value. Days are UTC dates. Cost sums are rounded to 10 decimals (no float noise in JSON).
// Group keys (aliases, callers, models: outside text) are escaped with terminalSafe when printed.
import type { EventBus } from '../events/bus.js';
import type { Usage } from '../events/types.js';
import { terminalSafe } from '../text/terminal-safe.js';
import { outcomeClass } from './outcome-class.js';

export type SummaryGroupBy = 'alias' | 'caller' | 'day' | 'model';

export interface SummaryOptions {
  /** what the breakdown groups by (default `alias`; `model` is the upstream model id, `day` the UTC date) */
  by?: SummaryGroupBy;
}

/** The numbers of one group, or of all requests (`key` absent). */
export interface SummaryTotals {
  requests: number;
  errors: number;
  blocked: number;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  /** the sum over the priced requests; null when none had a price */
  cost_usd: number | null;
  latency_ms_p50: number | null;
  latency_ms_p95: number | null;
  ttft_ms_p50: number | null;
  ttft_ms_p95: number | null;
}

export interface SummaryGroup extends SummaryTotals {
  /** the alias (caller, day, model) — null for requests that had none (unknown routes, refused callers) */
  key: string | null;
}

export interface SummaryJson {
  groups: SummaryGroup[];
  total: SummaryTotals;
}

/**
 * The fields of a `request.finished` event the summary reads: a live event is one; a request-log
 * line read back (log-reader.ts) is checked into one. `outcome` is any string, so a log written by
 * a newer aisix still counts (an unknown outcome is an error).
 */
export interface SummaryInput {
  time: string;
  alias: string | null;
  caller: string | null;
  upstream_model: string | null;
  status: number;
  outcome: string;
  usage: Pick<Usage, 'input_tokens' | 'output_tokens' | 'cached_tokens' | 'reasoning_tokens'> | null;
  cost_usd: number | null;
  latency_ms: number;
  ttft_ms: number | null;
}

export interface Summary {
  add(event: SummaryInput): void;
  /** finished requests counted so far */
  readonly requests: number;
  total(): SummaryTotals;
  /** the breakdown, busiest group first (`day`: oldest first) */
  groups(): SummaryGroup[];
  toJSON(): SummaryJson;
}

type KeyFields = Pick<SummaryInput, 'alias' | 'caller' | 'time' | 'upstream_model'>;

const KEY_OF: Readonly<Record<SummaryGroupBy, (e: KeyFields) => string | null>> = {
  alias: (e) => e.alias,
  caller: (e) => e.caller,
  model: (e) => e.upstream_model,
  day: (e) => utcDay(e.time),
};

/** `2026-05-01` for a time on that UTC day (an offset time is converted); null when not a time */
function utcDay(time: string): string | null {
  if (!/^\d{4}-\d\d-\d\d/.test(time)) return null;
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : null;
}

/** a sum of prices without the float noise (0.1 + 0.2 → 0.3) */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}

class Accumulator {
  requests = 0;
  errors = 0;
  blocked = 0;
  inputTokens = 0;
  outputTokens = 0;
  cachedTokens = 0;
  reasoningTokens = 0;
  cost = 0;
  priced = 0;
  readonly latencies: number[] = [];
  readonly ttfts: number[] = [];

  add(e: SummaryInput): void {
    this.requests++;
    const kind = outcomeClass(e);
    if (kind === 'blocked') this.blocked++;
    else if (kind === 'error') this.errors++;
    if (e.usage !== null) {
      this.inputTokens += e.usage.input_tokens;
      this.outputTokens += e.usage.output_tokens;
      this.cachedTokens += e.usage.cached_tokens;
      this.reasoningTokens += e.usage.reasoning_tokens;
    }
    if (e.cost_usd !== null && Number.isFinite(e.cost_usd)) {
      this.cost += e.cost_usd;
      this.priced++;
    }
    if (Number.isFinite(e.latency_ms)) this.latencies.push(e.latency_ms);
    if (e.ttft_ms !== null && Number.isFinite(e.ttft_ms)) this.ttfts.push(e.ttft_ms);
  }

  totals(): SummaryTotals {
    return {
      requests: this.requests,
      errors: this.errors,
      blocked: this.blocked,
      input_tokens: this.inputTokens,
      output_tokens: this.outputTokens,
      cached_tokens: this.cachedTokens,
      reasoning_tokens: this.reasoningTokens,
      cost_usd: this.priced === 0 ? null : roundUsd(this.cost),
      latency_ms_p50: percentile(this.latencies, 50),
      latency_ms_p95: percentile(this.latencies, 95),
      ttft_ms_p50: percentile(this.ttfts, 50),
      ttft_ms_p95: percentile(this.ttfts, 95),
    };
  }
}

/** Nearest-rank percentile (the smallest value with at least p% of the values at or below it). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

export function createSummary(options: SummaryOptions = {}): Summary {
  const by = options.by ?? 'alias';
  const keyOf = KEY_OF[by];
  const total = new Accumulator();
  const groups = new Map<string | null, Accumulator>();

  const sortedGroups = (): SummaryGroup[] => {
    const list = [...groups].map(([key, acc]) => ({ key, ...acc.totals() }));
    const byKey = (a: SummaryGroup, b: SummaryGroup): number => (a.key === b.key ? 0 : a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : 1);
    return list.sort(by === 'day' ? byKey : (a, b) => b.requests - a.requests || byKey(a, b));
  };

  return {
    add(event) {
      total.add(event);
      const key = keyOf(event);
      let group = groups.get(key);
      if (group === undefined) groups.set(key, (group = new Accumulator()));
      group.add(event);
    },
    get requests() {
      return total.requests;
    },
    total: () => total.totals(),
    groups: sortedGroups,
    toJSON: () => ({ groups: sortedGroups(), total: total.totals() }),
  };
}

/** A summary fed by the bus's `request.finished` events until `detach()`. */
export function attachSummary(bus: EventBus, options: SummaryOptions = {}): { summary: Summary; detach: () => void } {
  const summary = createSummary(options);
  const detach = bus.on('request.finished', (e) => summary.add(e));
  return { summary, detach };
}

const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `1,234` */
export function formatCount(n: number): string {
  return INTEGER.format(n);
}

/** `$1.23`, `$0.0123`, `$0.000150`; `-` when unknown. */
export function formatUsd(usd: number | null): string {
  if (usd === null || !Number.isFinite(usd)) return '-';
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(6)}`;
}

const MAX_KEY_WIDTH = 40;

const NO_KEY: Readonly<Record<SummaryGroupBy, string>> = { alias: '(no alias)', caller: '(no caller)', model: '(no model)', day: '(no date)' };

/** A group's key as printed: escaped, cut at 40 characters; `(no alias)` etc. for null. */
export function groupLabel(key: string | null, by: SummaryGroupBy): string {
  if (key === null) return NO_KEY[by];
  const safe = terminalSafe(key);
  return safe.length > MAX_KEY_WIDTH ? `${safe.slice(0, MAX_KEY_WIDTH - 1)}…` : safe;
}
