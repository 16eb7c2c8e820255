// Rate-limits change notifications: `changed()` schedules one flush, at most one per `interval` ms
// (the first change after a quiet spell goes out on the next tick, a burst shares one flush).
// `flushNow()` is for user actions, which should show at once. Timers come from the injected clock.
import type { StoreClock } from './store-types.js';

export class BatchedNotifier {
  private readonly listeners = new Set<() => void>();
  private pending: unknown = null;
  private lastFlush = Number.NEGATIVE_INFINITY;
  private disposed = false;

  constructor(
    private readonly clock: StoreClock,
    private readonly interval: number,
    /** rebuilds the snapshot right before listeners are told */
    private readonly onFlush: () => void,
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    if (this.pending !== null || this.disposed) return;
    const wait = Math.max(0, this.lastFlush + this.interval - this.clock.now());
    this.pending = this.clock.setTimer(() => {
      this.pending = null;
      this.flushNow();
    }, wait);
  }

  flushNow(): void {
    if (this.disposed) return;
    if (this.pending !== null) {
      this.clock.clearTimer(this.pending);
      this.pending = null;
    }
    this.lastFlush = this.clock.now();
    this.onFlush();
    for (const listener of this.listeners) listener();
  }

  dispose(): void {
    this.disposed = true;
    if (this.pending !== null) this.clock.clearTimer(this.pending);
    this.pending = null;
    this.listeners.clear();
  }
}
