#!/usr/bin/env node
// The cost of agent-sized request bodies (DESIGN.md §6): per-request latency of a `POST
// /v1/responses` with a tiny body and with realistic 1 MB and 5 MB `input` arrays (a long coding
// agent turn: messages, function calls, this repository's source files as tool outputs), sent
// one at a time over one keep-alive connection to: the upstream directly (a sink that reads the
// body and answers a fixed Response), the floor proxy (bench/floor-proxy.mjs), and each aisix build
// given with --bin, without guardrails and with one input keyword guardrail. Targets alternate in
// rounds; medians are reported, with each one's added latency over the floor.
//
// `--shape quotes`: the tool outputs are JSON texts (JSON inside JSON, an escaped quote every ~20 bytes).
// Usage: node bench/body-cost.mjs [--bin bin/aisix.js ...] [--rounds 5] [--requests 20] [--sizes tiny,1,5] [--shape agent|quotes] [--plain] [--stat median|min]
//   (--plain: without the input-guardrail targets; --stat min: each round's fastest request, steadier on a busy machine)
//   e.g. node bench/body-cost.mjs --bin bench/.work/before/bin/aisix.js --bin bin/aisix.js
// (each --bin is a bin/aisix.js whose ../dist is built)
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ANSWER = JSON.stringify({
  id: 'resp_bench', object: 'response', status: 'completed', model: 'mock-echo',
  output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] }],
  usage: { input_tokens: 10, output_tokens: 1, total_tokens: 11 },
});

// `--sink PORT`: the upstream, run as its own process: reads the whole body, answers a fixed Response
if (process.argv[2] === '--sink') {
  const server = createServer({ noDelay: true }, (req, res) => {
    let bytes = 0;
    req.on('data', (c) => (bytes += c.length));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-sink-bytes': String(bytes) });
      res.end(ANSWER);
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`sink listening on http://127.0.0.1:${server.address().port}\n`));
  process.once('SIGTERM', () => process.exit(0));
} else {
  await main();
}

async function main() {
  const { guardProcess, hasTaskset, pinSelf, startNode, takeBenchLock } = await import('./lib/procs.mjs');
  const { median } = await import('./lib/load.mjs');
  const { values } = parseArgs({
    options: {
      bin: { type: 'string', multiple: true, default: [join(ROOT, 'bin', 'aisix.js')] },
      rounds: { type: 'string', default: '5' },
      requests: { type: 'string', default: '20' },
      sizes: { type: 'string', default: 'tiny,1,5' },
      shape: { type: 'string', default: 'agent' },
      plain: { type: 'boolean', default: false },
      stat: { type: 'string', default: 'median' },
    },
  });
  const RUN_DIR = join(ROOT, 'bench', '.work', 'runs-body', String(process.pid));
  const LOGS = join(RUN_DIR, 'logs');
  guardProcess(30 * 60_000);
  if (!takeBenchLock(join(ROOT, 'bench', '.work', 'run.lock'))) {
    process.stderr.write('another bench is running (bench/.work/run.lock): two at once would measure each other\n');
    process.exit(1);
  }
  process.on('exit', () => rmSync(RUN_DIR, { recursive: true, force: true }));
  const [serverCpu, otherCpu] = hasTaskset ? ['0', '1'] : [null, null];
  pinSelf(otherCpu);

  const CALLER = 'sk-aisix-body-bench';
  const sink = await startNode({ name: 'body-sink', args: [fileURLToPath(import.meta.url), '--sink'], cpus: otherCpu, cwd: ROOT, logDir: LOGS, ready: /^sink listening on (http:\/\/\S+)$/m });
  mkdirSync(join(RUN_DIR, 'configs'), { recursive: true });
  const config = (guardrail) => {
    const path = join(RUN_DIR, 'configs', `${guardrail ? 'guarded' : 'plain'}.yaml`);
    let yaml = `_format_version: "1"
provider_keys:
  - { display_name: up, provider: openai, api_key: sk-x, api_base: ${sink.url}/v1 }
models:
  - { display_name: bench, provider: openai, model_name: mock-echo, provider_key: up }
api_keys:
  - { display_name: bench, key_hash: ${createHash('sha256').update(CALLER).digest('hex')}, allowed_models: ["*"] }
`;
    if (guardrail) {
      yaml += `guardrails:
  - { name: bench-input, kind: keyword, hook_point: input, enforcement_mode: block, patterns: [{ kind: literal, value: "never-matches-xyz" }] }
`;
    }
    writeFileSync(path, yaml);
    return path;
  };
  const bins = values.bin.map((b) => resolve(b));
  const targets = [
    { label: 'direct (sink)', start: async () => ({ url: sink.url, stop: async () => undefined }) },
    { label: 'floor', start: () => startNode({ name: 'body-floor', args: [join(ROOT, 'bench', 'floor-proxy.mjs'), sink.url], cpus: serverCpu, cwd: ROOT, logDir: LOGS, ready: /^floor listening on (http:\/\/\S+)$/m }) },
  ];
  bins.forEach((bin, i) => {
    const name = bins.length > 1 ? `aisix #${i + 1}` : 'aisix';
    for (const guardrail of values.plain ? [false] : [false, true]) {
      targets.push({
        label: `${name}${guardrail ? ' + input keyword' : ''}`,
        start: () => startNode({ name: `body-aisix-${i}-${guardrail}`, args: [bin, 'serve', '--no-tui', '-c', config(guardrail), '--port', '0'], cpus: serverCpu, cwd: ROOT, logDir: LOGS, ready: /^aisix listening on (http:\/\/\S+)$/m }),
      });
    }
  });
  const sizes = values.sizes.split(',').map((s) => s.trim());
  const bodies = new Map(sizes.map((s) => [s, Buffer.from(s === 'tiny' ? JSON.stringify({ model: 'bench', input: 'hello bench' }) : agentBody(Number(s) * 1024 * 1024, values.shape === 'quotes'))]));
  const samples = new Map(targets.map((t) => [t, new Map(sizes.map((s) => [s, []]))]));

  for (let round = 0; round < Number(values.rounds); round++) {
    for (const t of targets) {
      const proc = await t.start();
      const dispatcher = new Agent({ connections: 1, keepAliveTimeout: 10_000 });
      for (const size of sizes) {
        const body = bodies.get(size);
        const send = async () => {
          const t0 = performance.now();
          const r = await request(`${proc.url}/v1/responses`, {
            method: 'POST', dispatcher, body,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${t.label.startsWith('aisix') ? CALLER : 'sk-x'}` },
          });
          await r.body.text();
          const ms = performance.now() - t0;
          if (r.statusCode !== 200) throw new Error(`${t.label} ${size}: status ${r.statusCode}`);
          return ms;
        };
        const n = Number(values.requests);
        for (let i = 0; i < 3; i++) await send(); // warm-up
        const ms = [];
        for (let i = 0; i < n; i++) ms.push(await send());
        const value = values.stat === 'min' ? Math.min(...ms) : median(ms);
        samples.get(t).get(size).push(value);
        process.stderr.write(`round ${round + 1} ${t.label} ${size}: ${value.toFixed(2)} ms\n`);
      }
      await dispatcher.close();
      await proc.stop();
    }
  }
  await sink.stop();
  const floor = samples.get(targets[1]);
  const label = (s) => (s === 'tiny' ? 'tiny' : `${s} MB`);
  console.log(`per-request latency, median over ${values.rounds} rounds of each round's ${values.stat} of ${values.requests} sequential requests (proxy alone on CPU ${serverCpu ?? 'any'}); (+x) = added over the floor`);
  console.log(`${'target'.padEnd(28)}${sizes.map((s) => label(s).padStart(22)).join('')}`);
  for (const [t, bySize] of samples) {
    const cells = sizes.map((s) => {
      const m = median(bySize.get(s));
      const added = m - median(floor.get(s));
      return `${m.toFixed(2)} (${added >= 0 ? '+' : ''}${added.toFixed(2)})`.padStart(22);
    });
    console.log(`${t.label.padEnd(28)}${cells.join('')}`);
  }
  process.exit(0);
}

/** Source files of this repository: what a coding agent's tool outputs carry. */
function sourceTexts() {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|tsx|md)$/.test(entry.name)) out.push(readFileSync(path, 'utf8'));
    }
  };
  walk(join(ROOT, 'src'));
  out.push(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  return out;
}

/** Tool outputs that are JSON texts: rows of short fields, so an escaped quote every ~20 bytes once embedded. */
function jsonTexts() {
  const out = [];
  for (let f = 0; f < 40; f++) {
    const rows = [];
    for (let r = 0; r < 400; r++) rows.push({ id: r, name: `item-${f}-${r}`, ok: r % 3 === 0, tags: ['a', 'bc'], path: `src/x${r}.ts` });
    out.push(JSON.stringify({ file: f, rows }));
  }
  return out;
}

/**
 * A Responses request whose `input` array is about `bytes` long: an agent's turn history, each
 * step a user message, a function call (JSON arguments, so escaped quotes), the file it read (this
 * repository's sources, in turn) and the assistant's reply, with some non-ASCII text.
 */
function agentBody(bytes, quotes) {
  const files = quotes ? jsonTexts() : sourceTexts();
  const input = [{ role: 'system', content: 'You are a coding agent. Résumé: naïve café — 日本語のテキスト 🚀' }];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const items = [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: `Step ${i}: please fix the failing test in src/file${i}.ts — it says “expected 3, got 4”.` }] },
      { type: 'function_call', call_id: `call_${i}`, name: 'read_file', arguments: JSON.stringify({ path: `src/file${i}.ts`, model: 'not-the-model' }) },
      { type: 'function_call_output', call_id: `call_${i}`, output: files[i % files.length] },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: `I read src/file${i}.ts; the bug is an off-by-one. Fixing it now ✓.` }] },
    ];
    for (const item of items) size += Buffer.byteLength(JSON.stringify(item)) + 1;
    input.push(...items);
  }
  return JSON.stringify({ model: 'bench', input, tools: [{ type: 'function', name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }], store: false });
}
