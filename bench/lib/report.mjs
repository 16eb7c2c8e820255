// Writes bench/RESULTS.md from one run's results. The block between the `notes:begin` and
// `notes:end` markers is hand-written analysis: it is carried over from the previous file as is.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const NOTES_BEGIN = '<!-- notes:begin (hand-written; kept when the bench rewrites this file) -->';
const NOTES_END = '<!-- notes:end -->';

const ms = (v, digits = 2) => (v === undefined || v === null || Number.isNaN(v) ? '–' : v.toFixed(digits));
const int = (v) => (v === undefined || v === null || Number.isNaN(v) ? '–' : Math.round(v).toLocaleString('en-US'));
const pct = (v) => (v === undefined || v === null || Number.isNaN(v) ? '–' : `${(100 * v).toFixed(0)}%`);
const signed = (v, digits = 3) => (v === undefined || v === null || Number.isNaN(v) ? '–' : `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`);

const cell = (v) => String(v).replace(/\s+/g, ' ').replace(/\|/g, '\\|');
const times = (v) => (v === undefined || v === null || Number.isNaN(v) ? '–' : `${v.toFixed(2)}×`);

function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((h, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

/** One line on why a target missed: what its profiles (or its own rows) show. */
function why(e, r) {
  const runs = r.profile?.runs ?? [];
  if ((e.profiles ?? []).includes('slow-timeline')) {
    const ss = r.slowStream;
    const win = ss?.rows?.window;
    const hold = ss?.rows?.hold;
    if (win && hold && win.ttftBeforeEnd !== null && win.ttftBeforeEnd < 5) return `in \`window\` mode the first delta arrived with the whole stream (${win.ttft.toFixed(1)} ms, hold ${hold.ttft?.toFixed(1)} ms): the window was not applied — the stream was held as in \`hold\` mode. Nothing to profile: the wait is the upstream's, not CPU.`;
    return 'see the slow-stream table: the wait is the upstream\'s, not CPU, so there is no CPU profile.';
  }
  if (e.target.startsWith('RSS flat') && r.soak?.samples?.length > 2) {
    const s = r.soak.samples;
    const first = s[1];
    const last = s.at(-1);
    const rss = last.rssMB - first.rssMB;
    const heap = last.heapAfterFullGcMB !== null && first.heapAfterFullGcMB !== null ? last.heapAfterFullGcMB - first.heapAfterFullGcMB : null;
    if (heap === null) return `RSS ${first.rssMB.toFixed(1)} → ${last.rssMB.toFixed(1)} MB; no full GC was logged to tell live data from heap sizing (see the soak section). No CPU profile applies.`;
    const leakish = heap > Math.max(2, 0.5 * rss);
    return `RSS +${rss.toFixed(1)} MB from ${(first.n / 1000).toFixed(0)}k to ${(last.n / 1000).toFixed(0)}k requests while the live V8 heap after full GCs moved ${heap >= 0 ? '+' : ''}${heap.toFixed(1)} MB (${first.heapAfterFullGcMB.toFixed(1)} → ${last.heapAfterFullGcMB.toFixed(1)}): ${leakish ? 'live JS data grows — retained objects (a heap snapshot diff, `node --heapsnapshot-signal=SIGUSR2`, would name them)' : 'most of the growth is not live JS data but heap reservations and allocator caches (V8 sizes its heap to the load; RSS is what the OS sees)'}. No CPU profile applies (see the soak section).`;
  }
  if ((e.profiles ?? []).length === 0) return 'no CPU profile applies; see its section below.';
  const a = runs.find((x) => x.key === e.profiles[0]);
  if (!a) return 'not profiled (set `BENCH_PROFILE=1`, or see "Could not run").';
  const f = runs.find((x) => x.key === (e.profiles[1] ?? a.compare));
  const perReq = (run, x) => (1000 * x.ms) / run.requests;
  const own = (a.summary.ownSelf ?? []).slice(0, 5).map((x) => `\`${x.name}\` ${(a.requests === 1 ? x.ms : perReq(a, x)).toFixed(1)}`).join(', ');
  if (a.requests === 1) return `[${a.key}](#profile-${a.key}): ${a.summary.busyMs.toFixed(0)} ms busy; by area ${a.summary.areas.slice(0, 4).map((x) => `${x.name} ${x.ms.toFixed(0)} ms`).join(', ')}; aisix's own top self time (ms): ${own || 'none'}.`;
  let diff = '';
  if (f) {
    const areas = new Map();
    for (const x of a.summary.areas) areas.set(x.name, perReq(a, x));
    for (const x of f.summary.areas) areas.set(x.name, (areas.get(x.name) ?? 0) - perReq(f, x));
    diff = `; ${a.busyUsPerRequest.toFixed(0)} vs ${f.busyUsPerRequest.toFixed(0)} µs busy per request against [${f.key}](#profile-${f.key}), the difference by area (µs/req): ${[...areas].sort((x, y) => y[1] - x[1]).filter(([, v]) => v > 0.5).slice(0, 4).map(([n, v]) => `${n} +${v.toFixed(1)}`).join(', ')}`;
  } else {
    diff = `; ${a.busyUsPerRequest.toFixed(0)} µs busy per request`;
  }
  return `[${a.key}](#profile-${a.key})${diff}; aisix's own top self time (µs/req): ${own || 'none'}.`;
}

function previousNotes(path) {
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  const a = text.indexOf(NOTES_BEGIN);
  const b = text.indexOf(NOTES_END);
  if (a < 0 || b < a) return null;
  return text.slice(a + NOTES_BEGIN.length, b).trim();
}

export function writeReport(path, r, { opts, layout, targetsOrder, bodies, loadConnections }) {
  const notes = previousNotes(path) ?? '_No notes yet._';
  const m = r.meta;
  const label = (name) => r.targets[name]?.label ?? name;
  const measured = targetsOrder.filter((name) => r.targets[name] && !r.targets[name].error);
  const out = [];
  const push = (...lines) => out.push(...lines);

  push('# aisix benchmarks', '');
  push(`Generated by \`npm run bench\` (bench/run.mjs) on ${m.date.slice(0, 16).replace('T', ' ')} UTC in ${Math.round(m.wallSeconds)} s. Numbers are from this one run on this one machine: compare rows, not machines.`, '');

  push('## Machine and setup', '');
  push(`- Machine: ${m.nproc} CPUs, ${m.cpu}, ${m.memGB.toFixed(1)} GB RAM, ${m.kernel}`);
  push(`- Node ${m.node}; aisix ${m.aisix} (git ${m.commit}${m.dirtySrcFiles ? `, built from a working tree with ${m.dirtySrcFiles} uncommitted src/ files` : ''}); autocannon ${m.autocannon}; undici ${m.undici}`);
  if (layout.generator !== null) {
    push(`- Cores (taskset): load generator (autocannon and the latency probe, this process) on CPU ${layout.generator} (${layout.generatorCores} core); every server — the mock and the proxy under test — on CPU ${layout.servers} (${layout.serverCores} core${layout.serverCores > 1 ? 's' : ''}), so a proxy shares its core with the mock. Start-up times use all ${m.nproc} CPUs.`);
  } else {
    push(`- Cores: not pinned (${m.nproc} CPU${m.nproc > 1 ? 's' : ''}, taskset ${layout.generator === null ? 'unavailable or one CPU' : ''}): generator and servers shared every core.`);
  }
  push(`- Upstream: \`aisix mock\` (model \`mock-echo\`), one process shared by every target. Request: \`POST /v1/responses\` with \`${bodies.json}\` (JSON) or \`${bodies.stream}\` (SSE, 10 events, ~5 KB).`);
  push(`- Load: autocannon, no pipelining; every target warmed for ${opts.warmup} s per mode at ${loadConnections} connections first; then each scenario runs every target ${opts.rounds} × ${opts.duration} s, interleaved (order reversed every other round) so drift hits all alike; req/s over the pooled time (each run's req/s shown too), p50/p99 over every 2xx response's own time. Sequential probe: ${opts.sequential} keep-alive requests per target and mode on one connection (10 interleaved rounds after 50 warm-ups), timed by an undici client from request sent to last byte, and to first body byte (TTFB).`);
  push('- aisix: `node bin/aisix.js serve --no-tui -c FILE --port 0` with one provider key onto the mock, one alias (`bench` → `mock-echo`) and caller-key auth; variants with a keyword guardrail (`hook_point: both`, a pattern that never matches) in block mode and in monitor mode. The line reporter writes one line per request to a file (stdout redirected).');
  push('- Started for one scenario each (same core, same mock): aisix with a block-mode input keyword guardrail (agent-sized bodies); four aisix onto `mock-slow` (slow stream: none / monitor / block + `hold` / block + `window`); a fresh aisix with `--trace-gc` (soak); and, for the profiles, fresh processes under `node --cpu-prof` against a second mock on the generator\'s core.');
  if (m.peer?.ok) {
    push(`- Peer: Portkey \`@portkey-ai/gateway\` ${m.peer.version} (with @hono/node-server ${m.peer.hono}) from npm into bench/.work, \`--headless --port=N\`, upstream by \`x-portkey-provider: openai\` + \`x-portkey-custom-host\`. **Patched in bench/.work only** (bench/lib/peer.mjs): ${m.peer.patches.map((p) => `${p.name} — ${p.note}`).join('; ')}. Without the first patch every streamed call fails with \`TypeError: immutable\` (Portkey issues #1389/#1550).`);
  } else {
    push(`- Peer: Portkey could not be run: ${m.peer?.reason ?? 'not attempted'}.`);
  }
  for (const n of r.notes) push(`- Note: ${n}`);
  push('');

  push('## Targets (DESIGN.md §6)', '');
  const profiled = new Set((r.profile?.runs ?? []).map((x) => x.key));
  const profileCell = (e) => {
    if (e.met !== false) return '';
    if ((e.profiles ?? []).includes('slow-timeline')) return '[timeline](#slow-stream-time-to-first-token-window-vs-hold-vs-monitor)';
    const have = (e.profiles ?? []).filter((k) => profiled.has(k));
    if (have.length > 0) return have.map((k) => `[${k}](#profile-${k})`).join(', ');
    if ((e.profiles ?? []).length === 0) return 'see the section below';
    return 'not profiled';
  };
  push(table(['target', 'measured', 'result', 'profile'], r.targetsMet.map((e) => [e.target, e.measured, e.met === null ? 'not measured' : e.met ? '**met**' : '**missed**', profileCell(e)])));
  push('');
  push('DESIGN.md §6 expects, on this kind of 2-core machine, the floor to add about 0.1–0.4 ms per request over a direct call, and Portkey about 0.7–1.8 ms (and ~28 ms to the first streamed byte).', '');
  const misses = r.targetsMet.filter((e) => e.met === false);
  if (misses.length > 0) {
    push('### Why the missed targets missed', '');
    for (const e of misses) push(`- **${e.target}** — ${why(e, r)}`);
    push('');
  }

  push('## Latency at one connection (sequential keep-alive requests)', '');
  const direct = r.sequential.direct;
  push(table(
    ['target', 'JSON median ms', 'JSON p90 ms', 'added over direct ms', 'stream TTFB median ms', 'TTFB added over direct ms', 'stream total median ms', 'failures'],
    measured.map((name) => {
      const s = r.sequential[name] ?? {};
      return [
        label(name), ms(s.json?.median, 3), ms(s.json?.p90, 3), name === 'direct' ? '—' : signed(s.json?.median - direct?.json?.median),
        ms(s.stream?.ttfbMedian, 3), name === 'direct' ? '—' : signed(s.stream?.ttfbMedian - direct?.stream?.ttfbMedian),
        ms(s.stream?.median, 3), String((s.json?.failures ?? 0) + (s.stream?.failures ?? 0)),
      ];
    }),
  ));
  push('');
  push('The block-mode guardrail holds a stream back until it is complete (DESIGN.md §3), so its TTFB is the whole stream by design; the live-stream TTFB target applies to the no-guardrail and monitor-mode rows.', '');

  push('## Throughput under load', '');
  push('`proxy CPU µs/req` and `mock CPU µs/req` are CPU time (user + system, from /proc/PID/stat) per request during the runs: less sensitive to a busy machine than req/s, and the proxy and the mock share one core, so req/s ≈ 1 / (proxy + mock CPU per request) when that core is the bottleneck. `generator % of its core` shows whether autocannon itself was the limit (near 100%: the row is bounded by the generator, as the direct rows may be). `other procs % CPU` is the share of the whole machine used by processes that are not the bench\'s during those runs (a noise gauge: on a shared machine, other work competes for both cores).', '');
  for (const mode of ['json', 'stream']) {
    for (const c of opts.connections) {
      const floor = r.load.floor?.[mode]?.[c];
      const peer = r.load.peer?.[mode]?.[c];
      const rows = measured
        .filter((name) => r.load[name]?.[mode]?.[c])
        .map((name) => {
          const x = r.load[name][mode][c];
          return [
            label(name), int(x.rps), (x.rpsEach ?? []).map(int).join(', '), ms(x.p50), ms(x.p99),
            String(x.non2xx + x.errors + x.timeouts),
            floor ? pct(x.rps / floor.rps) : '–', peer ? times(x.rps / peer.rps) : '–',
            x.proxyCpuUs === null ? '—' : ms(x.proxyCpuUs, 0), ms(x.mockCpuUs, 0), ms(x.generatorCpuPct, 0), ms(x.otherCpuPct, 0),
          ];
        });
      if (rows.length === 0) continue;
      push(`### ${mode === 'json' ? 'JSON' : 'Streaming'}, ${c} connection${c > 1 ? 's' : ''}`, '');
      push(table(['target', 'req/s', 'each run', 'p50 ms', 'p99 ms', 'non-2xx + errors', '÷ floor', '÷ peer', 'proxy CPU µs/req', 'mock CPU µs/req', 'generator % of its core', 'other procs % CPU'], rows));
      push('');
    }
  }

  push('## Ratios (req/s)', '');
  const ratioRows = [];
  for (const name of measured.filter((n) => n.startsWith('aisix'))) {
    for (const mode of ['json', 'stream']) {
      const cells = opts.connections.map((c) => {
        const a = r.load[name]?.[mode]?.[c];
        const f = r.load.floor?.[mode]?.[c];
        const p = r.load.peer?.[mode]?.[c];
        return `${a && f ? (a.rps / f.rps).toFixed(2) : '–'} / ${a && p ? (a.rps / p.rps).toFixed(2) : '–'}`;
      });
      ratioRows.push([`${label(name)}, ${mode === 'json' ? 'JSON' : 'stream'}`, ...cells]);
    }
  }
  push(table(['aisix ÷ floor / aisix ÷ peer', ...opts.connections.map((c) => `${c} conn`)], ratioRows));
  push('');

  push('## Peak memory of each process', '');
  push(table(
    ['process', 'peak RSS (VmHWM) MB', 'RSS at the end MB'],
    Object.entries(r.rss).map(([name, s]) => [name === 'direct' ? 'mock (upstream, shared)' : label(name), ms(s?.hwmMB, 1), ms(s?.rssMB, 1)]),
  ));
  push('');

  push('## Agent-sized request bodies', '');
  const b = r.bodies;
  if (b?.sizes?.length > 0) {
    const first = b.sizes[0];
    push(`Sequential JSON \`POST /v1/responses\` on one keep-alive connection per target, with a Responses \`input\` array the size of a long coding-agent turn (bench/lib/agent-body.mjs: developer instructions, the task, then rounds of assistant messages, \`function_call\` shell commands and \`function_call_output\` items holding numbered source code with quotes, backslashes, tabs and some non-ASCII, ending with a short user message the mock echoes; \`store: false\`). ${b.reps} measured requests per target and size after ${b.warmup} warm-ups, interleaved one per target per round. Time = request sent → last byte of the (small) reply; proxy CPU from /proc around each request. The input guardrail is a block-mode keyword guardrail on \`hook_point: input\` with a literal that never matches (its own aisix process). Items at ${first.mb} MB: ${Object.entries(first.kinds).map(([k, n]) => `${n} ${k}`).join(', ')}.`, '');
    const rows = [];
    for (const size of b.sizes) {
      const floor = size.rows.floor;
      for (const name of b.order) {
        const x = size.rows[name];
        if (!x) continue;
        rows.push([`${size.mb} MB (${int(size.bytes)} B, ${size.items} items)`, b.labels[name] ?? name, ms(x.median), ms(x.p90), floor && name !== 'floor' && name !== 'direct' ? signed(x.median - floor.median, 2) : '—', x.cpuMsPerRequest === null ? '—' : ms(x.cpuMsPerRequest), `${x.n}${x.failures ? ` (${x.failures} failed: ${x.lastFailure})` : ''}`]);
      }
    }
    push(table(['body', 'target', 'median ms', 'p90 ms', 'added over the floor ms (median)', 'proxy CPU ms/req', 'requests'], rows));
    push('');
    const mem = Object.entries(b.memory ?? {});
    if (mem.length > 0) push(`Peak RSS (VmHWM) after the body runs: ${mem.map(([name, st]) => `${b.labels[name] ?? name} ${ms(st?.hwmMB, 1)} MB`).join('; ')}.`, '');
  } else {
    push(`Not run${b?.error ? `: ${b.error}` : ''}.`, '');
  }

  push('## Slow stream: time to first token, window vs hold vs monitor', '');
  const ss = r.slowStream;
  if (ss?.order?.length > 0) {
    const d = ss.rows.direct;
    push(`Streamed \`POST /v1/responses\` (after one warm-up round) to the mock's \`mock-slow\` model (500 ms to the first byte, then 100 ms between deltas), output text \`${ss.output}\` (one word per delta, via \`x-mock-output\`, forwarded by the provider key's \`request.forward_client_headers\`), straight to the mock and through one aisix process per variant: no guardrail, an output keyword guardrail (literal \`${ss.pattern}\`, W = ${ss.w} characters, never matching) in monitor mode, and in block mode with \`proxy.stream_guardrails: hold\` and \`window\`. ${ss.rounds} rounds, every variant once per round, concurrently, started ~18 ms apart. Medians; "first delta" = the first \`response.output_text.delta\` frame received. "W time" = how long after its first delta the mock had sent W more characters (measured on the direct streams${d?.deltaGap != null ? `; the median gap between deltas was ${ms(d.deltaGap, 1)} ms` : ''}): what a window of W characters has to wait before it may release the first delta.`, '');
    const live = ss.rows.none;
    push(table(['variant', 'TTFB ms', 'first delta ms', 'first delta − live ms', 'total ms', 'first delta before the end ms', 'deltas', 'runs'], ss.order.map((name) => {
      const x = ss.rows[name];
      return [ss.labels[name], ms(x.ttfb, 1), ms(x.ttft, 1), name === 'direct' || name === 'none' || !live ? '—' : signed(x.ttft - live.ttft, 1), ms(x.total, 1), ms(x.ttftBeforeEnd, 1), ms(x.deltas, 0), `${x.n}${x.failures ? ` (${x.failures} failed: ${x.lastFailure})` : ''}`];
    })));
    push('');
    if (d?.wTime != null && live?.ttft != null) push(`Window bound: live first delta ${ms(live.ttft, 1)} ms + W time ${ms(d.wTime, 1)} ms = **${ms(live.ttft + d.wTime, 1)} ms**; window measured ${ms(ss.rows.window?.ttft, 1)} ms, hold ${ms(ss.rows.hold?.ttft, 1)} ms. A "first delta before the end" near 0 means the stream was held whole.`, '');
    const checks = Object.entries(ss.check ?? {});
    if (checks.length > 0) {
      push(`Blocked span check: the same stream with \`${ss.pattern}\` as its fifth word, through the block-mode processes: ${checks.map(([name, c]) => (c.error ? `${name}: could not run (${c.error})` : `**${name}**: HTTP ${c.status}, ${c.deltas} deltas reached the client, ${c.leaked ? '**the matched text reached the client**' : 'the matched text never did'}${c.terminal ? `, stream ended with ${c.terminal}` : ''}${c.blockedBy ? ', the guardrail is named in the error' : ''}`)).join('; ')}.`, '');
    }
  } else {
    push(`Not run${ss?.error ? `: ${ss.error}` : ''}.`, '');
  }

  push('## WebSocket turns vs HTTP turns', '');
  const w = r.websocket;
  if (w?.rows) {
    push(`Sequential turns of the same small \`response.create\` (\`input\`: 8 words, \`store: false\`), ${w.turns} per row in 5 interleaved rounds after a warm-up: over one kept-open Responses WebSocket (\`GET /v1/responses\`, Upgrade), and as \`POST /v1/responses\` with \`stream: true\` on one keep-alive connection; straight to the mock and through aisix (no guardrails; aisix bridges each turn to the mock's own WebSocket endpoint). A turn = frame/request sent → \`response.completed\` received.`, '');
    const add = { 'aisix-ws': w.rows['direct-ws'], 'aisix-http': w.rows['direct-http'] };
    push(table(['transport', 'p50 ms', 'p90 ms', 'added by aisix (p50) ms', 'turns'], w.order.map((name) => {
      const x = w.rows[name];
      return [w.labels[name], ms(x.p50, 3), ms(x.p90, 3), add[name] ? signed(x.p50 - add[name].p50) : '—', `${x.n}${x.failures ? ` (${x.failures} failed: ${x.lastFailure})` : ''}`];
    })));
    push('');
  } else {
    push(`Not run${w?.error ? `: ${w.error}` : ''}.`, '');
  }

  push('## Soak', '');
  if (r.soak?.samples?.length > 1) {
    const ws = r.soak.ws;
    push(`${(r.soak.ok ?? 0).toLocaleString('en-US')} JSON requests through a fresh aisix process (no guardrails) at ${loadConnections} connections: ${int(r.soak.rps)} req/s, ${r.soak.non2xx ?? '?'} non-2xx, ${r.soak.errors ?? '?'} errors${ws ? `; alongside, ${ws.sessions} long-lived WebSocket sessions sent ${int(ws.turns)} turns back to back (${ws.failures} failed${ws.lastFailure ? `: ${ws.lastFailure}` : ''})` : ''}. RSS (VmRSS) sampled every ${((r.soak.samples[1]?.n ?? 0) / 1000).toFixed(0)}k HTTP responses:`, '');
    push(table(['HTTP requests', ...r.soak.samples.map((s) => `${(s.n / 1000).toFixed(0)}k`), '1 s idle after'], [
      ['WebSocket turns so far', ...r.soak.samples.map((s) => (s.wsTurns === undefined ? '–' : int(s.wsTurns))), ''],
      ['RSS MB', ...r.soak.samples.map((s) => ms(s.rssMB, 1)), ms(r.soak.rssAfterIdleMB, 1)],
      ['V8 heap after the last full GC MB', ...r.soak.samples.map((s) => ms(s.heapAfterFullGcMB, 1)), ''],
    ]));
    push('', 'The soak process runs with `--trace-gc`; the third row is the heap size right after the most recent mark-compact GC before each sample (live data, what a leak would grow), the RSS row is what the OS sees (V8 heap reservations, allocator caches, buffers). The WebSocket sessions share the generator\'s core with the HTTP load, so the soak\'s req/s is lower than an HTTP-only soak\'s.');
    push('', `Peak RSS over the soak: ${ms(r.soak.hwmMB, 1)} MB.`, '');
  } else {
    push(`Could not run: ${r.soak?.error ?? 'skipped'}.`, '');
  }

  push(`## Start-up wall time (median of ${opts.startupRuns}, all CPUs)`, '');
  push(table(
    ['command', 'median ms', 'runs ms'],
    Object.entries(r.startup).map(([name, s]) => [name, s.error ? `could not run: ${s.error}` : ms(s.median, 0), s.runs ? s.runs.map((x) => x.toFixed(0)).join(', ') : '–']),
  ));
  push('');

  push('## Could not run', '');
  if (r.couldNotRun.length === 0) push('Everything ran.', '');
  else {
    for (const c of r.couldNotRun) push(`- ${c.what}: ${c.why.replace(/\n/g, ' ')}`);
    push('');
  }

  push('## Profile', '');
  const runs = r.profile?.runs ?? [];
  if (runs.length > 0) {
    push(`\`node --cpu-prof\` on a fresh process per job (the process's whole life is sampled, start-up included), each under ${opts.duration} s of its work (load at ${loadConnections} connections, turns on 8 sessions) or a fixed number of sequential requests (bodies)${r.profile.isolated ? `; the profiled process has CPU ${layout.servers} to itself and a second mock runs on the generator's CPU ${layout.generator}, so the mock's work is not charged to the proxy's samples` : ''}. Profiled: the jobs behind a missed target (all with \`BENCH_PROFILE=1\`) and what each compares against. "µs/req" is busy (non-idle) sampled time divided by the requests (or turns) served. Re-read a profile with \`node bench/profile-top.mjs FILE\`.`, '');
    for (const a of runs) {
      const f = runs.find((x) => x.key === a.compare) ?? null;
      push(`<a id="profile-${a.key}"></a>`, '', `### Profile \`${a.key}\`: ${a.label}`, '');
      push(`${a.requests === 1 ? `${ms(a.summary.busyMs, 0)} ms busy in all` : `${a.rps === null ? '' : `${int(a.rps)} req/s while profiled, `}${ms(a.busyUsPerRequest, 0)} µs busy per request`} (${a.file})${f ? `; compared with \`${f.key}\`: ${f.rps === null ? '' : `${int(f.rps)} req/s, `}${ms(f.busyUsPerRequest, 0)} µs per request` : ''}.`, '');
      if (a.requests === 1) {
        push(table(['area (self time)', 'ms'], a.summary.areas.map((x) => [x.name, ms(x.ms, 1)])));
      } else {
        const areas = [...new Set([...a.summary.areas.map((x) => x.name), ...(f?.summary.areas ?? []).map((x) => x.name)])];
        const per = (run, area) => {
          const row = run?.summary.areas.find((x) => x.name === area);
          return row ? (1000 * row.ms) / run.requests : 0;
        };
        push(table(['area (self time)', `${a.key} µs/req`, ...(f ? [`${f.key} µs/req`, 'difference µs/req'] : [])], areas.map((area) => [area, ms(per(a, area), 1), ...(f ? [ms(per(f, area), 1), signed(per(a, area) - per(f, area), 1)] : [])])));
      }
      const unit = a.requests === 1 ? 'ms' : 'µs/req';
      const val = (x) => (a.requests === 1 ? ms(x.ms, 1) : ms((1000 * x.ms) / a.requests, 1));
      push('', 'Top functions by self time:', '');
      push(table(['function (file:line)', unit, '% of busy'], a.summary.top.map((x) => [`\`${x.name}\``, val(x), ms(x.pct, 1)])));
      if (a.summary.ownSelf?.length > 0) {
        push('', "aisix's own functions by self time:", '');
        push(table(['function (file:line)', unit, '% of busy'], a.summary.ownSelf.map((x) => [`\`${x.name}\``, val(x), ms(x.pct, 1)])));
      }
      if (a.summary.ownInclusive?.length > 0) {
        push('', "aisix's own functions by inclusive time (self + callees, each resumption of an async function counted separately):", '');
        push(table(['function (file:line)', unit, '% of busy'], a.summary.ownInclusive.map((x) => [`\`${x.name}\``, val(x), ms(x.pct, 1)])));
      }
      push('');
    }
  } else {
    push('Not run (every measured target was met; force it with `BENCH_PROFILE=1 npm run bench`).', '');
  }

  push('## Notes and analysis', '');
  push(NOTES_BEGIN, notes, NOTES_END, '');
  writeFileSync(path, out.join('\n'));
}
