// THE price of one request (DESIGN.md §5 `cost_usd`/`cost_source`, §13): the one place that decides
// what a request cost and where the price came from. A cache hit costs 0 (no upstream call; no
// source); no usage → no price; the model's `cost` wins (`config`); else the bundled catalog prices
// the upstream model id at its provider (`catalog`); else null. Rounded to 1e-9 USD.
import type { ModelCost } from '../../config/types.js';
import type { Usage } from '../../events/types.js';
import { catalogUsd } from './catalog.js';

export interface Price {
  readonly usd: number | null;
  readonly source: 'config' | 'catalog' | null;
}

/** The facts of a request that decide its price (a RequestRecord has them all). */
export interface PricedFacts {
  readonly usage: Usage | null;
  readonly cost: ModelCost | null;
  readonly provider: string | null;
  readonly upstreamModel: string | null;
  readonly cache: 'hit' | 'miss' | 'bypass' | null;
}

const CACHE_HIT: Price = { usd: 0, source: null };
const NO_PRICE: Price = { usd: null, source: null };

export function priceOf({ usage, cost, provider, upstreamModel, cache }: PricedFacts): Price {
  if (cache === 'hit') return CACHE_HIT;
  if (usage === null) return NO_PRICE;
  if (cost !== null) return { usd: round((usage.input_tokens * cost.inputPer1k + usage.output_tokens * cost.outputPer1k) / 1000), source: 'config' };
  const usd = upstreamModel === null ? null : catalogUsd(provider, upstreamModel, usage);
  return usd === null ? NO_PRICE : { usd: round(usd), source: 'catalog' };
}

function round(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}
