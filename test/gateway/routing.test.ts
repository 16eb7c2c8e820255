// Retries, routing models and cooldown (DESIGN.md §10) through the real proxy and mock, configs
// from YAML. Attempts are counted at the mock and on the request event, never timed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishedFor, requestIdOf } from '../helpers/finished.js';
import { jsonOf, postResponses, rawRequest } from '../helpers/http.js';
import { CALLER_KEY, configYaml, loadStackConfig, model, providerKey, startStack, type Entry, type Stack } from '../helpers/stack.js';

const routing = (name: string, targets: Entry[], extra: Entry = {}): Entry => ({ display_name: name, routing: { targets, ...extra } });

const MODELS: Entry[] = [
  model('good', 'mock-echo', { cost: { input_per_1k: 1, output_per_1k: 2 } }),
  model('good-2', 'mock-echo'),
  model('bad', 'mock-error-500'),
  model('bad-once', 'mock-error-500', { retries: 1 }),
  model('bad-400', 'mock-error-400'),
  model('busy', 'mock-error-429'),
  model('hang', 'mock-hang', { timeout: 150 }),
  model('hang-retried', 'mock-hang', { timeout: 150, retries: 1 }),
  model('burst', 'mock-burst-500', { retries: 3 }),
  model('cooling', 'mock-error-500', { cooldown: { default_seconds: 60 } }),
  model('cooling-2', 'mock-error-500', { cooldown: { default_seconds: 60 } }),
  routing('fo', [{ model: 'bad' }, { model: 'good' }]),
  routing('fo-priority', [{ model: 'good-2' }, { model: 'good', priority: 5 }]),
  routing('fo-none', [{ model: 'bad' }, { model: 'good' }], { max_fallbacks: 0 }),
  routing('fo-429', [{ model: 'busy' }, { model: 'good' }]),
  routing('fo-429-on', [{ model: 'busy' }, { model: 'good' }], { retry_on_429: true }),
  routing('fo-400', [{ model: 'bad-400' }, { model: 'good' }], { fallback_on_statuses: [400] }),
  routing('fo-400-off', [{ model: 'bad-400' }, { model: 'good' }]),
  routing('fo-timeout', [{ model: 'hang' }, { model: 'good' }]),
  routing('rr', [{ model: 'good', weight: 3 }, { model: 'good-2', weight: 1 }], { strategy: 'round_robin' }),
  routing('fo-cool', [{ model: 'cooling' }, { model: 'good' }]),
  routing('fo-plain', [{ model: 'bad' }, { model: 'good' }]),
  routing('all-cool', [{ model: 'cooling' }, { model: 'cooling-2' }]),
  routing('all-cool-anyway', [{ model: 'cooling' }, { model: 'cooling-2' }], { when_all_unavailable: 'try_anyway' }),
];

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ yaml: configYaml({ proxy: { upstream_retries: 2 }, models: MODELS }) });
});
afterAll(() => stack.close());

/** Sends one Responses request; returns the answer, its event and how many calls reached the mock. */
async function send(modelName: string, extra: Record<string, unknown> = {}) {
  const before = stack.mock.requests().length;
  const res = await postResponses(stack.url, { model: modelName, input: 'route me', ...extra });
  const event = await finishedFor(stack, requestIdOf(res));
  return { res, event, calls: stack.mock.requests().length - before };
}

describe('retries on a direct model', () => {
  it('retries a 5xx proxy.upstream_retries times (3 attempts), then answers the last 502', async () => {
    const { res, event, calls } = await send('bad');
    expect(res.status).toBe(502);
    expect(calls).toBe(3);
    expect(event.attempts).toEqual([500, 500, 500].map((status) => ({ target: 'bad', status, error_code: 'upstream_500', ms: expect.any(Number) })));
    expect(event.served_by).toBeNull();
  });

  it("a model's own `retries` wins over the proxy default", async () => {
    const { calls, event } = await send('bad-once');
    expect(calls).toBe(2);
    expect(event.attempts).toHaveLength(2);
  });

  it('never retries other 4xx, nor a 429 on a direct model', async () => {
    for (const name of ['bad-400', 'busy']) {
      const { calls, event } = await send(name);
      expect(calls).toBe(1);
      expect(event.attempts).toHaveLength(1);
    }
  });

  it('the default budget never retries a timeout; an explicit one does', async () => {
    const plain = await send('hang');
    expect(plain.res.status).toBe(504);
    expect(plain.calls).toBe(1);
    expect(plain.event.attempts).toEqual([{ target: 'hang', status: null, error_code: null, ms: expect.any(Number) }]);
    const retried = await send('hang-retried');
    expect(retried.res.status).toBe(504);
    expect(retried.calls).toBe(2);
  });

  it('succeeds once the upstream recovers, every attempt recorded', async () => {
    const { res, event } = await send('burst');
    expect(res.status).toBe(200);
    expect(event.attempts.map((a) => a.status)).toEqual([500, 500, 500, 200]);
    expect(event.outcome).toBe('ok');
  });

  it('a stream is retried before anything reached the client', async () => {
    const own = await startStack({ yaml: configYaml({ models: [model('burst', 'mock-burst-500', { retries: 3 })] }) });
    try {
      const res = await postResponses(own.url, { model: 'burst', input: 'stream me', stream: true });
      expect(res.status).toBe(200);
      expect(res.body).toContain('response.completed');
      expect((await finishedFor(own, requestIdOf(res))).attempts).toHaveLength(4);
    } finally {
      await own.close();
    }
  });
});

describe('routing models', () => {
  it('fail over at once to the next target, which served the answer (header and event)', async () => {
    const { res, event, calls } = await send('fo');
    expect(res.status).toBe(200);
    expect(res.headers['x-aisix-served-by']).toBe('good');
    expect(calls).toBe(2); // a target with another one queued and no budget of its own is not retried
    expect(event).toMatchObject({ alias: 'fo', served_by: 'good', upstream_model: 'mock-echo', outcome: 'ok' });
    expect(event.attempts.map((a) => [a.target, a.status])).toEqual([['bad', 500], ['good', 200]]);
    expect(event.cost_usd).not.toBeNull(); // priced as the target that served it
    const sent = stack.mock.requests().at(-1)?.json as { model: string };
    expect(sent.model).toBe('mock-echo');
  });

  it('try higher priority first', async () => {
    const { event } = await send('fo-priority');
    expect(event.served_by).toBe('good');
    expect(event.attempts).toHaveLength(1);
  });

  it('max_fallbacks bounds the targets tried (the one left has no target queued, so it keeps the default budget)', async () => {
    const { res, calls, event } = await send('fo-none');
    expect(res.status).toBe(502);
    expect(calls).toBe(3);
    expect(event.attempts.map((a) => a.target)).toEqual(['bad', 'bad', 'bad']);
  });

  it('a 429 fails over only with retry_on_429; fallback_on_statuses adds statuses', async () => {
    expect((await send('fo-429')).res.status).toBe(429);
    expect((await send('fo-429-on')).event.served_by).toBe('good');
    expect((await send('fo-400')).event.served_by).toBe('good');
    const off = await send('fo-400-off');
    expect(off.res.status).toBe(400);
    expect(off.calls).toBe(1);
  });

  it('a timeout fails over to the next target', async () => {
    const { res, event } = await send('fo-timeout');
    expect(res.status).toBe(200);
    expect(event.attempts.map((a) => a.target)).toEqual(['hang', 'good']);
  });

  it('round_robin follows the weights', async () => {
    const served: string[] = [];
    for (let i = 0; i < 8; i++) served.push((await send('rr')).event.served_by ?? '');
    expect(served.filter((s) => s === 'good')).toHaveLength(6);
    expect(served.filter((s) => s === 'good-2')).toHaveLength(2);
  });

  it('cooldown is opt-in: a target with a cooldown block leaves rotation after failing, one without does not', async () => {
    const first = await send('fo-cool');
    expect(first.event.attempts.map((a) => a.target)).toEqual(['cooling', 'good']);
    const second = await send('fo-cool');
    expect(second.event.attempts.map((a) => a.target)).toEqual(['good']);
    for (let i = 0; i < 2; i++) expect((await send('fo-plain')).event.attempts.map((a) => a.target)).toEqual(['bad', 'good']);
  });

  it('with every target cooling: 503 all_candidates_unavailable with Retry-After, or try_anyway', async () => {
    // `cooling` is already cooling (previous test); make `cooling-2` cool too
    const warm = await send('all-cool');
    expect(warm.res.status).toBe(502);
    const refused = await send('all-cool');
    expect(refused.res.status).toBe(503);
    expect(refused.calls).toBe(0);
    expect(Number(refused.res.headers['retry-after'])).toBeGreaterThan(0);
    expect(jsonOf(refused.res)).toMatchObject({ error: { type: 'all_candidates_unavailable' } });
    expect(refused.event).toMatchObject({ outcome: 'unavailable', attempts: [] });
    const anyway = await send('all-cool-anyway');
    expect(anyway.res.status).toBe(502);
    // tried anyway: the first fails over at once, the last keeps the default budget (1 + 2 retries)
    expect(anyway.event.attempts.map((a) => a.target)).toEqual(['cooling', 'cooling-2', 'cooling-2', 'cooling-2']);
  });

  it('are listed by /v1/models as owned_by aisix', async () => {
    const res = await rawRequest(stack.url, { method: 'GET', path: '/v1/models', headers: { authorization: `Bearer ${CALLER_KEY}` } });
    const ids = (jsonOf(res) as { data: { id: string; owned_by: string }[] }).data;
    expect(ids.find((m) => m.id === 'fo')).toMatchObject({ owned_by: 'aisix' });
  });

  it('on /v1/responses every target must be an OpenAI model: 400 before any upstream call', async () => {
    const own = await startStack({
      yaml: configYaml({
        provider_keys: [providerKey('mock'), providerKey('compat', '${MOCK_URL}/v1', { provider: 'deepseek', adapter: 'openai' })],
        models: [model('good', 'mock-echo'), model('ds', 'mock-echo', { provider: 'deepseek', provider_key: 'compat' }), routing('mixed', [{ model: 'good' }, { model: 'ds' }])],
      }),
    });
    try {
      const res = await postResponses(own.url, { model: 'mixed', input: 'hi' });
      expect(res.status).toBe(400);
      expect(own.mock.requests()).toHaveLength(0);
      const chat = await rawRequest(own.url, {
        path: '/v1/chat/completions', headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mixed', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(chat.status).toBe(200);
    } finally {
      await own.close();
    }
  });
});

describe('configuration', () => {
  it('reads retries, cooldown and routing; other strategies warn and behave as failover', () => {
    const { config, warnings } = loadStackConfig(
      configYaml({ models: [model('a', 'mock-echo', { retries: 4, cooldown: { default_seconds: 5, trigger_statuses: [503] } }), routing('r', [{ model: 'a' }], { strategy: 'least_cost' })] }),
      { MOCK_URL: 'http://127.0.0.1:1' },
    );
    const a = config.models.find((m) => m.name === 'a');
    expect(a).toMatchObject({ retries: 4, cooldown: { defaultSeconds: 5, maxSeconds: 600, triggerStatuses: [503], honorRetryAfter: true } });
    expect(config.models.find((m) => m.name === 'r')?.routing).toMatchObject({ strategy: 'failover', whenAllUnavailable: 'fail', retryOn429: false });
    expect(warnings.map((w) => w.message)).toContainEqual(expect.stringContaining('`least_cost` is not implemented by the local proxy'));
    expect(config.proxy.upstreamRetries).toBe(0);
  });

  it('reports a bad retries value and an unknown cooldown key at their positions', () => {
    expect(() => loadStackConfig(configYaml({ models: [model('a', 'mock-echo', { retries: -1, cooldown: { seconds: 5 } })] }), { MOCK_URL: 'http://127.0.0.1:1' }))
      .toThrow(/stack\.yaml:\d+:\d+: error: models\[0\] \("a"\): .*retries[\s\S]*stack\.yaml:\d+:\d+: error: models\[0\] \("a"\): .*seconds/);
  });
});
