#!/usr/bin/env node
// `node bench/ws-turns.mjs [N]`: the added latency per turn of WebSocket mode against HTTP
// streaming, sequential, in one run: N turns (default 300) of the same small `response.create`
// straight to the mock and through `aisix serve --demo` (whose mock serves both), each over one
// kept-open WebSocket and as `POST /v1/responses` with `stream: true` on a keep-alive connection.
// Prints the median and p90 of each, and the proxy's added median per turn for both transports.
// `npm run bench` measures the same (bench/lib/turns.mjs) against its own mock and aisix.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpTurns, measureTurns, TURN_INPUT, WsSession } from './lib/turns.mjs';

const N = Number(process.argv[2] ?? 300);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const KEY = 'sk-aisix-demo';

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

const { child, url } = await startProxy();
try {
  const auth = { authorization: `Bearer ${KEY}` };
  const mockUrl = await demoMockUrl();
  const runs = [
    { name: 'mock, WebSocket', model: 'mock-echo', open: () => WsSession.open(mockUrl) },
    { name: 'aisix, WebSocket', model: 'demo', open: () => WsSession.open(url, auth) },
    { name: 'mock, HTTP SSE', model: 'mock-echo', open: async () => new HttpTurns(mockUrl) },
    { name: 'aisix, HTTP SSE', model: 'demo', open: async () => new HttpTurns(url, auth) },
  ];
  const r = await measureTurns(runs, { rounds: 5, perRound: Math.max(1, Math.ceil(N / 5)), warmup: Math.min(N, 100), body: { input: TURN_INPUT, store: false } });
  for (const run of runs) {
    const x = r[run.name];
    console.log(`${run.name.padEnd(18)} p50 ${x.p50.toFixed(3)} ms  p90 ${x.p90.toFixed(3)} ms${x.failures ? `  ${x.failures} failed (${x.lastFailure})` : ''}`);
  }
  const ws = r['aisix, WebSocket'].p50 - r['mock, WebSocket'].p50;
  const http = r['aisix, HTTP SSE'].p50 - r['mock, HTTP SSE'].p50;
  console.log(`added by aisix per turn (p50): WebSocket ${ws.toFixed(3)} ms, HTTP ${http.toFixed(3)} ms`);
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
