// OTLP/HTTP exporters end to end: the real gateway stack (config through the real loader) with
// its bus feeding attachExporters, and a collector stand-in receiving the JSON export requests.
// Every attribute of an ok and of failed requests' spans; batching and flushing (on demand, and by
// the batch timer); a dead collector (requests all complete, spans dropped and counted, one
// warning a minute with an injected clock); a hung one (requests complete while the export is
// outstanding, and close is bounded); reload and shutdown.
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Warning } from '../../src/events/types.js';
import { attachExporters, type ExporterOptions, type Exporters } from '../../src/exporters/index.js';
import { DEFAULTS } from '../../src/exporters/otlp.js';
import { closedPort, rawRequest } from '../helpers/http.js';
import { configYaml, loadStackConfig, startStack, type Entry, type Stack } from '../helpers/stack.js';
import { startCollector, type Collector, type ReceivedSpan } from './collector.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function collector(): Promise<Collector> {
  const c = await startCollector();
  cleanups.push(() => c.close());
  return c;
}

function otlp(endpoint: string, extra: Entry = {}): Entry {
  return { name: 'otel', kind: 'otlp_http', endpoint, ...extra };
}

interface Exporting {
  stack: Stack;
  exporters: Exporters;
  /** the messages of the exporters' `warning` events so far */
  warnings(): string[];
}

async function exportingStack(entries: Entry[], options: ExporterOptions = {}, env: Record<string, string> = {}): Promise<Exporting> {
  let exporters: Exporters | null = null;
  const yaml = configYaml() + stringify({ observability_exporters: entries });
  const stack = await startStack({
    yaml,
    env,
    attach: (bus, config) => {
      exporters = attachExporters(bus, config, options);
      const attached = exporters;
      return () => attached.close(500);
    },
  });
  cleanups.push(() => stack.close());
  if (exporters === null) throw new Error('attach did not run');
  const warnings = (): string[] =>
    stack.all.filter((e) => e.name === 'warning').map((e) => (e.payload as Warning).message).filter((m) => m.startsWith('observability exporter'));
  return { stack, exporters, warnings };
}

const hello = { model: 'gpt', messages: [{ role: 'user' as const, content: 'hello there' }] };

function spanOf(spans: ReceivedSpan[], id: string): ReceivedSpan {
  const found = spans.filter((s) => s.attributes['aisix.request_id'] === id);
  expect(found, `exactly one span for request ${id}`).toHaveLength(1);
  return found[0] as ReceivedSpan;
}

describe('OTLP exporter: the spans', () => {
  it('sends one span per request, ok and failed alike, with every attribute, as JSON to <endpoint>/v1/traces', async () => {
    const c = await collector();
    const { stack, exporters } = await exportingStack([otlp(c.url, { headers: { 'x-otlp-token': '${OTLP_TOKEN}' } })], {}, { OTLP_TOKEN: 'tok-123' });
    const client = stack.client();
    const ok = await client.chat.completions.create(hello).withResponse();
    const okId = ok.response.headers.get('x-aisix-request-id') ?? '';
    const failed = await client.chat.completions.create({ ...hello, model: 'error-400' }).withResponse().catch((err: { status?: number; headers?: Headers }) => err);
    const failedId = (failed as { headers?: Headers }).headers?.get('x-aisix-request-id') ?? '';
    const denied = await rawRequest(stack.url, { path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: JSON.stringify(hello) });
    expect(denied.status).toBe(401);
    const deniedId = String(denied.headers['x-aisix-request-id']);
    const events = await stack.waitForEvents(3);
    await exporters.flush();

    expect(c.exports).toHaveLength(1); // one batch
    const [request] = c.exports;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/traces');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-otlp-token']).toBe('tok-123');
    const spans = c.spans();
    expect(spans).toHaveLength(3);

    const okEvent = events.find((e) => e.id === okId);
    expect(okEvent?.usage?.input_tokens).toBeGreaterThan(0);
    const okSpan = spanOf(spans, okId);
    expect(okSpan.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt',
      'gen_ai.response.model': 'mock-echo',
      'gen_ai.provider.name': 'openai',
      'gen_ai.response.id': okEvent?.response_id,
      'gen_ai.usage.input_tokens': okEvent?.usage?.input_tokens,
      'gen_ai.usage.output_tokens': okEvent?.usage?.output_tokens,
      'http.request.method': 'POST',
      'http.route': '/v1/chat/completions',
      'http.response.status_code': 200,
      'aisix.request_id': okId,
      'aisix.caller': 'dev',
      'aisix.outcome': 'ok',
      'aisix.stream': false,
      'aisix.cost_usd': okEvent?.cost_usd,
    });
    expect(okSpan.name).toBe('chat gpt');
    expect(okSpan.kind).toBe(2); // SERVER
    expect(okSpan.status).toEqual({ code: 0 }); // unset: ok
    expect(okSpan.resource).toMatchObject({ 'service.name': 'aisix' });
    // the span covers the request: arrival to arrival + latency_ms
    expect(okSpan.startMs).toBe(Date.parse(okEvent?.time ?? ''));
    expect(okSpan.endMs - okSpan.startMs).toBeCloseTo(okEvent?.latency_ms ?? -1, 2);

    const failedEvent = events.find((e) => e.id === failedId);
    expect(failedEvent?.outcome).not.toBe('ok');
    const failedSpan = spanOf(spans, failedId);
    expect(failedSpan.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'error-400',
      'gen_ai.response.model': 'mock-error-400',
      'gen_ai.provider.name': 'openai',
      'http.request.method': 'POST',
      'http.route': '/v1/chat/completions',
      'http.response.status_code': 400,
      'aisix.request_id': failedId,
      'aisix.caller': 'dev',
      'aisix.outcome': failedEvent?.outcome,
      'aisix.stream': false,
      'error.type': failedEvent?.error_type,
    });
    expect(failedSpan.status).toEqual({ code: 2, message: failedEvent?.error_code ?? failedEvent?.error_type });

    // refused before any model was resolved: no GenAI model attributes, no caller
    const deniedEvent = events.find((e) => e.id === deniedId);
    const deniedSpan = spanOf(spans, deniedId);
    expect(deniedSpan.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'http.request.method': 'POST',
      'http.route': '/v1/chat/completions',
      'http.response.status_code': 401,
      'aisix.request_id': deniedId,
      'aisix.outcome': 'unauthorized',
      'aisix.stream': false,
      'error.type': deniedEvent?.error_type,
    });
    expect(deniedEvent?.error_type).toEqual(expect.any(String));
    expect(deniedSpan.status.code).toBe(2);
    expect(deniedSpan.name).toBe('POST /v1/chat/completions');
  });

  it('marks streamed requests and counts their usage', async () => {
    const c = await collector();
    const { stack, exporters } = await exportingStack([otlp(c.url)]);
    const stream = await stack.client().chat.completions.create({ ...hello, stream: true, stream_options: { include_usage: true } });
    for await (const _chunk of stream) {
      // drain
    }
    const [event] = await stack.waitForEvents(1);
    await exporters.flush();
    const span = spanOf(c.spans(), event?.id ?? '');
    expect(span.attributes['aisix.stream']).toBe(true);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(event?.usage?.output_tokens);
    expect(span.attributes['aisix.outcome']).toBe('ok');
  });

  it('uses an endpoint that already ends in /v1/traces as is, and appends it to a path prefix', async () => {
    const c = await collector();
    const { stack, exporters } = await exportingStack([otlp(`${c.url}/v1/traces`, { name: 'a' }), otlp(`${c.url}/otlp/`, { name: 'b' })]);
    await stack.client().chat.completions.create(hello);
    await stack.waitForEvents(1);
    await exporters.flush();
    expect(c.exports.map((e) => e.path).sort()).toEqual(['/otlp/v1/traces', '/v1/traces']);
  });

  it('sends nothing for a disabled exporter or `sample_rate: 0`', async () => {
    const c = await collector();
    const { stack, exporters } = await exportingStack([otlp(c.url, { name: 'off', enabled: false }), otlp(c.url, { name: 'none', sample_rate: 0 })]);
    expect(exporters.names).toEqual(['none']);
    await stack.client().chat.completions.create(hello);
    await stack.waitForEvents(1);
    await exporters.flush();
    expect(c.exports).toEqual([]);
  });
});

describe('OTLP exporter: batching', () => {
  it('holds spans for the batch window (5 s by default) and sends them in one request on flush', async () => {
    expect(DEFAULTS.flushDelayMs).toBeLessThanOrEqual(5_000);
    const c = await collector();
    const { stack, exporters } = await exportingStack([otlp(c.url)]);
    const client = stack.client();
    await Promise.all(Array.from({ length: 5 }, () => client.chat.completions.create(hello)));
    await stack.waitForEvents(5);
    expect(c.exports).toHaveLength(0); // batched, not one request per span
    await exporters.flush();
    expect(c.exports).toHaveLength(1);
    expect(c.spans()).toHaveLength(5);
  });

  it('splits a flush into batches of maxBatch spans', async () => {
    const c = await collector();
    const { stack, exporters } = await exportingStack([otlp(c.url)], { maxBatch: 2 });
    const client = stack.client();
    await Promise.all(Array.from({ length: 5 }, () => client.chat.completions.create(hello)));
    await stack.waitForEvents(5);
    await exporters.flush();
    expect(c.exports.map((e) => e.body.resourceSpans[0]?.scopeSpans[0]?.spans.length).sort()).toEqual([1, 2, 2]);
  });

  it('sends by itself when the batch window ends, without a flush', async () => {
    const c = await collector();
    const { stack } = await exportingStack([otlp(c.url)], { flushDelayMs: 50 });
    const client = stack.client();
    await Promise.all(Array.from({ length: 3 }, () => client.chat.completions.create(hello)));
    await c.until(() => c.spans().length === 3, 'the batch timer sends 3 spans');
    expect(c.exports.length).toBeLessThanOrEqual(3);
  });
});

describe('OTLP exporter: a collector that is down or stuck', () => {
  it('a dead collector slows no request: spans are dropped, counted, and warned about once a minute', async () => {
    const port = await closedPort();
    let now = 1_000_000;
    // exports fail as fast as the batch timer fires them; 200 ms budget = no retry
    const { stack, exporters, warnings } = await exportingStack([otlp(`http://127.0.0.1:${port}`)], { now: () => now, flushDelayMs: 1, exportTimeoutMs: 200 });
    const client = stack.client();
    for (let wave = 0; wave < 3; wave++) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => client.chat.completions.create(hello)));
      expect(answers.map((a) => a.object)).toEqual(Array(10).fill('chat.completion'));
    }
    await stack.waitForEvents(30);
    await exporters.flush();
    const first = warnings();
    expect(first).toHaveLength(1); // the clock has not moved: one warning however many exports failed
    expect(first[0]).toMatch(
      new RegExp(`^observability exporter "otel": dropped (\\d+) spans?: the collector is unreachable \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\) \\(http://127\\.0\\.0\\.1:${port}/v1/traces\\); this warning repeats at most once a minute$`),
    );
    const count = (message: string | undefined): number => Number(/dropped (\d+) span/.exec(message ?? '')?.[1]);
    now += 60_000;
    await client.chat.completions.create(hello);
    await stack.waitForEvents(31);
    await exporters.flush();
    const second = warnings();
    expect(second).toHaveLength(2); // a minute later, the drops since the first warning
    expect(count(second[0]) + count(second[1])).toBe(31); // every span accounted for
    await exporters.close();
    expect(warnings()).toHaveLength(2); // nothing left to report
  });

  it('says what the collector answered when it refuses the export', async () => {
    const c = await collector();
    c.answer = { status: 400 };
    const { stack, exporters, warnings } = await exportingStack([otlp(c.url)]);
    await stack.client().chat.completions.create(hello);
    await stack.waitForEvents(1);
    await exporters.flush();
    expect(c.exports).toHaveLength(1);
    expect(warnings()).toEqual([`observability exporter "otel": dropped 1 span: the collector answered HTTP 400 Bad Request (${c.url}/v1/traces); this warning repeats at most once a minute`]);
  });

  it('requests complete while an export hangs, and close gives up after its bound, counting what was not taken', async () => {
    const c = await collector();
    c.answer = 'hang';
    const { stack, exporters, warnings } = await exportingStack([otlp(c.url)], { flushDelayMs: 1, exportTimeoutMs: 10_000 });
    const client = stack.client();
    await client.chat.completions.create(hello);
    await c.until(() => c.exports.length === 1, 'the first export reaches the (hung) collector');
    const answers = await Promise.all(Array.from({ length: 20 }, () => client.chat.completions.create(hello)));
    expect(answers).toHaveLength(20);
    expect(c.exports).toHaveLength(1); // still the one outstanding export: nobody waited for it
    const started = Date.now();
    await exporters.close(400);
    expect(Date.now() - started).toBeLessThan(3_000); // bounded (the collector never answers)
    // the shutdown flush times out (20 spans: "did not answer in time") and the first export never
    // comes back (1 span): every span is accounted for, the last count at close whatever the minute says
    const messages = warnings();
    expect(messages.length).toBeGreaterThanOrEqual(1);
    expect(messages.at(-1)).toMatch(/^observability exporter "otel": dropped \d+ spans?: aisix shut down before the collector took them /);
    expect(messages.reduce((sum, m) => sum + Number(/dropped (\d+) span/.exec(m)?.[1]), 0)).toBe(21);
  });
});

describe('OTLP exporter: reload and shutdown', () => {
  it('a reload keeps an unchanged exporter, and a changed one flushes to the old collector before the new one takes over', async () => {
    const [a, b] = [await collector(), await collector()];
    const { stack, exporters } = await exportingStack([otlp(a.url)]);
    const client = stack.client();
    await client.chat.completions.create(hello);
    await stack.waitForEvents(1);
    const same = loadStackConfig(configYaml() + stringify({ observability_exporters: [otlp(a.url)] }), { MOCK_URL: stack.mock.url }).config;
    exporters.reload(same);
    expect(a.exports).toHaveLength(0); // kept running: its batch is still waiting
    const moved = loadStackConfig(configYaml() + stringify({ observability_exporters: [otlp(b.url, { name: 'moved' })] }), { MOCK_URL: stack.mock.url }).config;
    exporters.reload(moved);
    expect(exporters.names).toEqual(['moved']);
    await a.until(() => a.spans().length === 1, 'the replaced exporter flushes its span to the old collector');
    await client.chat.completions.create(hello);
    await stack.waitForEvents(2);
    await exporters.flush();
    expect(b.spans()).toHaveLength(1);
    expect(a.spans()).toHaveLength(1);
  });

  it('close flushes what is queued, and detaches from the bus', async () => {
    const c = await collector();
    const { stack, exporters } = await exportingStack([otlp(c.url)]);
    const client = stack.client();
    await Promise.all([client.chat.completions.create(hello), client.chat.completions.create(hello)]);
    await stack.waitForEvents(2);
    await exporters.close();
    expect(c.spans()).toHaveLength(2);
    await client.chat.completions.create(hello);
    await stack.waitForEvents(3);
    await exporters.flush();
    expect(c.spans()).toHaveLength(2);
  });

  it('attaches nothing (and never loads the SDK for it) without an enabled exporter', async () => {
    const { config } = loadStackConfig(configYaml(), { MOCK_URL: 'http://127.0.0.1:9' });
    const { createEventBus } = await import('../../src/events/bus.js');
    const bus = createEventBus();
    const exporters = attachExporters(bus, config);
    expect(exporters.names).toEqual([]);
    expect(bus.has('request.finished')).toBe(false);
    await exporters.close();
  });
});

