// Agent turns, timed: a `response.create` over one kept-open Responses WebSocket (OpenAI's
// WebSocket mode, as Codex uses it), and the same turn as `POST /v1/responses` with `stream: true`
// on one keep-alive connection. A turn's time is frame/request sent → its terminal event
// (`response.completed`, or `error` / `response.failed`) received. Used by bench/run.mjs (the
// WebSocket rows and the soak's WebSocket sessions) and bench/ws-turns.mjs.
import { once } from 'node:events';
import { Client } from 'undici';
import WebSocket from 'ws';

export const TURN_INPUT = 'one two three four five six seven eight';
const TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete', 'error']);

export class WsSession {
  /** Opens `ws(s)://…/v1/responses` on the `http(s)://` origin `url`. */
  static async open(url, headers = {}) {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/responses`, { headers, perMessageDeflate: false });
    await Promise.race([
      once(socket, 'open'),
      once(socket, 'unexpected-response').then(([, res]) => {
        throw new Error(`WebSocket upgrade refused: HTTP ${res.statusCode}`);
      }),
    ]);
    return new WsSession(socket);
  }

  constructor(socket) {
    this.socket = socket;
    this.queue = [];
    this.wake = null;
    this.closed = null;
    this.turns = 0;
    this.failures = 0;
    this.lastFailure = null;
    // every event is queued as it arrives: several can come in one tick
    socket.on('message', (data) => {
      let type;
      try {
        type = JSON.parse(String(data)).type;
      } catch {
        type = 'invalid-json';
      }
      this.queue.push(type);
      this.wake?.();
    });
    socket.on('close', (code) => {
      this.closed = code;
      this.wake?.();
    });
    socket.on('error', () => undefined);
  }

  async next() {
    while (this.queue.length === 0) {
      if (this.closed !== null) throw new Error(`WebSocket closed (${this.closed})`);
      await new Promise((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    return this.queue.shift();
  }

  /** One turn; resolves to its time in ms (a failed turn counts and throws). */
  async turn(body) {
    const start = performance.now();
    this.socket.send(JSON.stringify({ type: 'response.create', ...body }));
    for (;;) {
      const type = await this.next();
      if (!TERMINAL.has(type)) continue;
      this.turns++;
      if (type !== 'response.completed') {
        this.failures++;
        this.lastFailure = type;
        throw new Error(`turn ended with ${type}`);
      }
      return performance.now() - start;
    }
  }

  close() {
    if (this.closed !== null) return Promise.resolve();
    const closed = once(this.socket, 'close').catch(() => undefined);
    this.socket.close();
    return Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  }
}

export class HttpTurns {
  constructor(url, headers = {}) {
    this.client = new Client(url, { pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 10_000, bodyTimeout: 10_000 });
    this.headers = { ...headers, 'content-type': 'application/json' };
  }

  async turn(body) {
    const start = performance.now();
    const res = await this.client.request({ path: '/v1/responses', method: 'POST', headers: this.headers, body: JSON.stringify({ ...body, stream: true }) });
    const text = await res.body.text();
    if (res.statusCode !== 200 || !text.includes('response.completed')) throw new Error(`HTTP turn: status ${res.statusCode}`);
    return performance.now() - start;
  }

  close() {
    return this.client.close();
  }
}

/**
 * Sequential turns of the same small `response.create` on each of `runs` ({name, open(): session}),
 * `rounds` interleaved rounds of `perRound` turns each after `warmup` turns (sessions stay open
 * from the first round to the last). Resolves to { name: { n, failures, p50, p90, times } }.
 */
export async function measureTurns(runs, { rounds = 5, perRound = 60, warmup = 30, body }) {
  const open = [];
  for (const run of runs) {
    const session = await run.open();
    for (let i = 0; i < warmup; i++) await session.turn({ ...body, model: run.model }).catch(() => undefined);
    open.push({ run, session, times: [], failures: 0, lastFailure: null });
  }
  for (let round = 0; round < rounds; round++) {
    for (const o of round % 2 === 0 ? open : [...open].reverse()) {
      for (let i = 0; i < perRound; i++) {
        try {
          o.times.push(await o.session.turn({ ...body, model: o.run.model }));
        } catch (err) {
          o.failures++;
          o.lastFailure = err.message;
        }
      }
    }
  }
  const out = {};
  for (const o of open) {
    await o.session.close();
    const sorted = [...o.times].sort((a, b) => a - b);
    const at = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
    out[o.run.name] = { n: sorted.length, failures: o.failures, lastFailure: o.lastFailure, p50: at(50), p90: at(90) };
  }
  return out;
}
