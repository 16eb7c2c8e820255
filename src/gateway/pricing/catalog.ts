// The bundled price catalog (`@pydantic/genai-prices`, DESIGN.md §13), offline: its data ships in
// the package and nothing here ever fetches an update. Loaded only when a config has a direct model
// without `cost` (`prepareCatalog`, at gateway creation and on reload), never by `validate`.
// Which catalog provider prices a model: `openai` and `anthropic` as themselves; another provider
// name only when it is a catalog provider's id (e.g. `deepseek`, `mistral`, `groq`; `gemini` as
// `google`), never a name that only contains one (`openai-compatible`); never by the model id alone (a local server may reuse a public model name). One lookup per (provider, upstream
// model), cached: its price tables become rates priced with a few multiplications (the catalog's
// own calcPrice costs ~30-80 µs a call; this, under 1 µs), a table with a start date applying from
// that date on, as the catalog picks it; prices by time of day, and tables with units this module
// does not know, go through calcPrice on every request.
import { createRequire } from 'node:module';
import type * as GenaiPrices from '@pydantic/genai-prices';
import type { Config } from '../../config/types.js';
import type { Usage } from '../../events/types.js';
import { compileRates, priceWithRates, type Rates } from './rates.js';

type Catalog = typeof GenaiPrices;

/** What one (provider, upstream model) resolves to, decided once. */
type Entry =
  | { readonly kind: 'none' }
  | { readonly kind: 'rates'; readonly phases: readonly Phase[] }
  | { readonly kind: 'calc'; readonly modelId: string; readonly providerId: string };

/** One price table of a model and the time it applies from (epoch ms; null: no start date). */
interface Phase {
  readonly from: number | null;
  readonly rates: Rates;
}

const NONE: Entry = { kind: 'none' };
/** distinct (provider, model) pairs remembered; wildcard models let callers name any model */
const MAX_ENTRIES = 4096;

let catalog: Catalog | null = null;
const entries = new Map<string, Entry>();

/** Whether `config` needs the catalog: a direct model without `cost` (routing models price as their targets). */
export function needsCatalog(config: Config): boolean {
  return config.models.some((m) => m.kind === 'direct' && m.cost === null);
}

/** Loads the catalog (synchronously, once per process) when `config` needs it. */
export function prepareCatalog(config: Config): void {
  if (catalog === null && needsCatalog(config)) catalog = createRequire(import.meta.url)('@pydantic/genai-prices') as Catalog;
}

/** Whether the catalog is loaded (tests check that a config with prices everywhere never loads it). */
export function catalogLoaded(): boolean {
  return catalog !== null;
}

/** USD for `usage` of `model` at `provider`, unrounded; null when the catalog has no price for it (or is not loaded). */
export function catalogUsd(provider: string | null, model: string, usage: Usage): number | null {
  if (catalog === null || provider === null) return null;
  const key = `${provider}\u0000${model}`;
  let entry = entries.get(key);
  if (entry === undefined) {
    entry = resolveEntry(catalog, provider, model);
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(key, entry);
  }
  if (entry.kind === 'none') return null;
  if (entry.kind === 'rates') return priceWithRates(current(entry.phases, Date.now()), usage);
  return calc(catalog, entry.modelId, entry.providerId, usage);
}

function resolveEntry(lib: Catalog, provider: string, model: string): Entry {
  const providerId = catalogProvider(lib, provider);
  if (providerId === null) return NONE;
  const found = safely(() => lib.calcPrice({ input_tokens: 0, output_tokens: 0 }, model, { providerId }));
  if (found === null) return NONE;
  const phases = compilePhases(found.model.prices);
  return phases === null ? { kind: 'calc', modelId: model, providerId } : { kind: 'rates', phases };
}

/** A model's price tables as phases, or null when one needs the catalog (time of day, unknown units). */
function compilePhases(prices: GenaiPrices.ModelInfo['prices']): Phase[] | null {
  if (!Array.isArray(prices)) {
    const rates = compileRates(prices);
    return rates === null ? null : [{ from: null, rates }];
  }
  const phases: Phase[] = [];
  for (const { constraint, prices: table } of prices) {
    const from = constraint === undefined ? null : constraint.type === 'start_date' ? Date.parse(`${constraint.start_date}T00:00:00Z`) : Number.NaN;
    const rates = compileRates(table);
    if (rates === null || Number.isNaN(from)) return null;
    phases.push({ from, rates });
  }
  return phases.length === 0 ? null : phases;
}

/** The table in force at `now`, chosen as the catalog does: the last one that applies, else the first. */
function current(phases: readonly Phase[], now: number): Rates {
  for (let i = phases.length - 1; i >= 0; i--) {
    const phase = phases[i] as Phase;
    if (phase.from === null || now >= phase.from) return phase.rates;
  }
  return (phases[0] as Phase).rates;
}

/** Config provider names the catalog spells otherwise (AISIX's `gemini` is the catalog's `google`). */
const CATALOG_ALIASES: Readonly<Record<string, string>> = { gemini: 'google' };

/**
 * The catalog provider id for a config's provider name, or null: never a guess from the model id,
 * and never a fuzzy match — the catalog's findProvider also matches names that merely contain a
 * provider's (`openai-compatible`, `my-local-openai` → openai), which would price a local server
 * at list prices; only a provider whose catalog id is the name (after the aliases above) counts.
 */
function catalogProvider(lib: Catalog, provider: string): string | null {
  if (provider === 'openai' || provider === 'anthropic') return provider;
  const id = CATALOG_ALIASES[provider] ?? provider;
  return lib.findProvider({ providerId: id })?.id === id ? id : null;
}

function calc(lib: Catalog, modelId: string, providerId: string, usage: Usage): number | null {
  const result = safely(() => lib.calcPrice(catalogUsage(usage), modelId, { providerId }));
  return result === null ? null : result.total_price;
}

/**
 * Our usage in the catalog's names. Both count input the OpenAI way (`input_tokens` includes cache
 * reads and writes) and output with its reasoning tokens in it.
 */
function catalogUsage(usage: Usage): GenaiPrices.Usage {
  return {
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cache_read_tokens: usage.cached_tokens,
    cache_write_tokens: usage.cache_creation_tokens,
    output_reasoning_tokens: usage.reasoning_tokens,
  };
}

/** The catalog throws on usage it finds inconsistent (more cache reads than input): no price then. */
function safely<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}
