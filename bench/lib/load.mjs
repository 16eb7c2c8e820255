// Load runs (autocannon's programmatic API) and the sequential latency probe (a tiny undici
// client). Percentiles come from every response's own time (autocannon reports float ms per
// response; its histogram rounds to whole ms, too coarse for sub-millisecond proxies).
import autocannon from 'autocannon';
import { Client } from 'undici';

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function median(values) {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/**
 * One autocannon run. `duration` (s) or `amount` (requests); `onCount(n)` is called every
 * `every` responses (the soak samples RSS there).
 */
export function runLoad({ url, headers, body, connections, duration, amount, onCount, every = 10_000 }) {
  return new Promise((resolve, reject) => {
    const times = [];
    let responses = 0;
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers,
        body,
        connections,
        pipelining: 1,
        timeout: 10,
        ...(amount ? { amount } : { duration }),
      },
      (err, result) => {
        if (err) return reject(err);
        times.sort((a, b) => a - b);
        const seconds = result.duration;
        resolve({
          connections,
          seconds,
          ok: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          rps: result['2xx'] / seconds,
          p50: percentile(times, 50),
          p99: percentile(times, 99),
          mean: times.reduce((a, b) => a + b, 0) / (times.length || 1),
          times,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
      responses++;
      if (onCount && responses % every === 0) onCount(responses);
    });
  });
}

/** Pools several runs of one scenario: req/s over the summed time, percentiles over every response. */
export function combineRuns(runs) {
  const times = runs.flatMap((r) => r.times).sort((a, b) => a - b);
  const sum = (key) => runs.reduce((a, r) => a + r[key], 0);
  const seconds = sum('seconds');
  const requests = sum('ok') + sum('non2xx');
  const perRequest = (key) => (runs.every((r) => typeof r[key] === 'number' && !Number.isNaN(r[key])) ? (1000 * sum(key)) / requests : null);
  return {
    connections: runs[0].connections,
    runs: runs.length,
    seconds,
    ok: sum('ok'),
    non2xx: sum('non2xx'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    rps: sum('ok') / seconds,
    rpsEach: runs.map((r) => r.rps),
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    // CPU per request (µs) of the proxy and of the mock, and the share of the machine's CPU that
    // other processes (not the bench's) used meanwhile: a noise gauge for a shared machine
    proxyCpuUs: perRequest('proxyCpuMs'),
    mockCpuUs: perRequest('mockCpuMs'),
    generatorCpuPct: runs.every((r) => typeof r.generatorCpuMs === 'number') ? (100 * sum('generatorCpuMs')) / sum('wallMs') : null,
    otherCpuPct: runs.every((r) => typeof r.otherCpuMs === 'number') ? (100 * sum('otherCpuMs')) / (sum('wallMs') * (runs[0].ncpu ?? 1)) : null,
  };
}

/**
 * Sequential keep-alive requests on one connection. For each request: total time (request sent →
 * last body byte) and time to first body byte, both from process.hrtime.
 */
export class SequentialProbe {
  constructor({ origin, path, headers, body }) {
    this.client = new Client(origin, { pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 10_000, bodyTimeout: 10_000 });
    this.request = { path, method: 'POST', headers, body };
    this.totals = [];
    this.ttfbs = [];
    this.failures = 0;
    this.lastFailure = null;
  }

  async one(record) {
    const t0 = process.hrtime.bigint();
    let first = null;
    try {
      const { statusCode, body } = await this.client.request(this.request);
      for await (const _chunk of body) if (first === null) first = process.hrtime.bigint();
      const t1 = process.hrtime.bigint();
      if (statusCode !== 200) {
        this.failures++;
        this.lastFailure = `status ${statusCode}`;
        return;
      }
      if (!record) return;
      this.totals.push(Number(t1 - t0) / 1e6);
      this.ttfbs.push(Number((first ?? t1) - t0) / 1e6);
    } catch (err) {
      this.failures++;
      this.lastFailure = err?.code ?? err?.message ?? String(err);
    }
  }

  async run(count, record = true) {
    for (let i = 0; i < count; i++) await this.one(record);
  }

  summary() {
    const totals = [...this.totals].sort((a, b) => a - b);
    const ttfbs = [...this.ttfbs].sort((a, b) => a - b);
    return {
      n: totals.length,
      failures: this.failures,
      lastFailure: this.lastFailure,
      median: percentile(totals, 50),
      p90: percentile(totals, 90),
      ttfbMedian: percentile(ttfbs, 50),
      ttfbP90: percentile(ttfbs, 90),
    };
  }

  close() {
    return this.client.close();
  }
}

/** One request, for a pre-flight check: { status, text }. */
export async function once({ origin, path, headers, body }) {
  const client = new Client(origin, { headersTimeout: 10_000, bodyTimeout: 10_000 });
  try {
    const { statusCode, body: stream } = await client.request({ path, method: 'POST', headers, body });
    return { status: statusCode, text: await stream.text() };
  } finally {
    await client.close();
  }
}
