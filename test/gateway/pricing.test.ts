// Prices (DESIGN.md §5 `cost_usd`/`cost_source`, §13): the bundled catalog prices well-known
// upstream model ids when a model has no `cost`, through the real loader, gateway and mock, driven
// by the official SDKs. Expected numbers are computed here from the catalog's per-million prices
// and the usage the mock returned (never copied outputs). A model's `cost` wins; an unknown id, an
// unknown provider, a model id alone (no known provider) and a request without usage have no
// price; a cache hit costs 0. The compiled per-model rates (pricing/rates.ts) are checked against
// the catalog's own calcPrice for every OpenAI and Anthropic model, and the catalog is loaded only
// for a config with a model without `cost`.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { calcPrice, waitForUpdate, type ModelPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Usage } from '../../src/events/types.js';
import { catalogUsd } from '../../src/gateway/pricing/catalog.js';
import { ResponseCache } from '../../src/gateway/runtime/response-cache.js';
import { finishedFor, requestIdOf } from '../helpers/finished.js';
import { postResponses, rawRequest } from '../helpers/http.js';
import { CALLER_KEY, configYaml, loadStackConfig, model, providerKey, startStack, type Stack } from '../helpers/stack.js';

const ANTHROPIC_SECRET = 'sk-ant-upstream-secret-1';
const AUTH = { authorization: `Bearer ${CALLER_KEY}` };

// ---------------------------------------------------------------------------------------------
// A real model id upstream, the mock's usage behaviour behind it: this forwarder rewrites the body's
// `model` (a catalog id the proxy sent) to the mock model whose usage the test needs — cache reads
// and writes (`mock-cache`), reasoning (`mock-reasoning`) — and relays everything else as is.

interface Rewriter {
  url: string;
  /** where requests go (set once the stack's mock is up) */
  target: string;
  close(): Promise<void>;
}

const REWRITES: Readonly<Record<string, string>> = { 'claude-sonnet-4-20250514': 'mock-cache', 'gpt-4o': 'mock-reasoning' };

async function startRewriter(): Promise<Rewriter> {
  const state = { target: '' };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      let text = body.toString('utf8');
      const parsed = text === '' ? null : (JSON.parse(text) as { model?: unknown });
      const rewrite = parsed !== null && typeof parsed.model === 'string' ? REWRITES[parsed.model] : undefined;
      if (parsed !== null && rewrite !== undefined) text = JSON.stringify({ ...parsed, model: rewrite });
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name))) as Record<string, string>;
      const up = await fetch(`${state.target}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers, ...(text === '' ? {} : { body: text }) });
      res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' });
      if (up.body !== null) for await (const chunk of up.body) res.write(chunk);
      res.end();
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get target() {
      return state.target;
    },
    set target(value: string) {
      state.target = value;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// ---------------------------------------------------------------------------------------------
// The catalog's per-million prices, read here; the arithmetic is the test's own.

function perMillion(modelId: string, providerId: string): Record<'input' | 'output' | 'cacheRead' | 'cacheWrite', number | undefined> {
  const found = calcPrice({ input_tokens: 0, output_tokens: 0 }, modelId, { providerId });
  if (found === null) throw new Error(`the catalog has no ${providerId} ${modelId}`);
  const prices = found.model_price;
  const plain = (key: string): number | undefined => {
    const value = prices[key];
    if (value !== undefined && typeof value !== 'number') throw new Error(`${modelId}: ${key} is tiered`);
    return value;
  };
  return { input: plain('input_mtok'), output: plain('output_mtok'), cacheRead: plain('cache_read_mtok'), cacheWrite: plain('cache_write_mtok') };
}

/** USD from per-million prices: cache reads and writes at their own prices, the rest of input at the input price. */
function expectedUsd(p: ReturnType<typeof perMillion>, usage: Usage): number {
  const reads = usage.cached_tokens;
  const writes = usage.cache_creation_tokens;
  const plainInput = usage.input_tokens - (p.cacheRead === undefined ? 0 : reads) - (p.cacheWrite === undefined ? 0 : writes);
  return (
    (plainInput * (p.input ?? 0) + reads * (p.cacheRead ?? 0) + writes * (p.cacheWrite ?? 0) + usage.output_tokens * (p.output ?? 0)) / 1e6
  );
}

let stack: Stack;
let rewriter: Rewriter;
let sdk: Anthropic;
let clock = 1_000_000;

beforeAll(async () => {
  rewriter = await startRewriter();
  stack = await startStack({
    env: { ANTHROPIC_SECRET, REWRITER_URL: rewriter.url },
    cache: new ResponseCache(() => clock),
    yaml: configYaml({
      provider_keys: [
        providerKey('mock'),
        providerKey('rewriter', '${REWRITER_URL}/v1'),
        { display_name: 'claude', provider: 'anthropic', api_key: '${ANTHROPIC_SECRET}', api_base: '${REWRITER_URL}' },
        // an OpenAI-compatible vendor the catalog knows, and a local server it does not
        { display_name: 'deepseek', provider: 'deepseek', adapter: 'openai', api_key: '${UPSTREAM_KEY}', api_base: '${MOCK_URL}/v1' },
        { display_name: 'local', provider: 'ollama', adapter: 'openai', api_key: '${UPSTREAM_KEY}', api_base: '${MOCK_URL}/v1' },
      ],
      models: [
        model('mini', 'gpt-4o-mini'),
        model('mini-priced', 'gpt-4o-mini', { cost: { input_per_1k: 0.5, output_per_1k: 1.5 } }),
        model('mini-cached', 'gpt-4o-mini'),
        model('4o', 'gpt-4o', { provider_key: 'rewriter' }),
        model('mystery', 'no-such-model-anywhere-7'),
        model('silent', 'mock-no-usage'),
        { display_name: 'sonnet', provider: 'anthropic', model_name: 'claude-sonnet-4-20250514', provider_key: 'claude' },
        { display_name: 'ds', provider: 'deepseek', model_name: 'deepseek-chat', provider_key: 'deepseek' },
        { display_name: 'local-mini', provider: 'ollama', model_name: 'gpt-4o-mini', provider_key: 'local' },
      ],
      cache_policies: [{ name: 'cached', applies_to: 'model:mini-cached', ttl_seconds: 60 }],
    }),
  });
  rewriter.target = stack.mock.url;
  sdk = new Anthropic({ baseURL: stack.url, apiKey: CALLER_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await stack?.close();
  await rewriter?.close();
});

describe('catalog prices through the proxy', () => {
  it('prices gpt-4o-mini on /v1/responses from its upstream model id (cost_source catalog)', async () => {
    const { data: res, response } = await stack.client().responses.create({ model: 'mini', input: 'price this request please' }).withResponse();
    const usage = res.usage;
    if (usage === undefined || usage === null) throw new Error('no usage');
    const event = await finishedFor(stack, aisixId(response));
    expect(event).toMatchObject({ alias: 'mini', provider: 'openai', upstream_model: 'gpt-4o-mini', cost_source: 'catalog' });
    const expected = expectedUsd(perMillion('gpt-4o-mini', 'openai'), event.usage as Usage);
    expect(expected).toBeGreaterThan(0);
    expect(event.cost_usd).toBeCloseTo(expected, 12);
    expect(event.usage?.input_tokens).toBe(usage.input_tokens);
  });

  it('prices gpt-4o with cached and reasoning tokens on a chat stream (reads at the cache price, reasoning as output)', async () => {
    const { data: stream, response } = await stack.client().chat.completions.create({
      model: '4o', messages: [{ role: 'user', content: 'think about the price' }], stream: true, stream_options: { include_usage: true },
    }).withResponse();
    let chunks = 0;
    for await (const _chunk of stream) chunks++;
    expect(chunks).toBeGreaterThan(1);
    const event = await finishedFor(stack, aisixId(response));
    expect(event).toMatchObject({ upstream_model: 'gpt-4o', stream: true, cost_source: 'catalog' });
    const usage = event.usage as Usage;
    expect(usage.cached_tokens).toBe(64);
    expect(usage.reasoning_tokens).toBe(32);
    const prices = perMillion('gpt-4o', 'openai');
    expect(prices.cacheRead).toBeLessThan(prices.input ?? 0);
    expect(event.cost_usd).toBeCloseTo(expectedUsd(prices, usage), 12);
  });

  it('prices claude-sonnet-4-20250514 on /v1/messages with cache reads and writes at their own prices', async () => {
    const { data, response } = await sdk.messages.create({ model: 'sonnet', max_tokens: 64, messages: [{ role: 'user', content: 'cache this prompt' }] }).withResponse();
    expect(data.usage.cache_read_input_tokens).toBe(64);
    expect(data.usage.cache_creation_input_tokens).toBe(16);
    const event = await finishedFor(stack, aisixId(response));
    expect(event).toMatchObject({ provider: 'anthropic', upstream_model: 'claude-sonnet-4-20250514', cost_source: 'catalog' });
    const usage = event.usage as Usage;
    // OpenAI semantics: input counts the cache reads and writes
    expect(usage).toMatchObject({ input_tokens: data.usage.input_tokens + 64 + 16, cached_tokens: 64, cache_creation_tokens: 16 });
    const prices = perMillion('claude-sonnet-4-20250514', 'anthropic');
    expect(prices.cacheWrite).toBeGreaterThan(prices.input ?? 0);
    const expected = expectedUsd(prices, usage);
    expect(event.cost_usd).toBeCloseTo(expected, 12);
    // not what pricing every input token at the input price would give
    expect(Math.abs((event.cost_usd ?? 0) - (usage.input_tokens * (prices.input ?? 0) + usage.output_tokens * (prices.output ?? 0)) / 1e6)).toBeGreaterThan(1e-7);
  });

  it('lets a model\'s `cost` win over the catalog (cost_source config)', async () => {
    const res = await postResponses(stack.url, { model: 'mini-priced', input: 'a priced request' });
    const event = await finishedFor(stack, requestIdOf(res));
    const usage = event.usage as Usage;
    expect(event).toMatchObject({ upstream_model: 'gpt-4o-mini', cost_source: 'config' });
    expect(event.cost_usd).toBeCloseTo((usage.input_tokens * 0.5 + usage.output_tokens * 1.5) / 1000, 12);
  });

  it('has no price for an upstream model id the catalog does not know', async () => {
    const res = await postResponses(stack.url, { model: 'mystery', input: 'who am i' });
    expect(res.status).toBe(200);
    const event = await finishedFor(stack, requestIdOf(res));
    expect(event.usage).not.toBeNull();
    expect(event).toMatchObject({ upstream_model: 'no-such-model-anywhere-7', cost_usd: null, cost_source: null });
  });

  it('has no price without usage', async () => {
    const res = await postResponses(stack.url, { model: 'silent', input: 'no usage here' });
    expect(await finishedFor(stack, requestIdOf(res))).toMatchObject({ usage: null, cost_usd: null, cost_source: null });
  });

  it('prices an OpenAI-compatible vendor the catalog knows by its provider name, never a model id alone', async () => {
    const ds = await chatRaw('ds', 'a deepseek request');
    const event = await finishedFor(stack, requestIdOf(ds));
    expect(event).toMatchObject({ provider: 'deepseek', upstream_model: 'deepseek-chat', cost_source: 'catalog' });
    expect(event.cost_usd).toBeCloseTo(expectedUsd(perMillion('deepseek-chat', 'deepseek'), event.usage as Usage), 12);
    // `ollama` is no catalog provider: a well-known model id served locally is not priced
    const local = await chatRaw('local-mini', 'a local request');
    expect(await finishedFor(stack, requestIdOf(local))).toMatchObject({ provider: 'ollama', upstream_model: 'gpt-4o-mini', cost_usd: null, cost_source: null });
  });

  it('charges a cache hit nothing (cost 0, no source), its miss at the catalog price', async () => {
    const first = await chatRaw('mini-cached', 'cache me for the catalog');
    const second = await chatRaw('mini-cached', 'cache me for the catalog');
    expect(second.headers['x-aisix-cache']).toBe('hit');
    expect(await finishedFor(stack, requestIdOf(first))).toMatchObject({ cache: 'miss', cost_source: 'catalog' });
    expect(await finishedFor(stack, requestIdOf(second))).toMatchObject({ cache: 'hit', cost_usd: 0, cost_source: null });
  });
});

describe('the compiled rates match the catalog', () => {
  const usages: Usage[] = [
    usage(1_000, 500),
    usage(120_000, 4_000, { cached_tokens: 100_000, reasoning_tokens: 1_000 }),
    usage(300_000, 20_000, { cached_tokens: 50_000, cache_creation_tokens: 30_000, reasoning_tokens: 5_000 }),
    usage(7, 0, { cache_creation_tokens: 7 }),
  ];

  it('for every OpenAI and Anthropic model (and a few other vendors) and several usages', async () => {
    const providers = (await waitForUpdate()) ?? [];
    let checked = 0;
    for (const providerId of ['openai', 'anthropic', 'deepseek', 'mistral', 'google']) {
      const provider = providers.find((p) => p.id === providerId);
      expect(provider, providerId).toBeDefined();
      for (const { id } of provider?.models ?? []) {
        for (const u of usages) {
          const catalog = safeTotal(() => calcPrice(catalogUsage(u), id, { providerId })?.total_price ?? null);
          const ours = catalogUsd(providerId, id, u);
          if (catalog === null) expect(ours, `${providerId} ${id}`).toBeNull();
          else expect(ours, `${providerId} ${id} ${JSON.stringify(u)}`).toBeCloseTo(catalog, 12);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(400);
  });

  it('refuses usage with more cache reads than input, as the catalog does', () => {
    expect(catalogUsd('openai', 'gpt-4o-mini', usage(10, 5, { cached_tokens: 11 }))).toBeNull();
    expect(() => calcPrice({ input_tokens: 10, output_tokens: 5, cache_read_tokens: 11 }, 'gpt-4o-mini', { providerId: 'openai' })).toThrow();
  });

  it('has no price for an unknown provider or model, and none by model id alone', () => {
    expect(catalogUsd('openai', 'no-such-model-anywhere-7', usage(10, 5))).toBeNull();
    expect(catalogUsd('my-local-llm', 'gpt-4o-mini', usage(10, 5))).toBeNull();
    // names that merely contain a catalog provider's (the catalog's fuzzy findProvider matches them to openai)
    expect(catalogUsd('openai-compatible', 'gpt-4o-mini', usage(10, 5))).toBeNull();
    expect(catalogUsd('my-local-openai', 'gpt-4o-mini', usage(10, 5))).toBeNull();
    expect(catalogUsd('openai', 'gpt-4o-mini', usage(10, 5))).not.toBeNull();
    // an explicit alias: AISIX's gemini is the catalog's google
    expect(catalogUsd('gemini', 'gemini-2.5-flash', usage(10, 5))).toBeCloseTo(catalogUsd('google', 'gemini-2.5-flash', usage(10, 5)) ?? Number.NaN, 15);
    expect(catalogUsd(null, 'gpt-4o-mini', usage(10, 5))).toBeNull();
  });

  it('prices a tiered model by its tier (total input tokens past the threshold)', () => {
    const tiered = ((): { id: string; prices: ModelPrice } | null => {
      const found = calcPrice({ input_tokens: 0, output_tokens: 0 }, 'claude-sonnet-4-5', { providerId: 'anthropic' });
      return found === null ? null : { id: 'claude-sonnet-4-5', prices: found.model_price };
    })();
    expect(tiered).not.toBeNull();
    const input = tiered?.prices.input_mtok;
    expect(typeof input).toBe('object'); // a base price and tiers
    const small = catalogUsd('anthropic', 'claude-sonnet-4-5', usage(1_000, 0)) ?? 0;
    const large = catalogUsd('anthropic', 'claude-sonnet-4-5', usage(1_000_000, 0)) ?? 0;
    expect(large / 1_000).toBeGreaterThan(small); // per token, the long-context tier costs more
  });
});

describe('loading the catalog', () => {
  it('happens only for a config with a model without `cost`', async () => {
    vi.resetModules();
    const fresh = await import('../../src/gateway/pricing/catalog.js');
    const priced = loadStackConfig(configYaml({ models: [model('gpt', 'mock-echo', { cost: { input_per_1k: 1, output_per_1k: 1 } })] }), { MOCK_URL: 'http://127.0.0.1:9' }).config;
    fresh.prepareCatalog(priced);
    expect(fresh.catalogLoaded()).toBe(false);
    expect(fresh.catalogUsd('openai', 'gpt-4o-mini', usage(10, 5))).toBeNull();
    const unpriced = loadStackConfig(configYaml({ models: [model('mini', 'gpt-4o-mini')] }), { MOCK_URL: 'http://127.0.0.1:9' }).config;
    fresh.prepareCatalog(unpriced);
    expect(fresh.catalogLoaded()).toBe(true);
    expect(fresh.catalogUsd('openai', 'gpt-4o-mini', usage(10, 5))).toBeGreaterThan(0);
  });
});

function usage(input: number, output: number, extra: Partial<Usage> = {}): Usage {
  return { input_tokens: input, output_tokens: output, total_tokens: input + output, cached_tokens: 0, reasoning_tokens: 0, cache_creation_tokens: 0, ...extra };
}

function catalogUsage(u: Usage): Record<string, number> {
  return { input_tokens: u.input_tokens, output_tokens: u.output_tokens, cache_read_tokens: u.cached_tokens, cache_write_tokens: u.cache_creation_tokens, output_reasoning_tokens: u.reasoning_tokens };
}

function safeTotal(fn: () => number | null): number | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

function chatRaw(alias: string, text: string) {
  return rawRequest(stack.url, {
    path: '/v1/chat/completions',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ model: alias, messages: [{ role: 'user', content: text }] }),
  });
}

/** The proxy's request id on an SDK response. */
function aisixId(response: Response): string {
  const id = response.headers.get('x-aisix-request-id');
  if (id === null) throw new Error('no x-aisix-request-id');
  return id;
}
