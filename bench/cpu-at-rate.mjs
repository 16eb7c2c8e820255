#!/usr/bin/env node
// CPU per request at a FIXED request rate: the noise-robust way to compare two builds (before and
// after a hot-path change) on a shared machine. At max throughput, CPU per request also depends on
// how well each event-loop turn batches work, so a slower build looks even costlier; at the same
// rate every build does the same batching. The proxy gets CPU 0 to itself; the mock and this load
// generator share CPU 1. Builds and the floor alternate, `--repeat` times; medians are reported.
//
// Usage: node bench/cpu-at-rate.mjs [--bin bin/aisix.js ...] [--rate 3000] [--repeat 3] [--seconds 5]
//   e.g. node bench/cpu-at-rate.mjs --bin /tmp/before/bin/aisix.js --bin bin/aisix.js
// (each --bin is a bin/aisix.js whose ../dist is built; the first also runs the mock)
import autocannon from 'autocannon';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CALLER_KEY, UPSTREAM_KEY, writeConfigs } from './lib/configs.mjs';
import { median } from './lib/load.mjs';
import { rmSync } from 'node:fs';
import { cpuMs, guardProcess, hasTaskset, pinSelf, startNode, takeBenchLock } from './lib/procs.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUN_DIR = join(ROOT, 'bench', '.work', 'runs-rate', String(process.pid));
const LOGS = join(RUN_DIR, 'logs');
const { values } = parseArgs({
  options: {
    bin: { type: 'string', multiple: true, default: [join(ROOT, 'bin', 'aisix.js')] },
    rate: { type: 'string', default: '3000' },
    repeat: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
  },
});
const bins = values.bin.map((b) => resolve(b));
const rate = Number(values.rate);
guardProcess(30 * 60_000);
if (!takeBenchLock(join(ROOT, 'bench', '.work', 'run.lock'))) {
  process.stderr.write('another bench is running (bench/.work/run.lock): two at once would measure each other\n');
  process.exit(1);
}
process.on('exit', () => rmSync(RUN_DIR, { recursive: true, force: true }));
const [serverCpu, otherCpu] = hasTaskset ? ['0', '1'] : [null, null];
pinSelf(otherCpu);

const run = (o) => new Promise((ok, fail) => autocannon(o, (err, r) => (err ? fail(err) : ok(r))));
const mock = await startNode({ name: 'rate-mock', args: [bins[0], 'mock', '--port', '0'], cpus: otherCpu, cwd: ROOT, logDir: LOGS, ready: /^aisix mock listening on (http:\/\/\S+)$/m });
const configs = writeConfigs(join(RUN_DIR, 'configs'), mock.url);
const targets = [
  ...bins.map((bin, i) => ({ label: bins.length > 1 ? `aisix #${i + 1} (${bin})` : 'aisix', bin, key: CALLER_KEY })),
  { label: 'floor', bin: null, key: UPSTREAM_KEY },
];
const samples = new Map(targets.map((t) => [t, { json: [], stream: [] }]));

for (let round = 0; round < Number(values.repeat); round++) {
  for (const t of targets) {
    const proc = t.bin
      ? await startNode({ name: 'rate-aisix', args: [t.bin, 'serve', '--no-tui', '-c', configs.aisix, '--port', '0'], cpus: serverCpu, cwd: ROOT, logDir: LOGS, ready: /^aisix listening on (http:\/\/\S+)$/m })
      : await startNode({ name: 'rate-floor', args: [join(ROOT, 'bench', 'floor-proxy.mjs'), mock.url], cpus: serverCpu, cwd: ROOT, logDir: LOGS, ready: /^floor listening on (http:\/\/\S+)$/m });
    for (const mode of ['json', 'stream']) {
      const o = {
        url: `${proc.url}/v1/responses`, method: 'POST', connections: Number(values.connections),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.key}` },
        body: JSON.stringify({ model: 'bench', input: 'hello bench', stream: mode === 'stream' }),
      };
      await run({ ...o, duration: 2 }); // warm-up at full speed
      const before = cpuMs(proc.pid);
      const r = await run({ ...o, duration: Number(values.seconds), overallRate: rate });
      const us = (1000 * (cpuMs(proc.pid) - before)) / r['2xx'];
      samples.get(t)[mode].push(us);
      process.stderr.write(`round ${round + 1} ${t.label} ${mode}: ${us.toFixed(0)} µs/req at ${(r['2xx'] / r.duration).toFixed(0)} req/s${r.non2xx + r.errors ? `, ${r.non2xx} non-2xx, ${r.errors} errors` : ''}\n`);
    }
    await proc.stop();
  }
}
await mock.stop();
console.log(`proxy CPU per request at ${rate} req/s, ${values.connections} connections (median of ${values.repeat}; proxy alone on CPU ${serverCpu ?? 'any'})`);
for (const [t, s] of samples) {
  console.log(`${t.label.padEnd(40)} JSON ${median(s.json).toFixed(0).padStart(4)} µs   stream ${median(s.stream).toFixed(0).padStart(4)} µs   (runs: ${s.json.map((x) => x.toFixed(0)).join('/')} | ${s.stream.map((x) => x.toFixed(0)).join('/')})`);
}
process.exit(0);
