// This process's priced spend (DESIGN.md §13 spend cap): the sum of `cost_usd` over every
// `request.finished` the gateway emitted (unpriced requests count 0). One per gateway, across
// config reloads; the budget stage (stages/budget.ts) compares it with `proxy.budget_usd`.
import type { EventBus } from '../../events/bus.js';

export class Spend {
  private usd = 0;

  constructor(bus: EventBus) {
    bus.on('request.finished', (e) => {
      if (e.cost_usd !== null && Number.isFinite(e.cost_usd)) this.usd += e.cost_usd;
    });
  }

  /** USD spent so far */
  get total(): number {
    return this.usd;
  }
}
