// Session counters for the totals bar and the requests-per-second window. Counters are bumped per
// finished request (never recomputed by scanning history), so `c` (clear) does not reset them.
export interface Totals {
  /** finished requests */
  requests: number;
  inFlight: number;
  /** status ≥ 400 or outcome not ok, guardrail blocks excluded */
  errors: number;
  blocked: number;
  /** requests with at least one monitor hit */
  monitored: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface TotalsView extends Totals {
  /** finished requests per second over the last few seconds */
  perSecond: number;
}

export function emptyTotals(): Totals {
  return { requests: 0, inFlight: 0, errors: 0, blocked: 0, monitored: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
}

/** Counts per whole second in a ring of `seconds` buckets; perSecond averages over the window. */
export class RateWindow {
  private readonly counts: number[];
  private readonly secondOf: number[];

  constructor(private readonly seconds: number) {
    this.counts = new Array<number>(seconds).fill(0);
    this.secondOf = new Array<number>(seconds).fill(Number.NEGATIVE_INFINITY);
  }

  add(nowMs: number): void {
    const sec = Math.floor(nowMs / 1000);
    const at = sec % this.seconds;
    if (this.secondOf[at] !== sec) {
      this.secondOf[at] = sec;
      this.counts[at] = 0;
    }
    this.counts[at] = (this.counts[at] ?? 0) + 1;
  }

  perSecond(nowMs: number): number {
    const sec = Math.floor(nowMs / 1000);
    let sum = 0;
    for (let i = 0; i < this.seconds; i++) {
      if ((this.secondOf[i] ?? Number.NEGATIVE_INFINITY) > sec - this.seconds) sum += this.counts[i] ?? 0;
    }
    return sum / this.seconds;
  }
}
