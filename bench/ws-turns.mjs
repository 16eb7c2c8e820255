#!/usr/bin/env node
// `node bench/ws-turns.mjs [N]`: the added latency per turn of WebSocket mode against HTTP
// streaming, sequential, in one run: N turns (default 300) of the same small `response.create`
// straight to the mock and through `aisix serve --demo` (whose mock serves both), each over one
// kept-open WebSocket and as `POST /v1/responses` with `stream: true` on a keep-alive connection.
// Prints the median and p90 of each, and the proxy's added median per turn for both transports.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import WebSocket from 'ws';

const N = Number(process.argv[2] ?? 300);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const KEY = 'sk-aisix-demo';
const BODY = { model: 'demo', input: 'one two three four five six seven eight', store: false };

function startProxy() {
  const child = spawn(process.execPath, [join(ROOT, 'bin/aisix.js'), 'serve', '--demo', '--no-tui', '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let text = '';
    // keep reading: the proxy prints a line per request, and a closed pipe would stop it
    child.stdout.on('data', (chunk) => {
      if (text === null) return;
      text += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(text);
      if (m) {
        text = null;
        resolve({ child, url: m[1] });
      }
    });
    child.once('exit', () => reject(new Error('the proxy did not start')));
  });
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function wsTurns(url, headers, model) {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/v1/responses`, { headers });
  await once(socket, 'open');
  // every event is queued as it arrives: several can come in one tick
  const queue = [];
  let wake = null;
  socket.on('message', (data) => {
    queue.push(JSON.parse(String(data)).type);
    wake?.();
  });
  const next = async () => {
    while (queue.length === 0) await new Promise((resolve) => (wake = resolve));
    return queue.shift();
  };
  const times = [];
  for (let i = 0; i < N; i++) {
    const start = performance.now();
    socket.send(JSON.stringify({ type: 'response.create', ...BODY, model }));
    for (;;) {
      const type = await next();
      if (type === 'response.completed' || type === 'error' || type === 'response.failed') break;
    }
    times.push(performance.now() - start);
  }
  socket.close();
  return times;
}

async function httpTurns(url, headers, model) {
  const dispatcher = new Agent({ connections: 1 });
  const times = [];
  for (let i = 0; i < N; i++) {
    const start = performance.now();
    const res = await request(`${url}/v1/responses`, { method: 'POST', dispatcher, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ ...BODY, model, stream: true }) });
    await res.body.text();
    times.push(performance.now() - start);
  }
  await dispatcher.close();
  return times;
}

const { child, url } = await startProxy();
try {
  const auth = { authorization: `Bearer ${KEY}` };
  const mockUrl = await demoMockUrl();
  const rows = [];
  for (const [name, run] of [
    ['mock, WebSocket', () => wsTurns(mockUrl, {}, 'mock-echo')],
    ['aisix, WebSocket', () => wsTurns(url, auth, 'demo')],
    ['mock, HTTP SSE', () => httpTurns(mockUrl, {}, 'mock-echo')],
    ['aisix, HTTP SSE', () => httpTurns(url, auth, 'demo')],
  ]) {
    await run(); // warm-up pass
    const times = await run();
    rows.push({ name, p50: percentile(times, 50), p90: percentile(times, 90) });
  }
  for (const r of rows) console.log(`${r.name.padEnd(18)} p50 ${r.p50.toFixed(3)} ms  p90 ${r.p90.toFixed(3)} ms`);
  console.log(`added by aisix per turn (p50): WebSocket ${(rows[1].p50 - rows[0].p50).toFixed(3)} ms, HTTP ${(rows[3].p50 - rows[2].p50).toFixed(3)} ms`);
} finally {
  child.kill();
}
process.exit(0);

/** A mock of our own on a free port: the same server the demo runs. */
async function demoMockUrl() {
  const { startMock } = await import(join(ROOT, 'dist/mock/index.js'));
  const mock = await startMock();
  process.once('exit', () => void mock.close());
  return mock.url;
}
