#!/usr/bin/env node
// `npm run bench`: one run, one machine, one mock. Starts the fake upstream (`aisix mock`), then
// measures the mock called directly, the floor proxy (bench/floor-proxy.mjs), aisix (`aisix serve
// --no-tui`: no guardrails / a block-mode keyword guardrail / a monitor-mode one) and the peer
// (Portkey's gateway from npm, installed and visibly patched under bench/.work: see lib/peer.mjs),
// with JSON and streaming `POST /v1/responses` calls at 1, 32 and 128 connections (autocannon),
// a sequential keep-alive latency probe (our own undici client), agent-sized 1 MB / 5 MB request
// bodies (lib/bodies.mjs), WebSocket turns vs HTTP turns (lib/turns.mjs), time to first token on
// a slow stream with no guardrail / monitor / block in `hold` and `window` mode
// (lib/slow-stream.mjs), peak RSS of every proxy, a 100k-request soak with WebSocket sessions
// alongside and start-up wall times; checks every DESIGN.md §6 target and profiles aisix for each
// one it misses; writes bench/RESULTS.md (keeping its hand-written notes block) and
// bench/.work/results.json. `--quick`: short everything, written to bench/.work/RESULTS-quick.md.
//
// Cores: with 2+ CPUs and `taskset`, the load generator (this process) gets the last core and
// every server (mock, proxies) the others; start-up times use all cores. Every child process is
// killed on exit, error or signal, and the whole run has a time limit (BENCH_TIME_LIMIT_S).
//
// Knobs (environment; bench/README.md): BENCH_DURATION, BENCH_ROUNDS, BENCH_WARMUP,
// BENCH_CONNECTIONS, BENCH_SEQUENTIAL, BENCH_SOAK, BENCH_SOAK_WS, BENCH_BODY_MB, BENCH_BODY_REPS,
// BENCH_BODY_WARMUP, BENCH_SLOW_ROUNDS, BENCH_WS_TURNS, BENCH_TARGETS, BENCH_PROFILE, BENCH_BUILD,
// BENCH_OUT, BENCH_TIME_LIMIT_S, BENCH_AISIX_BIN.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { agentBody } from './lib/agent-body.mjs';
import { measureBodies as runBodies } from './lib/bodies.mjs';
import { CALLER_KEY, NEVER_MATCHES, UPSTREAM_KEY, VARIANTS, writeConfig, writeConfigs } from './lib/configs.mjs';
import { SLOW_OUTPUT, timedStream, timeForChars } from './lib/slow-stream.mjs';
import { HttpTurns, measureTurns, TURN_INPUT, WsSession } from './lib/turns.mjs';
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

// `--quick`: short everything (a minute or two), to check the scripts end to end; writes
// bench/.work/RESULTS-quick.md unless BENCH_OUT says otherwise. The environment still wins.
const quick = process.argv.includes('--quick');
const pick = (full, short) => (quick ? short : full);
const opts = {
  quick,
  duration: num(env.BENCH_DURATION, pick(5, 1)),
  warmup: num(env.BENCH_WARMUP, pick(3, 1)),
  rounds: Math.max(1, num(env.BENCH_ROUNDS, pick(2, 1))),
  connections: (env.BENCH_CONNECTIONS ?? pick('1,32,128', '32')).split(',').map(Number).filter((n) => n > 0),
  sequential: num(env.BENCH_SEQUENTIAL, pick(400, 100)),
  soak: num(env.BENCH_SOAK, pick(100_000, 10_000)),
  soakWebSockets: num(env.BENCH_SOAK_WS, 4),
  startupRuns: pick(5, 3),
  bodySizesMB: (env.BENCH_BODY_MB ?? '1,5').split(',').map(Number).filter((n) => n > 0),
  bodyReps: num(env.BENCH_BODY_REPS, pick(30, 5)),
  bodyWarmup: num(env.BENCH_BODY_WARMUP, pick(5, 2)),
  slowRounds: num(env.BENCH_SLOW_ROUNDS, pick(8, 2)),
  wsTurns: num(env.BENCH_WS_TURNS, pick(300, 60)),
  targets: env.BENCH_TARGETS ? env.BENCH_TARGETS.split(',').map((s) => s.trim()) : null,
  profile: env.BENCH_PROFILE ?? 'auto',
  build: env.BENCH_BUILD !== '0',
  out: resolve(env.BENCH_OUT ?? (quick ? join(ROOT, 'bench', '.work', 'RESULTS-quick.md') : join(ROOT, 'bench', 'RESULTS.md'))),
  limitMs: num(env.BENCH_TIME_LIMIT_S, pick(1500, 600)) * 1000,
};
const LOAD_CONNECTIONS = opts.connections.includes(32) ? 32 : Math.max(...opts.connections);
const MODES = ['json', 'stream'];
const BODIES = {
  json: JSON.stringify({ model: 'bench', input: 'hello bench', stream: false }),
  stream: JSON.stringify({ model: 'bench', input: 'hello bench', stream: true }),
};
const PATH = '/v1/responses';
const AISIX_READY = /^aisix listening on (http:\/\/\S+)$/m;

const AISIX_HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${CALLER_KEY}` };
const FLOOR_HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${UPSTREAM_KEY}` };
const wantedTarget = (name) => opts.targets === null || opts.targets.includes(name);

/** The agent-sized bodies, built once (the body-path profiles reuse them). */
const agentBodies = new Map();
function bodyOf(mb) {
  if (!agentBodies.has(mb)) agentBodies.set(mb, agentBody({ bytes: Math.round(mb * 1024 * 1024) }));
  return agentBodies.get(mb);
}

/**
 * What each profile runs: the process (`variant` of aisix, or the floor) under `node --cpu-prof`
 * and the work it is given. `compare` names the job the report sets it against.
 */
const PROFILE_JOBS = {
  'aisix-json': { label: 'aisix (no guardrails), JSON load', variant: 'aisix', work: 'json', compare: 'floor-json' },
  'aisix-stream': { label: 'aisix (no guardrails), streaming load', variant: 'aisix', work: 'stream', compare: 'floor-stream' },
  'monitor-json': { label: 'aisix + monitor-mode keyword guardrail, JSON load', variant: 'aisix-monitor', work: 'json', compare: 'floor-json' },
  'monitor-stream': { label: 'aisix + monitor-mode keyword guardrail, streaming load', variant: 'aisix-monitor', work: 'stream', compare: 'floor-stream' },
  'floor-json': { label: 'floor, JSON load', variant: 'floor', work: 'json' },
  'floor-stream': { label: 'floor, streaming load', variant: 'floor', work: 'stream' },
  'aisix-body': { label: 'aisix (no guardrails), sequential agent-sized bodies (largest size)', variant: 'aisix', work: 'body', compare: 'floor-body' },
  'input-body': { label: 'aisix + input keyword guardrail (block), sequential agent-sized bodies (largest size)', variant: 'aisix-input', work: 'body', compare: 'floor-body' },
  'floor-body': { label: 'floor, sequential agent-sized bodies (largest size)', variant: 'floor', work: 'body' },
  'aisix-ws': { label: 'aisix (no guardrails), WebSocket turns (8 sessions, back to back)', variant: 'aisix', work: 'ws', compare: 'aisix-http-turns' },
  'aisix-http-turns': { label: 'aisix (no guardrails), HTTP SSE turns (8 connections, back to back)', variant: 'aisix', work: 'http-turns' },
  'validate': { label: '`aisix validate -c FILE` (one run)', variant: 'validate', work: 'validate' },
  'slow-timeline': { label: 'slow-stream timeline (no CPU profile: the time is the upstream\'s)', variant: null, work: 'timeline' },
};

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
  bodies: null,
  websocket: null,
  slowStream: null,
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
await measureBodies();
await measureWebSocket();
for (const t of Object.values(targets)) if (t.proc && t.proc !== mock) await t.proc.stop();
await measureSlowStreams();
await soak();

const evaluation = evaluateTargets();
results.targetsMet = evaluation;
const wanted = new Set(evaluation.flatMap((e) => (opts.profile === '1' || (opts.profile === 'auto' && e.met === false) ? e.profiles ?? [] : [])));
if (wanted.size > 0) await profileAisix(wanted);
await mock.stop();

results.meta.wallSeconds = (performance.now() - t0) / 1000;
writeFileSync(join(WORK, quick ? 'results-quick.json' : 'results.json'), JSON.stringify(results, null, 2));
writeReport(opts.out, results, { opts, layout, targetsOrder: Object.keys(targets), bodies: BODIES, loadConnections: LOAD_CONNECTIONS, profileJobs: PROFILE_JOBS });
log(`wrote ${relative(ROOT, opts.out)} and ${relative(ROOT, join(WORK, quick ? 'results-quick.json' : 'results.json'))} in ${results.meta.wallSeconds.toFixed(0)} s`);
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


/**
 * Agent-sized request bodies (DESIGN.md §6): sequential JSON `POST /v1/responses` with a 1 MB and
 * a 5 MB `input` array, to the mock, the floor, aisix without guardrails, aisix with a block-mode
 * input keyword guardrail (its own process, started here) and the peer; interleaved rounds.
 */
async function measureBodies() {
  if (opts.bodyReps <= 0 || opts.bodySizesMB.length === 0) return;
  const list = [];
  const add = (name, label, url, headers, proc) => list.push({ name, label, url, headers, pid: proc && proc !== mock ? proc.pid : null, proc });
  for (const name of ['direct', 'floor', 'aisix']) {
    const t = targets[name];
    if (t?.ok.json) add(name, t.label, t.url, t.headers, t.proc);
  }
  let input = null;
  if (wantedTarget('aisix')) {
    try {
      const config = writeConfig(join(RUN_DIR, 'configs'), 'aisix-input', mock.url, { mode: 'block', hook: 'input' });
      input = await startNode({ name: 'aisix-input', args: aisixArgs(config), cpus: layout.servers, cwd: ROOT, logDir: LOGS, ready: AISIX_READY });
      add('aisix-input', 'aisix + input keyword guardrail, block', input.url, AISIX_HEADERS, input);
    } catch (err) {
      couldNotRun('aisix + input keyword guardrail (agent-sized bodies)', err.message);
    }
  }
  if (targets.peer?.ok.json) add('peer', targets.peer.label, targets.peer.url, targets.peer.headers, targets.peer.proc);
  results.bodies = { reps: opts.bodyReps, warmup: opts.bodyWarmup, labels: Object.fromEntries(list.map((t) => [t.name, t.label])), order: list.map((t) => t.name), sizes: [], memory: {} };
  try {
    for (const mb of opts.bodySizesMB) {
      const body = bodyOf(mb);
      log(`bodies: ${mb} MB (${body.buffer.length} bytes, ${body.items} input items) × ${opts.bodyReps} sequential requests per target (${list.map((t) => t.name).join(', ')}), after ${opts.bodyWarmup} warm-ups`);
      const rows = await runBodies(list, body.buffer, { reps: opts.bodyReps, warmup: opts.bodyWarmup });
      results.bodies.sizes.push({ mb, bytes: body.buffer.length, items: body.items, kinds: body.kinds, rows });
      const floor = rows.floor?.median;
      for (const t of list) {
        const x = rows[t.name];
        if (x.n === 0) {
          log(`bodies ${mb} MB ${t.name}: every request failed (${x.failures}: ${x.lastFailure})`);
          couldNotRun(`${t.label}, ${mb} MB bodies`, x.lastFailure);
          continue;
        }
        log(`bodies ${mb} MB ${t.name}: median ${x.median?.toFixed(2)} ms, p90 ${x.p90?.toFixed(2)} ms${floor !== undefined && t.name !== 'floor' && t.name !== 'direct' ? ` (${(x.median - floor >= 0 ? '+' : '') + (x.median - floor).toFixed(2)} ms over the floor)` : ''}${x.cpuMsPerRequest !== null ? `, proxy CPU ${x.cpuMsPerRequest.toFixed(2)} ms/req` : ''}${x.failures ? `, ${x.failures} failures (${x.lastFailure})` : ''}`);
      }
    }
    for (const t of list) if (t.pid) results.bodies.memory[t.name] = t.proc.status();
  } finally {
    await input?.stop();
  }
}

/**
 * WebSocket mode vs HTTP streaming (DESIGN.md §6, §11): sequential turns of the same small
 * `response.create`, straight to the mock and through aisix (no guardrails), over one kept-open
 * WebSocket and as streamed `POST /v1/responses` on one keep-alive connection; interleaved rounds.
 */
async function measureWebSocket() {
  if (opts.wsTurns <= 0 || !targets.aisix?.ok.stream) return;
  const a = targets.aisix;
  const runs = [
    { name: 'direct-ws', label: 'mock, WebSocket', model: 'bench', open: () => WsSession.open(mock.url) },
    { name: 'aisix-ws', label: 'aisix, WebSocket', model: 'bench', open: () => WsSession.open(a.url, { authorization: AISIX_HEADERS.authorization }) },
    { name: 'direct-http', label: 'mock, HTTP SSE', model: 'bench', open: async () => new HttpTurns(mock.url) },
    { name: 'aisix-http', label: 'aisix, HTTP SSE', model: 'bench', open: async () => new HttpTurns(a.url, { authorization: AISIX_HEADERS.authorization }) },
  ];
  const rounds = Math.min(5, opts.wsTurns);
  const perRound = Math.ceil(opts.wsTurns / rounds);
  log(`websocket: ${rounds} rounds × ${perRound} turns × ${runs.length} (mock / aisix × WebSocket / HTTP SSE)`);
  try {
    const rows = await measureTurns(runs, { rounds, perRound, warmup: Math.min(100, opts.wsTurns), body: { input: TURN_INPUT, store: false } });
    results.websocket = { rows, labels: Object.fromEntries(runs.map((r) => [r.name, r.label])), order: runs.map((r) => r.name), turns: rounds * perRound };
    for (const r of runs) {
      const x = rows[r.name];
      log(`websocket ${r.name}: p50 ${x.p50?.toFixed(3)} ms, p90 ${x.p90?.toFixed(3)} ms${x.failures ? `, ${x.failures} failures (${x.lastFailure})` : ''}`);
    }
  } catch (err) {
    results.websocket = { error: err.message };
    couldNotRun('WebSocket turns', err.message);
  }
}

/**
 * Time to first token on a slow stream (DESIGN.md §3 `window` mode, §6): the mock's `mock-slow`
 * (500 ms to the first byte, 100 ms between one-word deltas), straight and through aisix with no
 * guardrail, an output keyword guardrail in monitor mode, and in block mode with
 * `stream_guardrails: hold` and `window` (one process each); every variant once per round,
 * concurrently, started ~18 ms apart (the time is the mock's sleeps). Then the window and hold processes get a stream
 * whose text contains the pattern: the matched span must never reach the client.
 */
async function measureSlowStreams() {
  if (opts.slowRounds <= 0 || !wantedTarget('aisix')) return;
  const W = NEVER_MATCHES.length;
  const variants = [
    { name: 'none', label: 'aisix, no guardrail (live)' },
    { name: 'monitor', label: 'aisix, output keyword guardrail, monitor', guardrail: { mode: 'monitor', hook: 'output' } },
    { name: 'hold', label: 'aisix, output keyword guardrail, block, `stream_guardrails: hold`', guardrail: { mode: 'block', hook: 'output' }, proxy: { stream_guardrails: 'hold' } },
    { name: 'window', label: 'aisix, output keyword guardrail, block, `stream_guardrails: window`', guardrail: { mode: 'block', hook: 'output' }, proxy: { stream_guardrails: 'window' } },
  ];
  const procs = [];
  const runs = [{ name: 'direct', label: 'mock (`mock-slow`), direct', url: mock.url, model: 'mock-slow', headers: FLOOR_HEADERS }];
  results.slowStream = { w: W, pattern: NEVER_MATCHES, output: SLOW_OUTPUT, rounds: opts.slowRounds, rows: {}, labels: {}, order: [], check: {} };
  try {
    for (const v of variants) {
      const config = writeConfig(join(RUN_DIR, 'configs'), `aisix-slow-${v.name}`, mock.url, v.guardrail ?? null, { model: 'mock-slow', proxy: v.proxy ?? null, forwardHeaders: ['x-mock-output'] });
      const proc = await startNode({ name: `aisix-slow-${v.name}`, args: aisixArgs(config), cpus: layout.servers, cwd: ROOT, logDir: LOGS, ready: AISIX_READY });
      procs.push(proc);
      runs.push({ name: v.name, label: v.label, url: proc.url, model: 'bench', headers: AISIX_HEADERS });
    }
    const request = (r, output) => timedStream({ origin: r.url, headers: { ...r.headers, 'x-mock-output': output }, body: { model: r.model, input: 'hello bench', stream: true, store: false } })
      .catch((err) => ({ error: err?.code ?? err?.message ?? String(err) }));
    log(`slow stream: ${opts.slowRounds} rounds × ${runs.length} variants (mock-slow, "${SLOW_OUTPUT}", W = ${W})`);
    const samples = new Map(runs.map((r) => [r.name, []]));
    // the variants of a round start STAGGER ms apart, so their events (100 ms apart) never wake
    // the shared core at the same moment; each one's times are its own, from its own start
    const STAGGER = Math.floor(90 / runs.length);
    const roundOf = () => Promise.all(runs.map((r, i) => sleep(i * STAGGER).then(() => request(r, SLOW_OUTPUT))));
    await roundOf(); // warm-up: fresh processes, cold code
    for (let round = 0; round < opts.slowRounds; round++) {
      const out = await roundOf();
      out.forEach((x, i) => samples.get(runs[i].name).push(x));
    }
    const med = (xs) => (xs.length === 0 ? null : median(xs));
    for (const r of runs) {
      const all = samples.get(r.name);
      const ok = all.filter((x) => x.status === 200 && x.terminal === 'response.completed');
      const bad = all.filter((x) => !ok.includes(x));
      const row = {
        n: ok.length,
        failures: bad.length,
        lastFailure: bad.length ? (bad.at(-1).error ?? `status ${bad.at(-1).status}, terminal ${bad.at(-1).terminal}: ${bad.at(-1).text?.slice(0, 160)}`) : null,
        ttfb: med(ok.map((x) => x.ttfb)),
        ttft: med(ok.map((x) => x.ttft)),
        total: med(ok.map((x) => x.total)),
        deltas: med(ok.map((x) => x.deltas.length)),
        // the first delta's lead over the stream's end: 0 when the stream was held whole
        ttftBeforeEnd: med(ok.map((x) => x.total - x.ttft)),
      };
      if (r.name === 'direct') {
        row.wTime = med(ok.map((x) => timeForChars(x.deltas, W)));
        row.deltaGap = med(ok.flatMap((x) => x.deltas.slice(1).map((d, i) => d.at - x.deltas[i].at)));
      }
      results.slowStream.rows[r.name] = row;
      results.slowStream.labels[r.name] = r.label;
      results.slowStream.order.push(r.name);
      if (row.n === 0) {
        log(`slow stream ${r.name}: every stream failed (${row.failures}: ${row.lastFailure})`);
        couldNotRun(`slow stream, ${r.label}`, row.lastFailure);
        continue;
      }
      log(`slow stream ${r.name}: TTFB ${row.ttfb?.toFixed(1)} ms, first delta ${row.ttft?.toFixed(1)} ms, total ${row.total?.toFixed(1)} ms${row.wTime != null ? `, upstream time for W=${W} chars after the first delta ${row.wTime.toFixed(1)} ms` : ''}${row.failures ? `, ${row.failures} failures (${row.lastFailure})` : ''}`);
    }
    // the matched span never on the wire: the pattern as the fifth word
    const blocked = SLOW_OUTPUT.split(' ').toSpliced(4, 0, NEVER_MATCHES).join(' ');
    for (const name of ['hold', 'window']) {
      const x = await request(runs.find((r) => r.name === name), blocked);
      results.slowStream.check[name] = x.error
        ? { error: x.error }
        : { status: x.status, leaked: x.text.includes(NEVER_MATCHES), deltas: x.deltas.length, terminal: x.terminal, blockedBy: /content_filter|guardrail/.test(x.text), ttft: x.ttft, total: x.total };
      log(`slow stream, pattern in the text, ${name}: ${JSON.stringify(results.slowStream.check[name])}`);
    }
  } catch (err) {
    results.slowStream.error = err.message;
    couldNotRun('slow-stream time to first token', err.message);
  } finally {
    for (const p of procs) await p.stop();
  }
}

/**
 * The soak: `opts.soak` JSON requests at LOAD_CONNECTIONS through a fresh aisix, with
 * `opts.soakWebSockets` long-lived WebSocket sessions sending turns back to back alongside;
 * RSS (and the live heap after full GCs, from --trace-gc) every tenth of the requests.
 */
async function soak() {
  if (opts.soak <= 0 || !wantedTarget('aisix')) return;
  let proc;
  try {
    // --trace-gc: the live heap after each full (mark-compact) GC tells a leak from heap sizing
    proc = await startNode({ name: 'aisix-soak', args: aisixArgs(configs.aisix, ['--trace-gc']), cpus: layout.servers, cwd: ROOT, logDir: LOGS, ready: AISIX_READY });
  } catch (err) {
    results.soak = { error: err.message };
    couldNotRun('soak', err.message);
    return;
  }
  const ws = { sessions: 0, turns: 0, failures: 0, lastFailure: null };
  const sessions = [];
  for (let i = 0; i < opts.soakWebSockets; i++) {
    try {
      sessions.push(await WsSession.open(proc.url, { authorization: AISIX_HEADERS.authorization }));
      ws.sessions++;
    } catch (err) {
      ws.failures++;
      ws.lastFailure = err.message;
    }
  }
  let stopTurns = false;
  const loops = sessions.map(async (s) => {
    while (!stopTurns) {
      try {
        await s.turn({ model: 'bench', input: TURN_INPUT, store: false });
        ws.turns++;
      } catch (err) {
        ws.failures++;
        ws.lastFailure = err.message;
        if (s.closed !== null) return;
        await sleep(20); // not a hot loop of refusals
      }
    }
  });
  const sample = (n) => ({ n, wsTurns: ws.turns, rssMB: proc.status()?.rssMB, outBytes: statSync(proc.outPath).size });
  const samples = [sample(0)];
  log(`soak: ${opts.soak} JSON requests at ${LOAD_CONNECTIONS} connections through aisix (pid ${proc.pid}), with ${ws.sessions} WebSocket sessions sending turns`);
  try {
    const r = await runLoad({
      url: `${proc.url}${PATH}`,
      headers: AISIX_HEADERS,
      body: BODIES.json,
      connections: LOAD_CONNECTIONS,
      amount: opts.soak,
      every: Math.max(1, Math.floor(opts.soak / 10)),
      onCount: (n) => samples.push(sample(n)),
    });
    stopTurns = true;
    await Promise.all(loops);
    for (const s of sessions) await s.close();
    await sleep(1000);
    const end = proc.status();
    const { times: _times, ...summary } = r;
    heapAfterFullGc(proc.outPath, samples);
    results.soak = { ...summary, samples, rssAfterIdleMB: end?.rssMB, hwmMB: end?.hwmMB, ws };
    log(`soak: ${samples.map((s) => `${s.n / 1000}k=${s.rssMB?.toFixed(1)}MB`).join(' ')}; WebSocket turns ${ws.turns} (${ws.failures} failures${ws.lastFailure ? `: ${ws.lastFailure}` : ''})`);
  } catch (err) {
    results.soak = { error: err.message, samples, ws };
    couldNotRun('soak', err.message);
  } finally {
    stopTurns = true;
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


/**
 * DESIGN.md §6's targets, each { target, measured, met (true | false | null: not measured),
 * profiles: the PROFILE_JOBS that explain a miss }.
 */
function evaluateTargets() {
  const load = (name, mode) => results.load[name]?.[mode]?.[LOAD_CONNECTIONS];
  const seq = (name, mode) => results.sequential[name]?.[mode];
  const out = [];
  const fix = (v, d = 3) => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(d));
  const plus = (v, d = 3) => `${v >= 0 ? '+' : ''}${v.toFixed(d)}`;
  // a row with failed requests measured something else (an error path): say so, judge nothing
  const failed = (...rows) => {
    const n = rows.reduce((sum, x) => sum + (x?.failures ?? 0), 0);
    return n > 0 ? `; ${n} failed requests (${rows.find((x) => x?.failures)?.lastFailure ?? '?'}): not a valid measurement` : '';
  };
  for (const [name, floorPct, what] of [['aisix', 0.9, 'no guardrails'], ['aisix-monitor', 0.8, 'monitor-mode keyword guardrail']]) {
    for (const mode of MODES) {
      const a = load(name, mode);
      const f = load('floor', mode);
      const ratio = a && f ? a.rps / f.rps : null;
      // the same ratio predicted from CPU per request (proxy + mock share one core): robust to noise
      const cpuRatio = a?.proxyCpuUs && f?.proxyCpuUs ? (f.proxyCpuUs + f.mockCpuUs) / (a.proxyCpuUs + a.mockCpuUs) : null;
      const noise = a && f ? Math.max(a.otherCpuPct ?? 0, f.otherCpuPct ?? 0) : 0;
      const bad = a ? a.non2xx + a.errors + a.timeouts : 0;
      const invalid = a && bad > 0.01 * (a.ok + bad);
      out.push({
        target: `throughput, ${mode === 'json' ? 'JSON' : 'streaming'}, ${LOAD_CONNECTIONS} connections, ${what}: ≥ ${floorPct * 100}% of the floor's`,
        measured:
          ratio === null
            ? 'not measured'
            : `${(100 * ratio).toFixed(1)}% (${a.rps.toFixed(0)} vs ${f.rps.toFixed(0)} req/s)` +
              (cpuRatio === null ? '' : `; by CPU per request (proxy + mock): ${(100 * cpuRatio).toFixed(0)}% (${(a.proxyCpuUs + a.mockCpuUs).toFixed(0)} vs ${(f.proxyCpuUs + f.mockCpuUs).toFixed(0)} µs)`) +
              (noise > 10 ? `; noisy: other processes used up to ${noise.toFixed(0)}% of the machine` : '') +
              (bad > 0 ? `; ${bad} non-2xx/errors/timeouts${invalid ? ' (over 1%: not a valid measurement)' : ''}` : ''),
        met: ratio === null || invalid ? null : ratio >= floorPct,
        profiles: [`${name === 'aisix' ? 'aisix' : 'monitor'}-${mode}`, `floor-${mode}`],
      });
    }
  }
  {
    const a = seq('aisix', 'json');
    const f = seq('floor', 'json');
    const gap = a && f ? a.median - f.median : null;
    out.push({
      target: 'latency at 1 connection (JSON, median of sequential keep-alive requests): within 0.15 ms of the floor\'s',
      measured: gap === null ? 'not measured' : `${plus(gap)} ms (${a.median.toFixed(3)} vs ${f.median.toFixed(3)} ms)${failed(a, f)}`,
      met: gap === null || failed(a, f) ? null : gap <= 0.15,
      profiles: ['aisix-json', 'floor-json'],
    });
  }
  for (const name of ['aisix', 'aisix-monitor']) {
    const a = seq(name, 'stream');
    const f = seq('floor', 'stream');
    const gap = a && f ? a.ttfbMedian - f.ttfbMedian : null;
    out.push({
      target: `live-stream time to first byte${name === 'aisix' ? '' : ' (monitor-mode guardrail)'}: within 0.5 ms of the floor's`,
      measured: gap === null ? 'not measured' : `${plus(gap)} ms (${a.ttfbMedian.toFixed(3)} vs ${f.ttfbMedian.toFixed(3)} ms)${failed(a, f)}`,
      met: gap === null || failed(a, f) ? null : gap <= 0.5,
      profiles: [name === 'aisix' ? 'aisix-stream' : 'monitor-stream', 'floor-stream'],
    });
  }
  for (const [name, limits, what, job] of [['aisix', { 1: 2, 5: 8 }, 'without input guardrails', 'aisix-body'], ['aisix-input', { 1: 6, 5: 30 }, 'with an input keyword guardrail (block)', 'input-body']]) {
    for (const mb of [1, 5]) {
      const size = results.bodies?.sizes.find((s) => s.mb === mb);
      const a = size?.rows[name];
      const f = size?.rows.floor;
      const gap = a?.n && f?.n ? a.median - f.median : null;
      out.push({
        target: `agent-sized body, ${mb} MB Responses \`input\` array, ${what}: added latency over the floor ≤ ${limits[mb]} ms (median)`,
        measured: gap === null ? (a?.failures ? `not measured: every request failed (${a.lastFailure})` : 'not measured') : `${plus(gap, 2)} ms (${a.median.toFixed(2)} vs ${f.median.toFixed(2)} ms; p90 ${fix(a.p90, 2)} vs ${fix(f.p90, 2)} ms${a.cpuMsPerRequest !== null && f.cpuMsPerRequest !== null ? `; proxy CPU ${fix(a.cpuMsPerRequest, 2)} vs ${fix(f.cpuMsPerRequest, 2)} ms/req` : ''})${failed(a, f)}`,
        met: gap === null || failed(a, f) ? null : gap <= limits[mb],
        profiles: [job, 'floor-body'],
      });
    }
  }
  {
    const s = results.slowStream;
    const live = s?.rows?.none;
    const win = s?.rows?.window;
    const hold = s?.rows?.hold;
    const wTime = s?.rows?.direct?.wTime;
    const ok = live?.n && win?.n && wTime !== null && wTime !== undefined && !failed(live, win);
    // the mock sleeps 100 ms between deltas: allow its timer jitter (medians of a few runs)
    const slack = 2;
    const bound = ok ? live.ttft + wTime : null;
    const heldWhole = ok && win.ttftBeforeEnd !== null && win.ttftBeforeEnd < 5;
    out.push({
      target: `block-mode output guardrail in \`window\` mode, slow stream: time to first token ≤ the live path's + the time the upstream takes to send W = ${s?.w ?? '?'} characters (+ ${slack} ms timer slack)`,
      measured: !ok
        ? `not measured${failed(live, win, s?.rows?.direct)}`
        : `${win.ttft.toFixed(1)} ms vs ≤ ${bound.toFixed(1)} ms (live ${live.ttft.toFixed(1)} + ${wTime.toFixed(1)} ms for W chars; hold ${hold?.ttft?.toFixed(1) ?? '–'} ms, monitor ${s.rows.monitor?.ttft?.toFixed(1) ?? '–'} ms)` +
          (heldWhole ? `; the first delta came ${win.ttftBeforeEnd.toFixed(1)} ms before the stream's end: the stream was held whole (window mode not in effect: it behaved as hold)` : ''),
      met: ok ? win.ttft <= bound + slack : null,
      profiles: ['slow-timeline'],
    });
    const checks = Object.entries(s?.check ?? {});
    const leaked = checks.some(([, c]) => c.leaked === true);
    // a valid check saw the block: hold's (or window's, before any release) 422, or a 200 stream ending in the error
    const blocked = (c) => c.status === 422 || (c.status === 200 && /error/.test(c.terminal ?? ''));
    const complete = checks.length === 2 && checks.every(([, c]) => c.leaked !== undefined && blocked(c));
    out.push({
      target: 'block-mode output guardrail (`hold` and `window`): no blocked span ever on the wire',
      measured: checks.length === 0 ? 'not measured' : checks.map(([name, c]) => (c.error ? `${name}: ${c.error}` : `${name}: HTTP ${c.status}, ${c.deltas} deltas released, ${c.leaked ? '**the matched text reached the client**' : 'matched text never sent'}${c.terminal ? `, ended with ${c.terminal}` : ''}${blocked(c) ? '' : ' (no block seen: not a valid check)'}`)).join('; '),
      met: checks.length === 0 || !complete ? (leaked ? false : null) : !leaked,
      profiles: [],
    });
  }
  {
    const w = results.websocket?.rows;
    const ws = w ? w['aisix-ws']?.p50 - w['direct-ws']?.p50 : NaN;
    const http = w ? w['aisix-http']?.p50 - w['direct-http']?.p50 : NaN;
    const ok = Number.isFinite(ws) && Number.isFinite(http) && !failed(...Object.values(w ?? {}));
    out.push({
      target: 'WebSocket mode: added latency per `response.create` (p50 of sequential turns, over the mock direct) ≤ the HTTP path\'s (streamed POST)',
      measured: ok ? `WebSocket ${plus(ws)} ms (${w['aisix-ws'].p50.toFixed(3)} vs ${w['direct-ws'].p50.toFixed(3)} ms) vs HTTP SSE ${plus(http)} ms (${w['aisix-http'].p50.toFixed(3)} vs ${w['direct-http'].p50.toFixed(3)} ms)` : `not measured${failed(...Object.values(w ?? {}))}`,
      met: ok ? ws <= http : null,
      profiles: ['aisix-ws', 'aisix-http-turns'],
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
      target: `RSS flat over a soak of ${opts.soak.toLocaleString('en-US')} HTTP requests with ${opts.soakWebSockets} WebSocket sessions sending turns alongside (RSS at the last sample ≤ 110% of the first + 2 MB)`,
      measured:
        flat === null
          ? 'not measured'
          : `${first.toFixed(1)} MB at ${(opts.soak / 10 / 1000).toFixed(0)}k → ${last.toFixed(1)} MB at ${(opts.soak / 1000).toFixed(0)}k; ${s.ws?.turns ?? 0} WebSocket turns (${s.ws?.failures ?? 0} failed)` +
            (heapAt(Math.floor(opts.soak / 10)) != null && heapAt(opts.soak) != null
              ? `; live heap after the last full GC: ${heapAt(Math.floor(opts.soak / 10)).toFixed(1)} → ${heapAt(opts.soak).toFixed(1)} MB`
              : ''),
      met: flat === null ? null : flat && (s.ws?.turns ?? 0) > 0,
      profiles: [],
    });
  }
  {
    const v = results.startup['aisix validate -c FILE'];
    out.push({
      target: '`node bin/aisix.js validate` ≤ 300 ms wall (median)',
      measured: v?.median === undefined ? 'not measured' : `${v.median.toFixed(0)} ms`,
      met: v?.median === undefined ? null : v.median <= 300,
      profiles: ['validate'],
    });
  }
  for (const e of out) log(`target: ${e.met === null ? 'NOT MEASURED' : e.met ? 'met' : 'MISSED'}: ${e.target}: ${e.measured}`);
  return out;
}


/**
 * CPU profiles (node --cpu-prof) for the jobs in `wanted` (and what they compare against): one
 * fresh process per job, under `opts.duration` s of its work (or a fixed number of requests).
 */
async function profileAisix(wanted) {
  const jobs = new Set();
  for (const key of wanted) {
    if (!PROFILE_JOBS[key] || PROFILE_JOBS[key].variant === null) continue;
    jobs.add(key);
    if (PROFILE_JOBS[key].compare) jobs.add(PROFILE_JOBS[key].compare);
  }
  if (jobs.size === 0) return;
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
  const cfg = {
    'aisix': writeConfig(join(RUN_DIR, 'configs'), 'profile-aisix', upstream.url, null),
    'aisix-monitor': writeConfig(join(RUN_DIR, 'configs'), 'profile-aisix-monitor', upstream.url, 'monitor'),
    'aisix-input': writeConfig(join(RUN_DIR, 'configs'), 'profile-aisix-input', upstream.url, { mode: 'block', hook: 'input' }),
  };
  const largest = Math.max(...opts.bodySizesMB, 1);
  for (const key of Object.keys(PROFILE_JOBS).filter((k) => jobs.has(k))) {
    const job = PROFILE_JOBS[key];
    const out = join(dir, key);
    mkdirSync(out, { recursive: true });
    const prof = ['--cpu-prof', `--cpu-prof-dir=${out}`];
    log(`profile: ${key} (${job.label})`);
    let proc;
    try {
      let requests;
      let rps = null;
      let window = null; // the samples taken while the work ran (not the process's start-up)
      if (job.work === 'validate') {
        const r = timeNodeRun([...prof, BIN, 'validate', '-c', cfg.aisix], { cwd: ROOT, cpus: layout.startup });
        if (r.code !== 0) throw new Error(`validate exited ${r.code}`);
        requests = 1;
      } else {
        proc = job.variant === 'floor'
          ? await startNode({ name: `profile-${key}`, args: [...prof, join(ROOT, 'bench', 'floor-proxy.mjs'), upstream.url], cpus: layout.servers, cwd: ROOT, logDir: LOGS, ready: /^floor listening on (http:\/\/\S+)$/m })
          : await startNode({ name: `profile-${key}`, args: aisixArgs(cfg[job.variant], prof), cpus: layout.servers, cwd: ROOT, logDir: LOGS, ready: AISIX_READY });
        const headers = job.variant === 'floor' ? FLOOR_HEADERS : AISIX_HEADERS;
        const fromUs = Number(process.hrtime.bigint() / 1000n);
        ({ requests, rps } = await profileWork(job.work, proc.url, headers, largest));
        window = { fromUs, toUs: Number(process.hrtime.bigint() / 1000n) };
        const exit = await proc.stop('SIGINT', 15_000);
        if (exit.signal === 'SIGKILL') throw new Error('the profiled process did not exit on SIGINT');
      }
      const file = readdirSync(out).find((f) => f.endsWith('.cpuprofile'));
      if (!file) throw new Error('no .cpuprofile written');
      const summary = summarizeProfile(JSON.parse(readFileSync(join(out, file), 'utf8')), 15, window);
      results.profile.runs.push({ key, label: job.label, compare: job.compare ?? null, file: relative(ROOT, join(out, file)), requests, rps, busyUsPerRequest: (1000 * summary.busyMs) / requests, summary });
    } catch (err) {
      await proc?.stop();
      couldNotRun(`profile ${key}`, err.message);
    }
  }
  await upstream.stop();
}

/** Drives a profiled process; resolves to { requests (or turns), rps }. */
async function profileWork(work, url, headers, largestMB) {
  if (work === 'json' || work === 'stream') {
    const { times: _times, ...load } = await runLoad({ url: `${url}${PATH}`, headers, body: BODIES[work], connections: LOAD_CONNECTIONS, duration: opts.duration });
    return { requests: load.ok + load.non2xx, rps: load.rps };
  }
  if (work === 'body') {
    const n = Math.max(10, opts.bodyReps);
    const t0 = performance.now();
    const r = await runBodies([{ name: 'p', url, headers, pid: null }], bodyOf(largestMB).buffer, { reps: n, warmup: 2 });
    if (r.p.n === 0) throw new Error(`every body request failed: ${r.p.lastFailure}`);
    return { requests: n + 2, rps: (n + 2) / ((performance.now() - t0) / 1000) };
  }
  // turns: 8 sessions (WebSocket) or connections (HTTP SSE), each sending turns back to back
  const open = work === 'ws' ? () => WsSession.open(url, { authorization: headers.authorization }) : async () => new HttpTurns(url, { authorization: headers.authorization });
  const sessions = await Promise.all(Array.from({ length: 8 }, open));
  const deadline = performance.now() + opts.duration * 1000;
  const t0 = performance.now();
  let turns = 0;
  await Promise.all(sessions.map(async (s) => {
    while (performance.now() < deadline) {
      await s.turn({ model: 'bench', input: TURN_INPUT, store: false });
      turns++;
    }
  }));
  for (const s of sessions) await s.close();
  return { requests: turns, rps: turns / ((performance.now() - t0) / 1000) };
}
