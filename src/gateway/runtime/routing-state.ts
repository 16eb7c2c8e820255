// What routing remembers between requests, across config reloads (the gateway owns one): when
// each direct model's cooldown ends, and each routing model's round-robin turn. In-process only,
// with an injectable clock for tests.
import type { RoutingTarget } from '../../config/types.js';

export class RoutingState {
  private readonly coolingUntil = new Map<string, number>();
  private readonly turns = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** ms until the model's cooldown ends, or 0 when it is in rotation */
  coolingFor(model: string): number {
    const until = this.coolingUntil.get(model);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left > 0) return left;
    this.coolingUntil.delete(model);
    return 0;
  }

  cool(model: string, seconds: number): void {
    if (seconds > 0) this.coolingUntil.set(model, this.now() + seconds * 1000);
  }

  /**
   * The index of the target a weighted round robin picks next for `alias`: turn n lands on the
   * target whose cumulative weight range holds n mod (sum of weights). Weight 0 is never first.
   */
  nextTurn(alias: string, targets: readonly RoutingTarget[]): number {
    const total = targets.reduce((sum, t) => sum + t.weight, 0);
    if (total <= 0) return 0;
    const n = this.turns.get(alias) ?? 0;
    this.turns.set(alias, (n + 1) % total);
    let point = n % total;
    for (const [i, t] of targets.entries()) {
      if (point < t.weight) return i;
      point -= t.weight;
    }
    return 0;
  }
}
