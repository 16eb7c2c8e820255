// Dollar amounts as the spend cap shows them (the 429 budget_exceeded message and the TUI header):
// a spend with 4 decimals (more until two significant digits show), a cap exactly as configured
// (2 decimals, more when it has them). At most 9 decimals, the precision of `cost_usd`.
const MAX_DECIMALS = 9;

/** `$0.0123`; `$0.000042` for a spend too small for 4 decimals. */
export function spendDollars(usd: number): string {
  let decimals = 4;
  while (decimals < MAX_DECIMALS && usd !== 0 && Math.abs(usd) < 10 ** (1 - decimals)) decimals++;
  return `$${usd.toFixed(decimals)}`;
}

/** `$5.00`, `$0.125`, `$0.0001`: the cap as written. */
export function capDollars(usd: number): string {
  let decimals = 2;
  while (decimals < MAX_DECIMALS && Number(usd.toFixed(decimals)) !== Number(usd.toFixed(MAX_DECIMALS))) decimals++;
  return `$${usd.toFixed(decimals)}`;
}
