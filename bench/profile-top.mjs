// Reads a V8 .cpuprofile (node --cpu-prof) and lists where the time went: the top functions by
// self time, the split by area (aisix's own code, undici, node internals, GC, idle), and aisix's
// own functions by self and by inclusive time.
// Usage: node bench/profile-top.mjs FILE.cpuprofile [N]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function areaOf(frame) {
  const { url, functionName } = frame;
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(program)' || functionName === '(root)') return 'program (native, unattributed)';
  if (url.includes('/node_modules/undici/')) return 'undici (npm)';
  if (url.includes('/node_modules/')) return 'other npm deps';
  if (url.includes('/dist/')) return 'aisix (dist/)';
  if (url.startsWith('node:')) return 'node internals';
  if (url === '') return 'native/builtins';
  return 'other';
}

function shortUrl(url) {
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  return url.replace(/^file:\/\//, '');
}

function keyOf(frame) {
  return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

/** { totalMs, busyMs, top, areas, ownSelf, ownInclusive }: each a list of { name, ms, pct of busy } */
/**
 * `window` ({ fromUs, toUs }, CLOCK_MONOTONIC µs as `process.hrtime.bigint() / 1000n` reads it,
 * the clock V8 stamps samples with on Linux): only the samples in it count, so a short profiled
 * run is not dominated by the process's start-up.
 */
export function summarizeProfile(profile, n = 15, window = null) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window !== null && (at < window.fromUs || at > window.toUs)) continue;
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  let idleUs = 0;
  const self = new Map();
  const areas = new Map();
  const inclusive = new Map();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id).callFrame;
    const area = areaOf(frame);
    if (area === 'idle') {
      idleUs += us;
      continue;
    }
    areas.set(area, (areas.get(area) ?? 0) + us);
    const key = keyOf(frame);
    self.set(key, (self.get(key) ?? 0) + us);
    // inclusive time of aisix's own functions: walk up the stack once per distinct function
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur).callFrame;
      if (!f.url.includes('/dist/')) continue;
      const k = keyOf(f);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  const busyUs = totalUs - idleUs;
  const rows = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, ms: us / 1000, pct: (100 * us) / (busyUs || 1) }));
  return {
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    top: rows(self).slice(0, n),
    areas: rows(areas),
    ownSelf: rows(new Map([...self].filter(([key]) => / dist\//.test(key)))).slice(0, n),
    ownInclusive: rows(inclusive).slice(0, n),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, count] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/profile-top.mjs FILE.cpuprofile [N]\n');
    process.exit(2);
  }
  const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), Number(count ?? 25));
  const line = (r) => `${r.ms.toFixed(1).padStart(9)} ms ${r.pct.toFixed(1).padStart(5)}%  ${r.name}`;
  console.log(`profile: ${s.totalMs.toFixed(0)} ms sampled, ${s.busyMs.toFixed(0)} ms busy (not idle); % of busy time\n`);
  console.log('by area (self time):');
  s.areas.forEach((r) => console.log(line(r)));
  console.log('\ntop functions by self time:');
  s.top.forEach((r) => console.log(line(r)));
  console.log("\naisix's own functions by self time:");
  s.ownSelf.forEach((r) => console.log(line(r)));
  console.log("\naisix's own functions by inclusive time:");
  s.ownInclusive.forEach((r) => console.log(line(r)));
}
