// A catalog price table compiled once into the rates our usage needs, then priced per request with
// a few multiplications — the catalog's own arithmetic (genai-prices `calcPrice`) for the units we
// report: cache reads and writes are carved out of input only when the table prices them (else they
// cost input rates), a tiered price picks its tier by the request's total input tokens, and a
// per-request price (`requests_kcount`) adds its share. Tables with any other unit that our usage
// could touch are not compiled (null): the caller prices those through the catalog itself.
// test/gateway/pricing.test.ts checks this against calcPrice for every OpenAI and Anthropic model.
import type { ModelPrice, Tier } from '@pydantic/genai-prices';
import type { Usage } from '../../events/types.js';

/** USD per million tokens: one number, or a base price with tiers by total input tokens. */
export type Rate = number | { readonly base: number; readonly tiers: readonly Tier[] };

export interface Rates {
  readonly input: Rate | null;
  readonly output: Rate | null;
  readonly cacheRead: Rate | null;
  readonly cacheWrite: Rate | null;
  /** USD per request */
  readonly perRequest: number;
}

/**
 * Price keys of units our usage never reports (audio, image, tool calls, the 1-hour cache-write
 * split, which our usage folds into cache writes): zero tokens of them, so they add nothing and take
 * nothing out of input or output.
 */
const UNREPORTED = new Set([
  'web_searches_kcount',
  'storage_searches_kcount',
  'input_audio_mtok',
  'cache_audio_read_mtok',
  'output_audio_mtok',
  'input_image_mtok',
  'cache_image_read_mtok',
  'output_image_mtok',
  'cache_write_1h_mtok',
]);

const TOKEN_KEYS = { input_mtok: 'input', output_mtok: 'output', cache_read_mtok: 'cacheRead', cache_write_mtok: 'cacheWrite' } as const;

/** The rates of a plain (not date- or time-dependent) price table, or null when it needs the catalog. */
export function compileRates(prices: ModelPrice): Rates | null {
  const rates: { -readonly [K in keyof Rates]: Rates[K] } = { input: null, output: null, cacheRead: null, cacheWrite: null, perRequest: 0 };
  for (const [key, value] of Object.entries(prices)) {
    if (value === undefined || UNREPORTED.has(key)) continue;
    if (key === 'requests_kcount') {
      if (!isPrice(value)) return null;
      rates.perRequest = value / 1000;
      continue;
    }
    const slot = TOKEN_KEYS[key as keyof typeof TOKEN_KEYS] as (typeof TOKEN_KEYS)[keyof typeof TOKEN_KEYS] | undefined;
    const rate = slot === undefined ? null : rateOf(value);
    if (slot === undefined || rate === null) return null;
    rates[slot] = rate;
  }
  // the catalog refuses a cache price without an input price; let it say so
  if (rates.input === null && (rates.cacheRead !== null || rates.cacheWrite !== null)) return null;
  return rates;
}

/** USD for `usage`, unrounded; null for usage the catalog would refuse (cache tokens beyond input). */
export function priceWithRates(rates: Rates, usage: Usage): number | null {
  const { input_tokens: input, output_tokens: output, cached_tokens: reads, cache_creation_tokens: writes } = usage;
  if (!(isCount(input) && isCount(output) && isCount(reads) && isCount(writes))) return null;
  const plainInput = input - (rates.cacheRead === null ? 0 : reads) - (rates.cacheWrite === null ? 0 : writes);
  if (plainInput < 0) return null;
  return (
    cost(rates.input, plainInput, input) +
    cost(rates.cacheRead, reads, input) +
    cost(rates.cacheWrite, writes, input) +
    cost(rates.output, output, input) +
    rates.perRequest
  );
}

function cost(rate: Rate | null, tokens: number, totalInput: number): number {
  if (rate === null || tokens <= 0) return 0;
  if (typeof rate === 'number') return (rate * tokens) / 1e6;
  let price = rate.base;
  for (const tier of rate.tiers) if (totalInput > tier.start) price = tier.price;
  return (price * tokens) / 1e6;
}

function rateOf(value: unknown): Rate | null {
  if (isPrice(value)) return value;
  if (typeof value !== 'object' || value === null) return null;
  const { base, tiers } = value as { base?: unknown; tiers?: unknown };
  if (!isPrice(base) || !Array.isArray(tiers)) return null;
  const parsed: Tier[] = [];
  for (const tier of tiers as unknown[]) {
    const { price, start } = (tier ?? {}) as { price?: unknown; start?: unknown };
    if (!isPrice(price) || typeof start !== 'number' || !Number.isSafeInteger(start) || start < 0) return null;
    parsed.push({ price, start });
  }
  return { base, tiers: parsed.sort((a, b) => a.start - b.start) };
}

function isPrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isCount(n: number): boolean {
  return Number.isFinite(n) && n >= 0;
}
