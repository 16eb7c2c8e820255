// The `warning` an exporter gives when spans are dropped (collector down, slow or refusing): the
// count since the last warning, at most one warning per interval (a minute by default) however
// many exports fail, and whatever is left unreported once more when the exporter closes.
export interface DropWarningOptions {
  /** `observability exporter "otel"` */
  label: string;
  /** where the spans were going, as shown (displayUrl) */
  where: string;
  now: () => number;
  intervalMs: number;
  emit: (message: string) => void;
}

export class DropWarnings {
  private pending = 0;
  private reason = '';
  private lastAt: number | null = null;
  private finished = false;

  constructor(private readonly options: DropWarningOptions) {}

  /** `count` spans are gone, because of `reason` ("the collector is unreachable (…)"). */
  dropped(count: number, reason: string): void {
    if (this.finished || count <= 0) return;
    this.pending += count;
    this.reason = reason;
    const now = this.options.now();
    if (this.lastAt === null || now - this.lastAt >= this.options.intervalMs) this.report(now);
  }

  /** Reports what is still unreported, then stays silent (the exporter closed). */
  finish(): void {
    if (this.finished) return;
    if (this.pending > 0) this.report(this.options.now());
    this.finished = true;
  }

  private report(now: number): void {
    const { label, where, intervalMs } = this.options;
    const spans = `${this.pending} span${this.pending === 1 ? '' : 's'}`;
    const every = intervalMs === 60_000 ? 'once a minute' : `once every ${intervalMs} ms`;
    this.options.emit(`${label}: dropped ${spans}: ${this.reason} (${where}); this warning repeats at most ${every}`);
    this.pending = 0;
    this.lastAt = now;
  }
}
