#!/usr/bin/env node
// `npm run bench`: one run, one machine, one mock. Starts the fake upstream (`aisix mock`), then
// measures the mock called directly, the floor proxy (bench/floor-proxy.mjs), aisix (`aisix serve
// --no-tui`: no guardrails / a block-mode keyword guardrail / a monitor-mode one) and the peer
// (Portkey's gateway from npm, installed and visibly patched under bench/.work: see lib/peer.mjs),
// with JSON and streaming `POST /v1/responses` calls at 1, 32 and 128 connections (autocannon),
// a sequential keep-alive latency probe (our own undici client), peak RSS of every proxy, a
// 100k-request soak and start-up wall times; profiles aisix when it misses a target; writes
// bench/RESULTS.md (keeping its hand-written notes block) and bench/.work/results.json.
//
// Cores: with 2+ CPUs and `taskset`, the load generator (this process) gets the last core and
// every server (mock, proxies) the others; start-up times use all cores. Every child process is
// killed on exit, error or signal, and the whole run has a time limit (BENCH_TIME_LIMIT_S).
//
// Knobs (environment): BENCH_DURATION (s per load run, 5), BENCH_ROUNDS (runs per target and
// scenario, interleaved, 2), BENCH_WARMUP (s per target and mode, 3),
// BENCH_CONNECTIONS (1,32,128), BENCH_SEQUENTIAL (requests per target and mode, 400),
// BENCH_SOAK (100000), BENCH_TARGETS (subset, e.g. direct,floor,aisix), BENCH_PROFILE
// (auto | 1 | 0), BENCH_BUILD (1 | 0: skip `npm run build`), BENCH_OUT (RESULTS.md path),
// BENCH_TIME_LIMIT_S (900), BENCH_AISIX_BIN (another bin/aisix.js, e.g. a copy built elsewhere).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CALLER_KEY, UPSTREAM_KEY, VARIANTS, writeConfigs } from './lib/configs.mjs';
import { combineRuns, median, once, runLoad, SequentialProbe } from './lib/load.mjs';
import { preparePeer } from './lib/peer.mjs';
import { cpuMs, guardProcess, hasTaskset, killAll, machineBusyMs, ownPids, pinSelf, reason, startNode, takeBenchLock, timeNodeRun, timeUntilLine } from './lib/procs.mjs';
import { writeReport } from './lib/report.mjs';
import { summarizeProfile } from './profile-top.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, 'bench', '.work');
// Each run has its own directory (configs, logs, profiles): aisix live-reloads its config file, so
// two runs sharing one file would steer each other's proxies onto the wrong mock.
const RUN_DIR = join(WORK, 'runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
const LOGS = join(RUN_DIR, 'logs');
const LOCK = join(WORK, 'run.lock');
const BIN = resolve(process.env.BENCH_AISIX_BIN ?? join(ROOT, 'bin', 'aisix.js'));
const env = process.env;
const num = (value, fallback) => (value !== undefined && value !== '' && Number.isFinite(Number(value)) ? Number(value) : fallback);

const opts = {
  duration: num(env.BENCH_DURATION, 5),
  warmup: num(env.BENCH_WARMUP, 3),
  rounds: Math.max(1, num(env.BENCH_ROUNDS, 2)),
  connections: (env.BENCH_CONNECTIONS ?? '1,32,128').split(',').map(Number).filter((n) => n > 0),
  sequential: num(env.BENCH_SEQUENTIAL, 400),
  soak: num(env.BENCH_SOAK, 100_000),
  startupRuns: 5,
  targets: env.BENCH_TARGETS ? env.BENCH_TARGETS.split(',').map((s) => s.trim()) : null,
  profile: env.BENCH_PROFILE ?? 'auto',
  build: env.BENCH_BUILD !== '0',
  out: resolve(env.BENCH_OUT ?? join(ROOT, 'bench', 'RESULTS.md')),
  limitMs: num(env.BENCH_TIME_LIMIT_S, 900) * 1000,
};
const LOAD_CONNECTIONS = opts.connections.includes(32) ? 32 : Math.max(...opts.connections);
const MODES = ['json', 'stream'];
const BODIES = {
  json: JSON.stringify({ model: 'bench', input: 'hello bench', stream: false }),
  stream: JSON.stringify({ model: 'bench', input: 'hello bench', stream: true }),
};
const PATH = '/v1/responses';
const AISIX_READY = /^aisix listening on (http:\/\/\S+)$/m;

const t0 = performance.now();
function log(message) {
  process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
}

const results = {
  meta: {},
  targets: {},
  load: {},
  sequential: {},
  rss: {},
  soak: null,
  startup: {},
  profile: null,
  couldNotRun: [],
  notes: [],
};
const couldNotRun = (what, why) => {
  log(`could not run: ${what}: ${why}`);
  results.couldNotRun.push({ what, why: String(why).replace(/\s+/g, ' ').slice(0, 600) });
};

// ---------------------------------------------------------------------------------------------
guardProcess(opts.limitMs);
if (!takeBenchLock(LOCK)) {
  log(`another bench is running (see ${relative(ROOT, LOCK)}): two at once would measure each other; wait for it or stop it`);
  process.exit(1);
}
pruneRuns(2);
mkdirSync(LOGS, { recursive: true });

if (opts.build) {
  log('npm run build');
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  if (build.status !== 0) {
    const why = `${build.stdout ?? ''}${build.stderr ?? ''}`.trim().split('\n').slice(-6).join(' | ');
    results.notes.push(`\`npm run build\` failed (exit ${build.status}); the bench ran whatever dist/ held: ${why.slice(0, 400)}`);
    log(`build failed (carrying on with dist/ as it is): ${why}`);
  }
}
if (!existsSync(join(dirname(BIN), '..', 'dist', 'cli', 'main.js'))) {
  log(`${relative(ROOT, join(dirname(BIN), '..', 'dist', 'cli', 'main.js'))} is missing: run \`npm run build\` first`);
  process.exit(1);
}

const ncpu = os.availableParallelism();
const layout =
  ncpu >= 2 && hasTaskset
    ? { servers: ncpu === 2 ? '0' : `0-${ncpu - 2}`, generator: String(ncpu - 1), startup: `0-${ncpu - 1}`, serverCores: ncpu - 1, generatorCores: 1 }
    : { servers: null, generator: null, startup: null, serverCores: ncpu, generatorCores: ncpu };
const pinned = pinSelf(layout.generator);
if (layout.generator !== null && !pinned) results.notes.push('could not pin the load generator with taskset; it shared the cores with the servers');

results.meta = machineInfo();
log(`machine: ${results.meta.nproc} CPUs (${results.meta.cpu}), node ${results.meta.node}; generator on CPU ${layout.generator ?? 'any'}, servers on CPU ${layout.servers ?? 'any'}`);

// ---------------------------------------------------------------------------------------------
const mock = await startNode({
  name: 'mock', args: [BIN, 'mock', '--port', '0'], cpus: layout.servers, cwd: ROOT, logDir: LOGS,
  ready: /^aisix mock listening on (http:\/\/\S+)$/m,
});
log(`mock: ${mock.url} (pid ${mock.pid})`);
const configs = writeConfigs(join(RUN_DIR, 'configs'), mock.url);

await measureStartup();

const peer = await preparePeer(WORK, log);
results.meta.peer = peer;
if (!peer.ok) couldNotRun('peer (Portkey)', peer.reason);

const targets = await startTargets();
await preflightAll();
await warmUp();
await measureSequential();
await measureLoad();
for (const [name, t] of Object.entries(targets)) {
  if (t.proc) results.rss[name] = t.proc.status();
}
for (const t of Object.values(targets)) if (t.proc && t.proc !== mock) await t.proc.stop();
await soak();

const evaluation = evaluateTargets();
results.targetsMet = evaluation;
const missed = evaluation.some((e) => e.met === false);
if (opts.profile === '1' || (opts.profile === 'auto' && missed)) await profileAisix();
await mock.stop();

results.meta.wallSeconds = (performance.now() - t0) / 1000;
writeFileSync(join(WORK, 'results.json'), JSON.stringify(results, null, 2));
writeReport(opts.out, results, { opts, layout, targetsOrder: Object.keys(targets), bodies: BODIES, loadConnections: LOAD_CONNECTIONS });
log(`wrote ${relative(ROOT, opts.out)} and ${relative(ROOT, join(WORK, 'results.json'))} in ${results.meta.wallSeconds.toFixed(0)} s`);
killAll();
process.exit(0);

// ---------------------------------------------------------------------------------------------
/** Keeps the newest `keep` earlier run directories (their logs run to tens of MB). */
function pruneRuns(keep) {
  const dir = join(WORK, 'runs');
  if (!existsSync(dir)) return;
  const old = readdirSync(dir).sort();
  for (const name of old.slice(0, Math.max(0, old.length - keep))) rmSync(join(dir, name), { recursive: true, force: true });
}

function machineInfo() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? '?';
  const mhz = /^cpu MHz\s*:\s*(.+)$/m.exec(cpuinfo)?.[1];
  const memKB = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  const git = (args) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  const dirty = git(['status', '--porcelain', '--', 'src']).split('\n').filter(Boolean).length;
  const version = (pkg) => {
    try {
      return JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
    } catch {
      return '?';
    }
  };
  return {
    date: new Date().toISOString(),
    node: process.version,
    nproc: ncpu,
    cpu: model + (mhz ? ` (${Math.round(Number(mhz))} MHz)` : ''),
    memGB: memKB / 1024 / 1024,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirtySrcFiles: dirty,
    aisix: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    autocannon: version('autocannon'),
    undici: version('undici'),
    layout,
  };
}

function aisixArgs(config, extra = []) {
  return [...extra, BIN, 'serve', '--no-tui', '-c', config, '--port', '0'];
}

async function measureStartup() {
  const runs = opts.startupRuns;
  const series = async (label, fn) => {
    const times = [];
    try {
      await fn(); // warm the page cache
      for (let i = 0; i < runs; i++) times.push(await fn());
      results.startup[label] = { median: median(times), runs: times };
      log(`start-up ${label}: median ${median(times).toFixed(0)} ms`);
    } catch (err) {
      results.startup[label] = { error: err.message };
      couldNotRun(`start-up: ${label}`, err.message);
    }
  };
  const where = { cwd: ROOT, cpus: layout.startup };
  await series('node -e 0 (baseline)', async () => timeNodeRun(['-e', '0'], where).ms);
  await series('aisix validate -c FILE', async () => {
    const r = timeNodeRun([BIN, 'validate', '-c', configs.aisix], where);
    if (r.code !== 0) throw new Error(`validate exited ${r.code}: ${reason(r.stderr || r.stdout)}`);
    return r.ms;
  });
  await series('aisix serve (to listening line)', async () => (await timeUntilLine(aisixArgs(configs.aisix), { ...where, ready: AISIX_READY })).ms);
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolveConnect) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolveConnect(true);
    });
    socket.once('error', () => resolveConnect(false));
  });
}

async function startTargets() {
  const wanted = (name) => opts.targets === null || opts.targets.includes(name);
  const baseHeaders = { 'content-type': 'application/json', authorization: `Bearer ${UPSTREAM_KEY}` };
  const all = {};
  const add = (name, label, start, headers) => ({ name, label, start, headers });
  const plan = [
    add('direct', 'direct (mock, no proxy)', async () => mock, baseHeaders),
    add('floor', 'floor proxy (undici pass-through)', () => startNode({
      name: 'floor', args: [join(ROOT, 'bench', 'floor-proxy.mjs'), mock.url], cpus: layout.servers, cwd: ROOT, logDir: LOGS,
      ready: /^floor listening on (http:\/\/\S+)$/m,
    }), baseHeaders),
    ...Object.entries(VARIANTS).map(([name, v]) => add(name, v.label, () => startNode({
      name, args: aisixArgs(configs[name]), cpus: layout.servers, cwd: ROOT, logDir: LOGS, ready: AISIX_READY,
    }), { 'content-type': 'application/json', authorization: `Bearer ${CALLER_KEY}` })),
    add('peer', `peer (Portkey ${peer.version ?? ''})`.trim(), async () => {
      if (!peer.ok) throw new Error(peer.reason);
      const port = await freePort();
      const proc = await startNode({
        name: 'peer', args: [peer.entry, '--headless', `--port=${port}`], cpus: layout.servers, cwd: WORK, logDir: LOGS,
        probe: () => canConnect(port), env: { NODE_ENV: 'production' },
      });
      proc.url = `http://127.0.0.1:${port}`;
      return proc;
    }, { ...baseHeaders, 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${mock.url}/v1` }),
  ];
  for (const p of plan) {
    if (!wanted(p.name)) continue;
    try {
      const proc = await p.start();
      all[p.name] = { name: p.name, label: p.label, proc, url: proc.url, headers: p.headers, ok: { json: true, stream: true } };
      results.targets[p.name] = { label: p.label, url: proc.url, pid: proc.pid, cpus: proc.status()?.cpus ?? '?' };
      log(`${p.name}: ${proc.url} (pid ${proc.pid}, CPUs ${results.targets[p.name].cpus})`);
    } catch (err) {
      results.targets[p.name] = { label: p.label, error: err.message };
      couldNotRun(p.label, err.message);
    }
  }
  return all;
}

async function preflightAll() {
  for (const t of Object.values(targets)) {
    for (const mode of MODES) {
      let why = null;
      try {
        const r = await once({ origin: t.url, path: PATH, headers: t.headers, body: BODIES[mode] });
        if (r.status !== 200) why = `status ${r.status}: ${r.text.slice(0, 300)}`;
        else if (mode === 'json' && !/"text"\s*:\s*"hello bench"/.test(r.text)) why = `JSON reply without the echoed text: ${r.text.slice(0, 200)}`;
        else if (mode === 'stream' && !r.text.includes('response.completed')) why = `stream without response.completed: ${r.text.slice(0, 200)}`;
      } catch (err) {
        why = err.code ?? err.message;
      }
      if (why !== null) {
        t.ok[mode] = false;
        results.targets[t.name][`${mode}Error`] = why;
        couldNotRun(`${t.label}, ${mode}`, `pre-flight request failed: ${why}`);
      }
    }
    if (t.name.startsWith('aisix')) {
      const r = await once({ origin: t.url, path: PATH, headers: { 'content-type': 'application/json' }, body: BODIES.json }).catch((err) => ({ status: err.code }));
      results.targets[t.name].authCheck = r.status;
    }
  }
}

/** Interleaved rounds, so drift on a noisy machine hits every target alike. */
async function measureSequential() {
  const rounds = Math.min(10, opts.sequential);
  const per = Math.max(1, Math.ceil(opts.sequential / rounds));
  const probes = [];
  for (const t of Object.values(targets)) {
    for (const mode of MODES) {
      if (!t.ok[mode]) continue;
      const probe = new SequentialProbe({ origin: t.url, path: PATH, headers: t.headers, body: BODIES[mode] });
      await probe.run(50, false); // warm-up: JIT, connections
      probes.push({ t, mode, probe });
    }
  }
  log(`sequential probe: ${rounds} rounds × ${per} requests × ${probes.length} target/mode pairs`);
  for (let round = 0; round < rounds; round++) for (const { probe } of probes) await probe.run(per);
  for (const { t, mode, probe } of probes) {
    (results.sequential[t.name] ??= {})[mode] = probe.summary();
    await probe.close();
    const s = probe.summary();
    log(`sequential ${t.name} ${mode}: median ${s.median.toFixed(3)} ms, ttfb ${s.ttfbMedian.toFixed(3)} ms${s.failures ? `, ${s.failures} failures (${s.lastFailure})` : ''}`);
  }
}

function cpuSnapshot() {
  return { at: performance.now(), machine: machineBusyMs(), per: new Map(ownPids().map((pid) => [pid, cpuMs(pid)])) };
}

/** One load run plus the CPU the proxy, the mock and every other process on the machine used. */
async function loadRun(t, options) {
  const before = cpuSnapshot();
  const r = await runLoad(options);
  const after = cpuSnapshot();
  let ours = 0;
  for (const [pid, ms] of after.per) {
    const was = before.per.get(pid);
    if (was !== undefined && !Number.isNaN(was) && !Number.isNaN(ms)) ours += ms - was;
  }
  const used = (pid) => after.per.get(pid) - before.per.get(pid);
  return {
    ...r,
    proxyCpuMs: t.proc === mock ? null : used(t.proc.pid),
    mockCpuMs: used(mock.pid),
    otherCpuMs: Math.max(0, after.machine - before.machine - ours),
    generatorCpuMs: used(process.pid),
    wallMs: after.at - before.at,
    ncpu,
  };
}

/** Warms every target (JIT, sockets, the mock's response store) before anything is measured. */
async function warmUp() {
  if (opts.warmup <= 0) return;
  for (const t of Object.values(targets)) {
    for (const mode of MODES) {
      if (!t.ok[mode]) continue;
      await runLoad({ url: `${t.url}${PATH}`, headers: t.headers, body: BODIES[mode], connections: LOAD_CONNECTIONS, duration: opts.warmup }).catch(() => undefined);
    }
  }
}

/**
 * Each scenario (mode × connections) runs every target `rounds` times, interleaved (the order is
 * reversed every other round), so drift on a noisy machine hits every target alike; the rounds
 * are pooled: req/s over the summed time, percentiles over every response.
 */
async function measureLoad() {
  for (const mode of MODES) {
    for (const connections of opts.connections) {
      const order = Object.values(targets).filter((t) => t.ok[mode]);
      const parts = new Map(order.map((t) => [t, []]));
      for (let round = 0; round < opts.rounds; round++) {
        for (const t of round % 2 === 0 ? order : [...order].reverse()) {
          try {
            parts.get(t).push(await loadRun(t, { url: `${t.url}${PATH}`, headers: t.headers, body: BODIES[mode], connections, duration: opts.duration }));
          } catch (err) {
            couldNotRun(`${t.label}, ${mode} load at ${connections} connections`, err.message);
          }
          await sleep(200);
        }
      }
      for (const [t, runs] of parts) {
        if (runs.length === 0) continue;
        const r = combineRuns(runs);
        if (r.ok === 0) {
          couldNotRun(`${t.label}, ${mode} load at ${connections} connections`, `no 2xx response (${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts); see ${relative(ROOT, LOGS)}`);
          continue;
        }
        ((results.load[t.name] ??= {})[mode] ??= {})[connections] = r;
        const bad = r.non2xx + r.errors + r.timeouts;
        log(`load ${mode} c=${connections} ${t.name}: ${r.rps.toFixed(0)} req/s (${r.rpsEach.map((x) => x.toFixed(0)).join(', ')}), p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, CPU/req proxy ${r.proxyCpuUs?.toFixed(0) ?? '–'} µs mock ${r.mockCpuUs?.toFixed(0)} µs, other load ${r.otherCpuPct?.toFixed(0)}%${bad ? `, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}` : ''}`);
      }
    }
  }
}

async function soak() {
  if (opts.soak <= 0) return;
  if (opts.targets !== null && !opts.targets.includes('aisix')) return;
  let proc;
  try {
    // --trace-gc: the live heap after each full (mark-compact) GC tells a leak from heap sizing
    proc = await startNode({ name: 'aisix-soak', args: aisixArgs(configs.aisix, ['--trace-gc']), cpus: layout.servers, cwd: ROOT, logDir: LOGS, ready: AISIX_READY });
  } catch (err) {
    results.soak = { error: err.message };
    couldNotRun('soak', err.message);
    return;
  }
  const sample = (n) => ({ n, rssMB: proc.status()?.rssMB, outBytes: statSync(proc.outPath).size });
  const samples = [sample(0)];
  log(`soak: ${opts.soak} JSON requests at ${LOAD_CONNECTIONS} connections through aisix (pid ${proc.pid})`);
  try {
    const r = await runLoad({
      url: `${proc.url}${PATH}`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CALLER_KEY}` },
      body: BODIES.json,
      connections: LOAD_CONNECTIONS,
      amount: opts.soak,
      every: Math.max(1, Math.floor(opts.soak / 10)),
      onCount: (n) => samples.push(sample(n)),
    });
    await sleep(1000);
    const end = proc.status();
    const { times: _times, ...summary } = r;
    heapAfterFullGc(proc.outPath, samples);
    results.soak = { ...summary, samples, rssAfterIdleMB: end?.rssMB, hwmMB: end?.hwmMB };
    log(`soak: ${samples.map((s) => `${s.n / 1000}k=${s.rssMB?.toFixed(1)}MB`).join(' ')}`);
  } catch (err) {
    results.soak = { error: err.message, samples };
    couldNotRun('soak', err.message);
  } finally {
    await proc.stop();
  }
}

/** For each sample: the heap size after the last mark-compact GC logged before it (--trace-gc). */
function heapAfterFullGc(outPath, samples) {
  const text = readFileSync(outPath);
  const fulls = [];
  const re = /Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \(/g;
  const str = text.toString('latin1'); // byte offsets = string offsets
  for (let m = re.exec(str); m !== null; m = re.exec(str)) fulls.push({ at: m.index, mb: Number(m[1]) });
  for (const s of samples) {
    const last = fulls.filter((f) => f.at < s.outBytes).at(-1);
    s.heapAfterFullGcMB = last?.mb ?? null;
    delete s.outBytes;
  }
  return fulls.length;
}

function evaluateTargets() {
  const load = (name, mode) => results.load[name]?.[mode]?.[LOAD_CONNECTIONS];
  const seq = (name, mode) => results.sequential[name]?.[mode];
  const out = [];
  for (const mode of MODES) {
    const a = load('aisix', mode);
    const f = load('floor', mode);
    const ratio = a && f ? a.rps / f.rps : null;
    // the same ratio predicted from CPU per request (proxy + mock share one core): robust to noise
    const cpuRatio = a?.proxyCpuUs && f?.proxyCpuUs ? (f.proxyCpuUs + f.mockCpuUs) / (a.proxyCpuUs + a.mockCpuUs) : null;
    const noise = a && f ? Math.max(a.otherCpuPct ?? 0, f.otherCpuPct ?? 0) : 0;
    out.push({
      target: `throughput, ${mode === 'json' ? 'JSON' : 'streaming'}, ${LOAD_CONNECTIONS} connections: ≥ 85% of the floor's`,
      measured:
        ratio === null
          ? 'not measured'
          : `${(100 * ratio).toFixed(1)}% (${a.rps.toFixed(0)} vs ${f.rps.toFixed(0)} req/s)` +
            (cpuRatio === null ? '' : `; by CPU per request (proxy + mock): ${(100 * cpuRatio).toFixed(0)}% (${(a.proxyCpuUs + a.mockCpuUs).toFixed(0)} vs ${(f.proxyCpuUs + f.mockCpuUs).toFixed(0)} µs)`) +
            (noise > 10 ? `; noisy: other processes used up to ${noise.toFixed(0)}% of the machine` : ''),
      met: ratio === null ? null : ratio >= 0.85,
    });
  }
  {
    const a = seq('aisix', 'json');
    const f = seq('floor', 'json');
    const gap = a && f ? a.median - f.median : null;
    out.push({
      target: 'latency at 1 connection (JSON, median of sequential keep-alive requests): within 0.3 ms of the floor\'s',
      measured: gap === null ? 'not measured' : `+${gap.toFixed(3)} ms (${a.median.toFixed(3)} vs ${f.median.toFixed(3)} ms)`,
      met: gap === null ? null : gap <= 0.3,
    });
  }
  for (const name of ['aisix', 'aisix-monitor']) {
    const a = seq(name, 'stream');
    const f = seq('floor', 'stream');
    const gap = a && f ? a.ttfbMedian - f.ttfbMedian : null;
    out.push({
      target: `live-stream time to first byte${name === 'aisix' ? '' : ' (monitor-mode guardrail)'}: within 1 ms of the floor's`,
      measured: gap === null ? 'not measured' : `+${gap.toFixed(3)} ms (${a.ttfbMedian.toFixed(3)} vs ${f.ttfbMedian.toFixed(3)} ms)`,
      met: gap === null ? null : gap <= 1,
    });
  }
  {
    const s = results.soak;
    const at = (n) => s?.samples?.find((x) => x.n === n)?.rssMB;
    const heapAt = (n) => s?.samples?.find((x) => x.n === n)?.heapAfterFullGcMB;
    const first = at(Math.floor(opts.soak / 10));
    const last = at(opts.soak);
    const flat = first && last ? last <= first * 1.1 + 2 : null;
    out.push({
      target: `RSS flat over a soak of ${opts.soak.toLocaleString('en-US')} requests (RSS at the last sample ≤ 110% of the first + 2 MB)`,
      measured:
        flat === null
          ? 'not measured'
          : `${first.toFixed(1)} MB at ${(opts.soak / 10 / 1000).toFixed(0)}k → ${last.toFixed(1)} MB at ${(opts.soak / 1000).toFixed(0)}k` +
            (heapAt(Math.floor(opts.soak / 10)) != null && heapAt(opts.soak) != null
              ? `; live heap after the last full GC: ${heapAt(Math.floor(opts.soak / 10)).toFixed(1)} → ${heapAt(opts.soak).toFixed(1)} MB`
              : ''),
      met: flat,
    });
  }
  {
    const v = results.startup['aisix validate -c FILE'];
    out.push({
      target: '`node bin/aisix.js validate` ≤ 300 ms wall (median of 5)',
      measured: v?.median === undefined ? 'not measured' : `${v.median.toFixed(0)} ms`,
      met: v?.median === undefined ? null : v.median <= 300,
    });
  }
  for (const e of out) log(`target: ${e.met === null ? 'NOT MEASURED' : e.met ? 'met' : 'MISSED'}: ${e.target}: ${e.measured}`);
  return out;
}

/**
 * CPU profiles (node --cpu-prof) of aisix (no guardrails) and, for comparison, of the floor
 * proxy: one process per target and mode, under `opts.duration` s of load at LOAD_CONNECTIONS.
 */
async function profileAisix() {
  const dir = join(RUN_DIR, 'profile');
  rmSync(dir, { recursive: true, force: true });
  results.profile = { runs: [], isolated: layout.generator !== null };
  // The profiled proxy gets the server core(s) to itself; a second mock runs on the generator's
  // core. Otherwise the mock preempts the proxy on their shared core and V8's sampler charges
  // that time to whatever the proxy was in (mostly writev), which blurs the comparison.
  let upstream;
  try {
    upstream = await startNode({
      name: 'profile-mock', args: [BIN, 'mock', '--port', '0'], cpus: layout.generator, cwd: ROOT, logDir: LOGS,
      ready: /^aisix mock listening on (http:\/\/\S+)$/m,
    });
  } catch (err) {
    couldNotRun('profile', err.message);
    return;
  }
  const config = join(RUN_DIR, 'configs', 'aisix-profile.yaml');
  writeFileSync(config, readFileSync(configs.aisix, 'utf8').replaceAll(mock.url, upstream.url));
  for (const mode of MODES) {
    for (const name of ['aisix', 'floor']) {
      const out = join(dir, `${name}-${mode}`);
      mkdirSync(out, { recursive: true });
      const prof = ['--cpu-prof', `--cpu-prof-dir=${out}`];
      log(`profile: ${name} --cpu-prof under ${mode} load`);
      let proc;
      try {
        proc = name === 'aisix'
          ? await startNode({ name: `profile-${name}-${mode}`, args: aisixArgs(config, prof), cpus: layout.servers, cwd: ROOT, logDir: LOGS, ready: AISIX_READY })
          : await startNode({ name: `profile-${name}-${mode}`, args: [...prof, join(ROOT, 'bench', 'floor-proxy.mjs'), upstream.url], cpus: layout.servers, cwd: ROOT, logDir: LOGS, ready: /^floor listening on (http:\/\/\S+)$/m });
        const headers = { 'content-type': 'application/json', authorization: `Bearer ${name === 'aisix' ? CALLER_KEY : UPSTREAM_KEY}` };
        const { times: _times, ...load } = await runLoad({ url: `${proc.url}${PATH}`, headers, body: BODIES[mode], connections: LOAD_CONNECTIONS, duration: opts.duration });
        const exit = await proc.stop('SIGINT', 15_000);
        const file = readdirSync(out).find((f) => f.endsWith('.cpuprofile'));
        if (!file) throw new Error(`no .cpuprofile written (exit code ${exit.code}, signal ${exit.signal})`);
        const summary = summarizeProfile(JSON.parse(readFileSync(join(out, file), 'utf8')), 15);
        const requests = load.ok + load.non2xx;
        results.profile.runs.push({ name, mode, file: relative(ROOT, join(out, file)), requests, rps: load.rps, busyUsPerRequest: (1000 * summary.busyMs) / requests, summary });
      } catch (err) {
        await proc?.stop();
        couldNotRun(`profile of ${name} (${mode})`, err.message);
      }
    }
  }
  await upstream.stop();
}
