// Agent-sized request bodies: sequential `POST /v1/responses` (JSON reply) with a 1 MB / 5 MB
// `input` array (lib/agent-body.mjs) on one keep-alive connection per target, interleaved rounds
// (one request per target per round, order reversed every other round) after a warm-up, so drift
// hits every target alike. Time = request sent → last byte of the reply; the proxy's CPU time per
// request comes from /proc/PID/stat around each of its own requests.
import { Client } from 'undici';
import { percentile } from './load.mjs';
import { cpuMs } from './procs.mjs';

/**
 * targets: [{name, url, headers, pid|null}]; resolves to { name: {n, failures, lastFailure,
 * median, p90, cpuMsPerRequest} }.
 */
export async function measureBodies(targets, buffer, { reps, warmup }) {
  const runs = targets.map((t) => ({
    t,
    client: new Client(t.url, { pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 60_000, bodyTimeout: 60_000 }),
    times: [],
    cpu: 0,
    failures: 0,
    lastFailure: null,
  }));
  const one = async (run, record) => {
    const before = run.t.pid ? cpuMs(run.t.pid) : NaN;
    const t0 = performance.now();
    try {
      const { statusCode, body } = await run.client.request({ path: '/v1/responses', method: 'POST', headers: run.t.headers, body: buffer });
      const text = await body.text();
      const ms = performance.now() - t0;
      if (statusCode !== 200 || !text.includes('hello bench')) {
        run.failures++;
        run.lastFailure = `status ${statusCode}: ${text.slice(0, 160)}`;
        return;
      }
      if (!record) return;
      run.times.push(ms);
      if (run.t.pid) run.cpu += cpuMs(run.t.pid) - before;
    } catch (err) {
      run.failures++;
      run.lastFailure = err?.code ?? err?.message ?? String(err);
    }
  };
  for (let i = 0; i < warmup; i++) for (const run of runs) await one(run, false);
  for (let i = 0; i < reps; i++) for (const run of i % 2 === 0 ? runs : [...runs].reverse()) await one(run, true);
  const out = {};
  for (const run of runs) {
    await run.client.close();
    const sorted = [...run.times].sort((a, b) => a - b);
    out[run.t.name] = {
      n: sorted.length,
      failures: run.failures,
      lastFailure: run.lastFailure,
      median: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      cpuMsPerRequest: run.t.pid && sorted.length > 0 ? run.cpu / sorted.length : null,
    };
  }
  return out;
}
