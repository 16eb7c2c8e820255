// Rate limits (DESIGN.md §3, §4, §10) through the real loader, gateway and mock, driven by the
// official SDK (maxRetries: 0) and raw HTTP: every 429 variant and its headers, windows rolling
// over with an injected clock (never by sleeping), token accounting for streams, concurrency held
// by a slow model, the x-ratelimit-* headers on chat, blocks that use no quota, counters across a
// reload. Waits count events or mock requests; none is a fixed sleep.
import { APIError, RateLimitError } from 'openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEventBus } from '../../src/events/bus.js';
import type { RequestFinished } from '../../src/events/types.js';
import { createGateway, type Gateway } from '../../src/gateway/index.js';
import { RateLimits } from '../../src/gateway/runtime/rate-limits.js';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { finishedFor, requestIdOf } from '../helpers/finished.js';
import { jsonOf, postResponses, rawRequest, type RawResponse } from '../helpers/http.js';
import { apiKey, configYaml, DEFAULT_MODELS, keywordGuardrail, loadStackConfig, model, startStack, type Entry, type Stack } from '../helpers/stack.js';

const KEYS = { RPM_KEY: 'sk-rpm', RPS_KEY: 'sk-rps', TEAM_A_KEY: 'sk-team-a', TEAM_B_KEY: 'sk-team-b', TOKENS_KEY: 'sk-tokens', GUARDED_KEY: 'sk-guarded', ALL_KEY: 'sk-all', RELOAD_KEY: 'sk-reload', PLAIN_KEY: 'sk-plain' } as const;

const RATELIMIT_HEADERS = [
  'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests',
  'x-ratelimit-limit-tokens', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-tokens',
  'x-ratelimit-limit-concurrent', 'x-ratelimit-remaining-concurrent',
];

/** The x-ratelimit-* headers of a raw response. */
function limitHeaders(res: RawResponse): Record<string, string> {
  return Object.fromEntries(RATELIMIT_HEADERS.filter((h) => res.headers[h] !== undefined).map((h) => [h, String(res.headers[h])]));
}

/** The same from the SDK's Headers. */
function sdkLimitHeaders(headers: Headers): Record<string, string> {
  return Object.fromEntries(RATELIMIT_HEADERS.flatMap((h) => (headers.get(h) === null ? [] : [[h, headers.get(h) as string]])));
}

function chat(url: string, key: string, body: Record<string, unknown> = {}): Promise<RawResponse> {
  return rawRequest(url, {
    path: '/v1/chat/completions',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: 'one two three' }], ...body }),
  });
}

async function sdkError(promise: Promise<unknown>): Promise<APIError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  if (!(err instanceof APIError)) throw new Error(`expected an APIError, got ${String(err)}`);
  return err;
}

/** Polls a count the test can see (mock requests, in-flight holds) until `check` holds. */
async function eventually(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

// ---------------------------------------------------------------------------------------------
// A stack whose gateway counts with an injected clock: the same loader, mock and gateway as
// startStack, plus the RateLimits instance (startStack builds its own, on the real clock).

interface ClockedStack {
  mock: MockServer;
  gateway: Gateway;
  url: string;
  events: RequestFinished[];
  client(key: string): OpenAI;
  close(): Promise<void>;
}

async function startClocked(yaml: string, rateLimits: RateLimits): Promise<ClockedStack> {
  const mock = await startMock();
  const { config } = loadStackConfig(yaml, { MOCK_URL: mock.url, ...KEYS });
  const bus = createEventBus();
  const events: RequestFinished[] = [];
  bus.on('request.finished', (e) => events.push(e));
  const gateway = createGateway({ config, bus, rateLimits });
  const url = await gateway.listen(config.proxy.host, config.proxy.port);
  return {
    mock, gateway, url, events,
    client: (key) => new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0, timeout: 15_000 }),
    close: async () => {
      await gateway.close(500);
      await mock.close();
    },
  };
}

const API_KEYS = (reloadRpm: number | null): Entry[] => [
  apiKey('rpm', 'RPM_KEY', { rate_limit: { rpm: 2 } }),
  apiKey('rps', 'RPS_KEY', { rate_limit: { rps: 1, rph: 3 } }),
  apiKey('team-a', 'TEAM_A_KEY'),
  apiKey('team-b', 'TEAM_B_KEY'),
  apiKey('tokens', 'TOKENS_KEY', { rate_limit: { tpm: 10 } }),
  apiKey('guarded', 'GUARDED_KEY', { rate_limit: { rpm: 1 } }),
  apiKey('all', 'ALL_KEY', { rate_limit: { rpm: 5, tpm: 100, concurrency: 2 } }),
  apiKey('reload', 'RELOAD_KEY', reloadRpm === null ? {} : { rate_limit: { rpm: reloadRpm } }),
  apiKey('plain', 'PLAIN_KEY'),
];

const clockedYaml = (reloadRpm: number | null = 2): string =>
  configYaml({
    models: [...DEFAULT_MODELS, model('team/*', '*', { rate_limit: { rpm: 2 } }), model('daily', 'mock-echo', { rate_limit: { rpd: 1 } })],
    api_keys: API_KEYS(reloadRpm),
    guardrails: [keywordGuardrail('no-secrets', ['forbidden'], { hook_point: 'input' })],
  });

describe('rate limits with an injected clock', () => {
  let day = 0;
  let now = 0;
  const limits = new RateLimits(() => now);
  let stack: ClockedStack;

  beforeAll(async () => {
    stack = await startClocked(clockedYaml(), limits);
  });
  afterAll(() => stack.close());
  // every test starts 10 s into a minute of a day of its own, so no window carries over
  beforeEach(() => {
    day++;
    now = Date.UTC(2030, 0, day, 12, 0, 10);
  });

  const eventOf = (res: RawResponse): Promise<RequestFinished> => finishedFor(stack, requestIdOf(res));

  it("a key's rpm: remaining counts down, the next request is 429 with Retry-After to the minute's end, the upstream never sees it", async () => {
    const client = stack.client(KEYS.RPM_KEY);
    const first = await client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(sdkLimitHeaders(first.response.headers)).toEqual({ 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-reset-requests': '50' });
    const second = await client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(second.response.headers.get('x-ratelimit-remaining-requests')).toBe('0');

    const seen = stack.mock.requests().length;
    const err = await sdkError(client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] }));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.status).toBe(429);
    expect(err.error).toEqual({ message: 'request limit exceeded (requests)', type: 'rate_limit_exceeded' });
    expect(err.headers?.get('retry-after')).toBe('50');
    expect(stack.mock.requests().length).toBe(seen);
    const event = await finishedFor(stack, err.headers?.get('x-aisix-request-id') ?? '');
    expect(event).toMatchObject({ status: 429, outcome: 'rate_limited', error_type: 'rate_limit_exceeded', error_code: null, error_message: 'request limit exceeded (requests)', attempts: [] });

    // the minute rolls over at its epoch multiple: a fresh window
    now += 50_000;
    const next = await chat(stack.url, KEYS.RPM_KEY);
    expect(next.status).toBe(200);
    expect(limitHeaders(next)).toEqual({ 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-reset-requests': '60' });
  });

  it('rps and rph windows roll over at epoch multiples; Retry-After is the exceeded window’s', async () => {
    now += 250; // 10.25 s into the hour's first minute
    expect((await postResponses(stack.url, { model: 'gpt', input: 'a' }, { authorization: `Bearer ${KEYS.RPS_KEY}` })).status).toBe(200);
    const sameSecond = await postResponses(stack.url, { model: 'gpt', input: 'b' }, { authorization: `Bearer ${KEYS.RPS_KEY}` });
    expect(sameSecond.status).toBe(429);
    expect(sameSecond.headers['retry-after']).toBe('1');
    expect(jsonOf(sameSecond)).toEqual({ error: { message: 'request limit exceeded (requests)', type: 'rate_limit_exceeded' } });
    now += 750; // 11.000: the next second
    expect((await postResponses(stack.url, { model: 'gpt', input: 'c' }, { authorization: `Bearer ${KEYS.RPS_KEY}` })).status).toBe(200);
    now += 1_000;
    expect((await postResponses(stack.url, { model: 'gpt', input: 'd' }, { authorization: `Bearer ${KEYS.RPS_KEY}` })).status).toBe(200);
    now += 1_000; // 13 s into the hour: rps is free again, rph (3) is spent
    const overHour = await postResponses(stack.url, { model: 'gpt', input: 'e' }, { authorization: `Bearer ${KEYS.RPS_KEY}` });
    expect(overHour.status).toBe(429);
    expect(overHour.headers['retry-after']).toBe(String(3_600 - 13));
    // the Responses route carries no x-ratelimit-* headers (chat only)
    expect(limitHeaders(overHour)).toEqual({});
    now = Date.UTC(2030, 0, day, 13, 0, 0);
    expect((await postResponses(stack.url, { model: 'gpt', input: 'f' }, { authorization: `Bearer ${KEYS.RPS_KEY}` })).status).toBe(200);
  });

  it("a model's bucket is its display_name: a wildcard model is one bucket across names and callers", async () => {
    expect((await chat(stack.url, KEYS.TEAM_A_KEY, { model: 'team/a' })).status).toBe(200);
    expect((await postResponses(stack.url, { model: 'team/b', input: 'x' }, { authorization: `Bearer ${KEYS.TEAM_B_KEY}` })).status).toBe(200);
    const third = await chat(stack.url, KEYS.TEAM_B_KEY, { model: 'team/c' });
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toBe('50');
    expect((await eventOf(third)).alias).toBe('team/c');
    // the keys themselves have no limits: no headers, and other models are not affected
    const other = await chat(stack.url, KEYS.TEAM_A_KEY);
    expect(other.status).toBe(200);
    expect(limitHeaders(other)).toEqual({});
  });

  it("a model's rpd: the window ends at the UTC day's end", async () => {
    expect((await chat(stack.url, KEYS.PLAIN_KEY, { model: 'daily' })).status).toBe(200);
    const again = await chat(stack.url, KEYS.PLAIN_KEY, { model: 'daily' });
    expect(again.status).toBe(429);
    expect(again.headers['retry-after']).toBe(String(86_400 - (12 * 3600 + 10)));
    now = Date.UTC(2030, 0, day + 1, 0, 0, 0);
    expect((await chat(stack.url, KEYS.PLAIN_KEY, { model: 'daily' })).status).toBe(200);
  });

  it("tokens: a stream's terminal usage is charged when it ends (chat and Responses); then 429 until the minute rolls", async () => {
    const client = stack.client(KEYS.TOKENS_KEY);
    const { data: stream, response } = await client.chat.completions.create({ model: 'gpt', stream: true, messages: [{ role: 'user', content: 'one two three' }] }).withResponse();
    expect(sdkLimitHeaders(response.headers)).toEqual({ 'x-ratelimit-limit-tokens': '10', 'x-ratelimit-remaining-tokens': '10', 'x-ratelimit-reset-tokens': '50' });
    for await (const chunk of stream) void chunk;
    const firstEvent = await finishedFor(stack, response.headers.get('x-aisix-request-id') ?? '');
    const firstTokens = firstEvent.usage?.total_tokens ?? 0;
    expect(firstTokens).toBe(6); // 3 words in, 3 words echoed

    // a Responses stream of the same key: admitted (6 < 10), charged at its terminal usage
    const responses = await client.responses.create({ model: 'gpt', input: 'four five six', stream: true }).withResponse();
    for await (const event of responses.data) void event;
    const secondEvent = await finishedFor(stack, responses.response.headers.get('x-aisix-request-id') ?? '');
    expect(secondEvent.usage?.total_tokens).toBe(6);

    const seen = stack.mock.requests().length;
    const over = await chat(stack.url, KEYS.TOKENS_KEY);
    expect(over.status).toBe(429);
    expect(jsonOf(over)).toEqual({ error: { message: 'token limit exceeded (tokens)', type: 'rate_limit_exceeded' } });
    expect(over.headers['retry-after']).toBe('50');
    expect(stack.mock.requests().length).toBe(seen);
    const err = await sdkError(client.chat.completions.create({ model: 'gpt', stream: true, messages: [{ role: 'user', content: 'again' }] }));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.error).toMatchObject({ message: 'token limit exceeded (tokens)' });

    now += 50_000;
    const fresh = await chat(stack.url, KEYS.TOKENS_KEY);
    expect(fresh.status).toBe(200);
    expect(limitHeaders(fresh)['x-ratelimit-remaining-tokens']).toBe('10');
    await eventOf(fresh);
    const after = await chat(stack.url, KEYS.TOKENS_KEY);
    expect(limitHeaders(after)['x-ratelimit-remaining-tokens']).toBe('4');
  });

  it('input-guardrail blocks use no quota, and a block still answers 422 once the quota is spent', async () => {
    for (let i = 0; i < 3; i++) {
      const blocked = await chat(stack.url, KEYS.GUARDED_KEY, { messages: [{ role: 'user', content: 'a forbidden word' }] });
      expect(blocked.status).toBe(422);
      expect(limitHeaders(blocked)).toEqual({});
    }
    const ok = await chat(stack.url, KEYS.GUARDED_KEY);
    expect(ok.status).toBe(200);
    expect(limitHeaders(ok)['x-ratelimit-remaining-requests']).toBe('0');
    expect((await chat(stack.url, KEYS.GUARDED_KEY)).status).toBe(429);
    const blockedAfter = await chat(stack.url, KEYS.GUARDED_KEY, { messages: [{ role: 'user', content: 'forbidden again' }] });
    expect(blockedAfter.status).toBe(422); // the guardrail runs first (check order)
  });

  it('chat successes carry the headers of every dimension the key limits; other keys and routes carry none', async () => {
    const all = await chat(stack.url, KEYS.ALL_KEY);
    expect(all.status).toBe(200);
    expect(limitHeaders(all)).toEqual({
      'x-ratelimit-limit-requests': '5', 'x-ratelimit-remaining-requests': '4', 'x-ratelimit-reset-requests': '50',
      'x-ratelimit-limit-tokens': '100', 'x-ratelimit-remaining-tokens': '100', 'x-ratelimit-reset-tokens': '50',
      'x-ratelimit-limit-concurrent': '2', 'x-ratelimit-remaining-concurrent': '1',
    });
    await eventOf(all);
    const stream = await chat(stack.url, KEYS.ALL_KEY, { stream: true });
    expect(stream.headers['content-type']).toContain('text/event-stream');
    expect(limitHeaders(stream)).toMatchObject({ 'x-ratelimit-remaining-requests': '3', 'x-ratelimit-remaining-tokens': '94', 'x-ratelimit-remaining-concurrent': '1' });
    const responses = await postResponses(stack.url, { model: 'gpt', input: 'x' }, { authorization: `Bearer ${KEYS.ALL_KEY}` });
    expect(responses.status).toBe(200);
    expect(limitHeaders(responses)).toEqual({});
    // the mock sends its own x-ratelimit-* headers; they are not relayed for an unlimited key
    expect(limitHeaders(await chat(stack.url, KEYS.PLAIN_KEY))).toEqual({});
  });

  it('counters survive a reload; the limits are the new config’s', async () => {
    const reloadTo = (rpm: number | null): void => {
      const result = stack.gateway.update(loadStackConfig(clockedYaml(rpm), { MOCK_URL: stack.mock.url, ...KEYS }).config);
      expect(result).toEqual({ ok: true });
    };
    expect((await chat(stack.url, KEYS.RELOAD_KEY)).status).toBe(200);
    expect((await chat(stack.url, KEYS.RELOAD_KEY)).status).toBe(200);
    expect((await chat(stack.url, KEYS.RELOAD_KEY)).status).toBe(429);
    reloadTo(2); // the same file again: still spent
    expect((await chat(stack.url, KEYS.RELOAD_KEY)).status).toBe(429);
    reloadTo(3); // a higher limit: one more in this window
    const third = await chat(stack.url, KEYS.RELOAD_KEY);
    expect(third.status).toBe(200);
    expect(limitHeaders(third)).toMatchObject({ 'x-ratelimit-limit-requests': '3', 'x-ratelimit-remaining-requests': '0' });
    expect((await chat(stack.url, KEYS.RELOAD_KEY)).status).toBe(429);
    reloadTo(null); // no limit: no 429, no headers
    const free = await chat(stack.url, KEYS.RELOAD_KEY);
    expect(free.status).toBe(200);
    expect(limitHeaders(free)).toEqual({});
    reloadTo(2);
  });
});

describe('concurrency (startStack, the real clock)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      yaml: configYaml({ api_keys: [apiKey('dev', 'CALLER_KEY'), apiKey('one-at-a-time', 'CONC_KEY', { rate_limit: { concurrency: 1 } })] }),
      env: { CONC_KEY: 'sk-conc' },
    });
  });
  afterAll(() => stack.close());

  /** Starts a chat request on the slow model; resolves once the upstream has it (the hold is taken). */
  async function holdOpen(signal?: AbortSignal) {
    const seen = stack.mock.requests().length;
    const pending = stack.client('sk-conc').chat.completions.create({ model: 'slow', messages: [{ role: 'user', content: 'hold on' }] }, { signal }).withResponse();
    pending.catch(() => undefined);
    await eventually(() => stack.mock.requests().length > seen, 'the slow request reached the mock');
    return { pending }; // wrapped: an async function returning the promise itself would wait for it
  }

  it('holds a slot for the request’s life: a second one is 429 without Retry-After; the slot frees when the first ends', async () => {
    const first = (await holdOpen()).pending;
    const refused = await chat(stack.url, 'sk-conc');
    expect(refused.status).toBe(429);
    expect(jsonOf(refused)).toEqual({ error: { message: 'concurrency limit exceeded', type: 'rate_limit_exceeded' } });
    expect(refused.headers['retry-after']).toBeUndefined();
    expect(await finishedFor(stack, requestIdOf(refused))).toMatchObject({ status: 429, outcome: 'rate_limited' });

    const { response } = await first;
    expect(sdkLimitHeaders(response.headers)).toEqual({ 'x-ratelimit-limit-concurrent': '1', 'x-ratelimit-remaining-concurrent': '0' });
    await finishedFor(stack, response.headers.get('x-aisix-request-id') ?? '');
    const next = await chat(stack.url, 'sk-conc');
    expect(next.status).toBe(200);
    expect(limitHeaders(next)).toEqual({ 'x-ratelimit-limit-concurrent': '1', 'x-ratelimit-remaining-concurrent': '0' });
  });

  it('a client that gives up releases its slot', async () => {
    const abort = new AbortController();
    const before = stack.events.length;
    await holdOpen(abort.signal);
    abort.abort();
    await stack.until(() => stack.events.slice(before).some((e) => e.outcome === 'aborted'), 'the abandoned request finished');
    const next = await chat(stack.url, 'sk-conc');
    expect(next.status).toBe(200);
  });

  it('callers without a limit are never held back', async () => {
    const [a, b] = await Promise.all([chat(stack.url, 'sk-caller-dev', { model: 'slow' }), chat(stack.url, 'sk-caller-dev', { model: 'slow' })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(limitHeaders(a)).toEqual({});
  });
});

describe('RateLimits on its own', () => {
  const key = (limit: Partial<Record<'rps' | 'rpm' | 'rph' | 'rpd' | 'tpm' | 'tpd' | 'concurrency', number>>) => ({
    scope: 'key' as const, name: 'k', limit: { rps: null, rpm: null, rph: null, rpd: null, tpm: null, tpd: null, concurrency: null, ...limit },
  });

  it('windows are epoch-aligned: 1 ms before a minute ends, Retry-After is 1', () => {
    let now = Date.UTC(2030, 0, 1, 0, 0, 59, 999);
    const limits = new RateLimits(() => now);
    expect(limits.admit([key({ rpm: 1 })]).ok).toBe(true);
    expect(limits.admit([key({ rpm: 1 })])).toEqual({ ok: false, kind: 'requests', retryAfterS: 1 });
    now += 1;
    expect(limits.admit([key({ rpm: 1 })]).ok).toBe(true);
  });

  it('a denied request consumes nothing; Retry-After waits for every exceeded window', () => {
    const now = Date.UTC(2030, 0, 1, 0, 0, 30);
    const limits = new RateLimits(() => now);
    const bucket = key({ rps: 1, rpm: 1 });
    expect(limits.admit([bucket]).ok).toBe(true);
    expect(limits.admit([bucket])).toEqual({ ok: false, kind: 'requests', retryAfterS: 30 });
    // a model bucket refusing does not count the request against the key
    const model = { scope: 'model' as const, name: 'm', limit: key({ rpm: 1 }).limit };
    const other = key({ rpm: 2 });
    const second = { ...other, name: 'k2' };
    expect(limits.admit([second, model]).ok).toBe(true);
    expect(limits.admit([second, model]).ok).toBe(false);
    expect(limits.headers(second)['x-ratelimit-remaining-requests']).toBe('1');
  });

  it('tokens are charged once; a release is idempotent', () => {
    const limits = new RateLimits(() => Date.UTC(2030, 0, 1));
    const bucket = key({ tpm: 10, concurrency: 1 });
    const admitted = limits.admit([bucket]);
    if (!admitted.ok) throw new Error('refused');
    expect(limits.admit([bucket])).toEqual({ ok: false, kind: 'concurrency', retryAfterS: null });
    admitted.ticket.charge(10);
    admitted.ticket.charge(10);
    admitted.ticket.release();
    admitted.ticket.release();
    expect(limits.inFlightOf('key', 'k')).toBe(0);
    expect(limits.headers(bucket)).toMatchObject({ 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-remaining-concurrent': '1' });
    expect(limits.admit([bucket])).toEqual({ ok: false, kind: 'tokens', retryAfterS: 60 });
  });
});
