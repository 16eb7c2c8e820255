// The budget stage (DESIGN.md §13 spend cap, §4): `proxy.budget_usd` of the runtime this request
// took, against the gateway's priced spend (pricing/spend.ts, across reloads). Once the spend has
// reached the cap, a new model request is refused 429 `budget_exceeded` before anything is sent
// upstream; requests already under way finish. A cap of 0 refuses every model request. Runs after
// guard and before rateLimit, so a refused request uses no rate-limit quota. No cap: one check.
import { capDollars, spendDollars } from '../../text/usd.js';
import { GatewayError } from '../errors.js';
import type { RequestContext } from '../routes/context.js';

export function budget(ctx: RequestContext): void {
  const cap = ctx.runtime.config.proxy.budgetUsd;
  if (cap === null) return;
  const spent = ctx.services.spend.total;
  if (spent < cap) return;
  throw new GatewayError('budget_exceeded', `budget exceeded: spent ${spendDollars(spent)} of the ${capDollars(cap)} budget (proxy.budget_usd)`);
}
