// The TUI's state, kept outside React: folds bus events into immutable snapshots and tells
// subscribers at most once per `notifyIntervalMs` (default 50 ms, ~20×/s), however many events
// arrive. History is bounded; totals are counters updated per event, never recomputed by scanning.
// Flow: bus listener → store.started/finished/… (O(1)-ish) → scheduled flush → snapshot → React.
// Rows are keyed by an internal sequence number, never by the request id alone: the id is the
// caller-settable `x-aisix-request-id` and may repeat, so a `request.finished` settles the oldest
// in-flight row with its id (first in, first out per id).
import type {
  ConfigRejected,
  ConfigReloaded,
  RequestFinished,
  RequestStarted,
  ServerListening,
} from '../../events/types.js';
import { outcomeClass } from '../outcome-class.js';
import { BatchedNotifier } from './batched-notifier.js';
import { PreviewCache } from './preview-cache.js';
import { buildSnapshot, type Filter, type StoreSnapshot } from './snapshot.js';
import { realClock, type ConfigState, type Previews, type Row, type StoreClock } from './store-types.js';
import { emptyTotals, RateWindow, type Totals } from './totals.js';

export type { Filter, StoreSnapshot } from './snapshot.js';
export type { ConfigState, FinishedSummary, Previews, Row, StoreClock } from './store-types.js';
export type { Totals, TotalsView } from './totals.js';

export interface RequestStoreOptions {
  /** rows kept (default 1,000) */
  historyLimit?: number;
  /** requests whose previews are kept (default 50) */
  previewLimit?: number;
  /** minimum time between notifications (default 50 ms) */
  notifyIntervalMs?: number;
  clock?: StoreClock;
}

export class RequestStore {
  readonly historyLimit: number;
  private readonly clock: StoreClock;
  private readonly notifier: BatchedNotifier;
  /** oldest first, at most historyLimit rows */
  private history: Row[] = [];
  /** in-flight rows by request id, oldest first (ids may repeat) */
  private readonly inFlight = new Map<string, Row[]>();
  private readonly previews: PreviewCache;
  private readonly rate: RateWindow;
  private totals: Totals = emptyTotals();
  private seq = 0;
  private filter: Filter = 'all';
  private frozen: readonly Row[] | null = null;
  private pausedAtSeq = 0;
  private server: ServerListening | null = null;
  /** whether the serving config has api_keys: from server.listening, then each config.reloaded */
  private auth: boolean | null = null;
  /** the spend cap (proxy.budget_usd) as server.listening, then each config.reloaded, said; undefined before either */
  private budgetUsd: number | null | undefined = undefined;
  private aliasDelta = 0;
  private config: ConfigState = { kind: 'loaded' };
  private lastWarning: { message: string; at: number } | null = null;
  private snapshot: StoreSnapshot;
  private decay: unknown = null;

  constructor(options: RequestStoreOptions = {}) {
    this.historyLimit = Math.max(1, options.historyLimit ?? 1000);
    this.previews = new PreviewCache(Math.max(0, options.previewLimit ?? 50));
    this.clock = options.clock ?? realClock;
    this.notifier = new BatchedNotifier(this.clock, options.notifyIntervalMs ?? 50, () => {
      this.snapshot = this.build();
      this.scheduleDecay();
    });
    this.rate = new RateWindow(5);
    this.snapshot = this.build();
  }

  /** The store clock in ms (the UI uses it for in-flight elapsed times). */
  readonly now = (): number => this.clock.now();

  readonly subscribe = (listener: () => void): (() => void) => this.notifier.subscribe(listener);

  readonly getSnapshot = (): StoreSnapshot => this.snapshot;

  /** Previews of a row (by its `seq`), kept only for the last `previewLimit` finished requests. */
  previewsOf(seq: number): Previews | null {
    return this.previews.get(seq);
  }

  started(e: RequestStarted): void {
    const row: Row = {
      seq: ++this.seq,
      id: e.id,
      time: e.time,
      method: e.method,
      path: e.path,
      startedAt: this.clock.now(),
      kind: 'in_flight',
      finished: null,
    };
    const queue = this.inFlight.get(e.id);
    if (queue) queue.push(row);
    else this.inFlight.set(e.id, [row]);
    this.totals = { ...this.totals, inFlight: this.totals.inFlight + 1 };
    this.push(row);
    this.notifier.changed();
  }

  finished(e: RequestFinished): void {
    const { input_preview, output_preview, ...summary } = e;
    const queue = this.inFlight.get(e.id);
    const before = queue?.[0];
    const row: Row = {
      seq: before?.seq ?? this.seq + 1,
      id: e.id,
      time: e.time,
      method: e.method,
      path: e.route,
      startedAt: before?.startedAt ?? this.clock.now(),
      kind: outcomeClass(e),
      finished: summary,
    };
    // Everything that reads the payload runs before any state changes, so a malformed event
    // throws (and becomes a bus warning) without leaving a half-applied row behind.
    const totals = this.counted(row, before !== undefined);
    if (!before) this.seq = row.seq;
    this.totals = totals;
    this.rate.add(this.clock.now());
    if (before) {
      if (queue && queue.length > 1) queue.shift();
      else this.inFlight.delete(e.id);
      const at = this.history.lastIndexOf(before);
      if (at >= 0) this.history[at] = row;
      else this.push(row);
    } else {
      this.push(row);
    }
    this.previews.keep(row.seq, input_preview, output_preview);
    this.notifier.changed();
  }

  serverListening(e: ServerListening): void {
    this.server = e;
    this.auth = e.auth;
    this.budgetUsd = e.budget_usd;
    this.aliasDelta = 0;
    this.notifier.changed();
  }

  configReloaded(e: ConfigReloaded): void {
    this.config = { kind: 'reloaded', time: e.time, added: e.added, removed: e.removed, changed: e.changed };
    this.aliasDelta += e.added.length - e.removed.length;
    this.auth = e.auth;
    this.budgetUsd = e.budget_usd;
    this.notifier.changed();
  }

  configRejected(e: ConfigRejected): void {
    const first = e.errors[0];
    const issue = first ? `${first.message} (line ${first.line}${first.scope ? `, ${first.scope}` : ''})` : 'invalid config';
    this.config = { kind: 'rejected', time: e.time, issue, more: Math.max(0, e.errors.length - 1) };
    this.notifier.changed();
  }

  warning(message: string): void {
    this.lastWarning = { message, at: this.clock.now() };
    this.notifier.changed();
  }

  /** all -> errors -> blocked -> all. User actions notify at once. */
  cycleFilter(): void {
    this.setFilter(this.filter === 'all' ? 'errors' : this.filter === 'errors' ? 'blocked' : 'all');
  }

  setFilter(filter: Filter): void {
    this.filter = filter;
    this.notifier.flushNow();
  }

  /** Freeze the list (totals keep counting) or thaw it. */
  togglePause(): void {
    if (this.frozen) {
      this.frozen = null;
    } else {
      this.frozen = [...this.history].reverse();
      this.pausedAtSeq = this.seq;
    }
    this.notifier.flushNow();
  }

  /** Empty the table; in-flight rows stay (they will finish), totals are session counters and stay. */
  clear(): void {
    this.history = this.history.filter((r) => r.kind === 'in_flight');
    this.previews.clear();
    if (this.frozen) {
      this.frozen = this.frozen.filter((r) => r.kind === 'in_flight');
      this.pausedAtSeq = this.seq;
    }
    this.notifier.flushNow();
  }

  /** Stop timers and drop subscribers (after unmount). */
  dispose(): void {
    this.notifier.dispose();
    if (this.decay !== null) this.clock.clearTimer(this.decay);
    this.decay = null;
  }

  private push(row: Row): void {
    this.history.push(row);
    if (this.history.length > this.historyLimit) this.history.shift();
  }

  private counted(row: Row, wasInFlight: boolean): Totals {
    const f = row.finished;
    const t = this.totals;
    if (!f) return t;
    return {
      requests: t.requests + 1,
      inFlight: wasInFlight ? t.inFlight - 1 : t.inFlight,
      errors: t.errors + (row.kind === 'error' ? 1 : 0),
      blocked: t.blocked + (row.kind === 'blocked' ? 1 : 0),
      monitored: t.monitored + (f.guardrails.some((h) => h.action === 'monitor') ? 1 : 0),
      inputTokens: t.inputTokens + (f.usage?.input_tokens ?? 0),
      outputTokens: t.outputTokens + (f.usage?.output_tokens ?? 0),
      costUsd: t.costUsd + (f.cost_usd ?? 0),
    };
  }

  /** req/s decays with no events arriving, so refresh once a second while it is non-zero. */
  private scheduleDecay(): void {
    if (this.decay !== null || this.snapshot.totals.perSecond === 0) return;
    this.decay = this.clock.setTimer(() => {
      this.decay = null;
      this.notifier.changed();
    }, 1000);
  }

  private build(): StoreSnapshot {
    const now = this.clock.now();
    return buildSnapshot({
      history: this.history,
      frozen: this.frozen,
      filter: this.filter,
      newWhilePaused: this.frozen ? this.seq - this.pausedAtSeq : 0,
      totals: { ...this.totals, perSecond: this.rate.perSecond(now) },
      server: this.server,
      auth: this.auth,
      budgetUsd: this.budgetUsd,
      aliasDelta: this.aliasDelta,
      config: this.config,
      lastWarning: this.lastWarning,
    });
  }
}
