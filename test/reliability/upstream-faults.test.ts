// Reliability, upstream faults (issue 7): the proxy child in front of the mock upstream and a
// hand-written fault server. Refused, reset before headers, reset and close mid-stream, silence
// before headers and mid-stream, a 5xx burst, malformed SSE, a 20 MB JSON body, a stream larger
// than the hold-back cap: each becomes the documented error (DESIGN.md §4) or a cleanly ended
// stream, with exactly one request.finished, and no upstream socket is left behind — counted on the
// mock while the proxy runs (a hung or stalled socket can only be closed by the proxy) and after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { closedPort } from '../helpers/http.js';
import { call, errorOf, frameTypes, framesOf, type Reply } from './calls.js';
import { startFaultUpstream, type FaultUpstream } from './fault-upstream.js';
import { startProxy, type ProxyChild } from './proxy-child.js';
import { blockingGuardrail, CHILD_ENV, configYaml, eventually, expectNoSecrets, expectStillServing, PROVIDER_KEY, scratchDir, type Scratch } from './setup.js';

const TIMEOUT_MS = 1_000;
const IDLE_MS = 500;
const HOLD_CAP = 65_536;
/** upstream sockets the mock may hold while nothing is in flight: the proxy's keep-alive pool */
const POOL_BOUND = 8;

let mock: MockServer;
let faults: FaultUpstream;
let deadPort: number;
let live: ProxyChild;
let held: ProxyChild;
let scratch: Scratch;

beforeAll(async () => {
  [mock, faults, deadPort] = await Promise.all([startMock(), startFaultUpstream(), closedPort()]);
  scratch = scratchDir('upstream');
  const providers = {
    mock: `${mock.url}/v1`,
    dead: `http://127.0.0.1:${deadPort}/v1`,
    rst: `${faults.url}/rst/v1`,
    hang: `${faults.url}/hang/v1`,
    'echo-auth': `${faults.url}/echo-auth/v1`,
    'echo-auth-500': `${faults.url}/echo-auth-500/v1`,
  };
  const models = [
    { alias: 'echo', model: 'mock-echo' },
    { alias: 'refused', model: 'mock-echo', key: 'dead' },
    { alias: 'reset', model: 'mock-reset' },
    { alias: 'cut', model: 'mock-cut' },
    { alias: 'rst', model: 'anything', key: 'rst' },
    { alias: 'hang', model: 'mock-hang', timeout: TIMEOUT_MS },
    { alias: 'hang-counted', model: 'anything', key: 'hang', timeout: TIMEOUT_MS },
    { alias: 'stall', model: 'mock-stall', timeout: TIMEOUT_MS, stream_timeout: IDLE_MS },
    { alias: 'burst', model: 'mock-burst-500' },
    { alias: 'bad-sse', model: 'mock-bad-sse' },
    { alias: 'huge', model: 'mock-huge' },
    { alias: 'long', model: 'mock-long' },
    { alias: 'echo-auth', model: 'anything', key: 'echo-auth' },
    { alias: 'echo-auth-500', model: 'anything', key: 'echo-auth-500' },
  ];
  const proxy = { upstream_timeout_ms: 30_000, stream_idle_timeout_ms: 30_000, guardrail_buffer_bytes: HOLD_CAP };
  const livePath = scratch.write('live.yaml', configYaml({ providers, models, proxy }));
  const heldPath = scratch.write('held.yaml', configYaml({ providers, models, proxy, guardrails: [blockingGuardrail('output')] }));
  [live, held] = await Promise.all([startProxy({ configPath: livePath, env: CHILD_ENV }), startProxy({ configPath: heldPath, env: CHILD_ENV })]);
});

afterAll(async () => {
  await Promise.all([live?.stop(), held?.stop()]);
  await Promise.all([mock?.close(), faults?.close()]);
  scratch?.remove();
});

async function expectError(proxy: ProxyChild, reply: Reply, status: number, error: Record<string, unknown>, outcome: string): Promise<void> {
  expect(reply.status, reply.body.slice(0, 300)).toBe(status);
  expect(reply.contentType).toMatch(/^application\/json/);
  expect(errorOf(reply)).toEqual(error);
  expect(await proxy.eventFor(reply.id)).toMatchObject({ status, outcome, error_type: error.type, error_code: error.code ?? null });
}

/** A 200 stream that ends with the proxy's numbered upstream_stream_interrupted frame, then response.failed. */
async function expectInterruptedStream(proxy: ProxyChild, reply: Reply, because: RegExp): Promise<void> {
  expect(reply.status).toBe(200);
  const frames = framesOf(reply);
  const [last, failed] = frames.slice(-2);
  expect(last?.event).toBe('error');
  expect(failed?.event).toBe('response.failed');
  const error = JSON.parse(last?.data ?? '{}') as Record<string, unknown>;
  expect(JSON.parse(failed?.data ?? '{}')).toMatchObject({ response: { status: 'failed', error: { code: 'upstream_stream_interrupted', message: error.message } } });
  expect(error).toMatchObject({ type: 'error', code: 'upstream_stream_interrupted' });
  expect(String(error.message)).toMatch(because);
  expect(frameTypes(frames)).not.toContain('response.completed');
  expect(await proxy.eventFor(reply.id)).toMatchObject({ status: 200, outcome: 'upstream_error', error_code: 'upstream_stream_interrupted', stream: true });
}

/** Upstream sockets held by the proxy drop back to at most `bound` once nothing is in flight. */
async function expectMockConnectionsAtMost(bound: number): Promise<void> {
  const settled = await eventually(() => mock.openConnections() <= bound, 5_000); // generous: a loaded CI machine closes sockets late
  expect(settled, `mock still has ${mock.openConnections()} open connections (bound ${bound})`).toBe(true);
}

const both = [false, true] as const;

describe('upstream faults on the live path', () => {
  it('connection refused: 502 connection_failed naming the upstream host, JSON and stream', async () => {
    for (const stream of both) {
      const reply = await call(live.url, 'refused', { stream });
      await expectError(live, reply, 502, { message: `could not reach upstream 127.0.0.1:${deadPort}: ECONNREFUSED`, type: 'upstream_error', code: 'connection_failed' }, 'upstream_error');
    }
    await expectStillServing(live);
  });

  it('TCP reset before any header: 502 connection_failed, and the reset sockets are gone', async () => {
    const replies = await Promise.all(both.flatMap((stream) => [1, 2, 3].map(() => call(live.url, 'reset', { stream }))));
    for (const reply of replies) {
      expect(reply.status).toBe(502);
      expect(errorOf(reply)).toMatchObject({ type: 'upstream_error', code: 'connection_failed', message: expect.stringContaining(`could not reach upstream 127.0.0.1:${mock.port}`) });
      expect(await live.eventFor(reply.id)).toMatchObject({ status: 502, outcome: 'upstream_error', error_code: 'connection_failed' });
    }
    await expectMockConnectionsAtMost(POOL_BOUND);
    await expectStillServing(live);
  });

  it('socket closed before the JSON headers: 502 connection_failed', async () => {
    const reply = await call(live.url, 'cut');
    expect(reply.status).toBe(502);
    expect(errorOf(reply)).toMatchObject({ type: 'upstream_error', code: 'connection_failed' });
    expect(await live.eventFor(reply.id)).toMatchObject({ status: 502, outcome: 'upstream_error' });
  });

  it('stream closed mid-way, or reset mid-way: the relayed frames, then one upstream_stream_interrupted frame, and the stream ends', async () => {
    const cut = await call(live.url, 'cut', { stream: true });
    expect(frameTypes(framesOf(cut))).toContain('response.output_text.delta');
    await expectInterruptedStream(live, cut, /the upstream stream broke: UND_ERR_SOCKET/);
    const rst = await call(live.url, 'rst', { stream: true });
    expect(frameTypes(framesOf(rst)).slice(0, 2)).toEqual(['response.created', 'response.output_text.delta']);
    await expectInterruptedStream(live, rst, /the upstream stream broke/);
    expect(await eventually(() => faults.openConnections() === 0, 2_000)).toBe(true);
    await expectStillServing(live);
  });

  it('silence before headers past the model timeout: 504 timeout, and the proxy closes every hung socket', async () => {
    const before = mock.openConnections();
    const seen = faults.requestsSeen('/hang/');
    const replies = await Promise.all(both.flatMap((stream) => [1, 2, 3].flatMap(() => [call(live.url, 'hang', { stream }), call(live.url, 'hang-counted', { stream })])));
    for (const reply of replies) {
      await expectError(live, reply, 504, { message: `upstream request timed out after ${TIMEOUT_MS} ms`, type: 'timeout' }, 'timeout');
    }
    expect(faults.requestsSeen('/hang/') - seen).toBe(6);
    // a socket with an unanswered request can never go back to the pool: only the proxy can close it
    expect(await eventually(() => faults.busyConnections() === 0, 2_000), `${faults.busyConnections()} hung sockets left open`).toBe(true);
    // undici opens a fresh idle socket for each aborted one (nodejs/undici#5845); reused later, so bounded
    await expectMockConnectionsAtMost(before + 6);
    await expectStillServing(live);
  });

  it('silence mid-stream past the idle timeout: an interrupted stream; mid-JSON-body past the call timeout: 504; stalled sockets closed', async () => {
    const before = mock.openConnections();
    const [streams, jsons] = await Promise.all([
      Promise.all([1, 2, 3].map(() => call(live.url, 'stall', { stream: true }))),
      Promise.all([1, 2, 3].map(() => call(live.url, 'stall'))),
    ]);
    for (const reply of streams) await expectInterruptedStream(live, reply, new RegExp(`went idle for longer than ${IDLE_MS} ms`));
    for (const reply of jsons) await expectError(live, reply, 504, { message: `upstream request timed out after ${TIMEOUT_MS} ms`, type: 'timeout' }, 'timeout');
    // every stalled socket (a reply under way that will never finish) is closed by the proxy ...
    expect(await eventually(() => mock.busyConnections() === 0, 5_000), `${mock.busyConnections()} stalled sockets left open`).toBe(true);
    // ... and idle ones stay bounded (undici may open a fresh idle socket for an aborted one, nodejs/undici#5845)
    await expectMockConnectionsAtMost(before + 6);
    await expectStillServing(live);
  });

  it('a 5xx burst: each 500 becomes its own 502 upstream_500, no retries, then requests succeed again', async () => {
    const sentBefore = mock.requests().length;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const reply = await call(live.url, 'burst');
      statuses.push(reply.status);
      const event = await live.eventFor(reply.id);
      if (reply.status === 502) {
        expect(errorOf(reply)).toEqual({ message: expect.stringMatching(/^upstream returned 500: /), type: 'upstream_error', code: 'upstream_500' });
        expect(event).toMatchObject({ outcome: 'upstream_error', error_code: 'upstream_500' });
      } else {
        expect(event).toMatchObject({ status: 200, outcome: 'ok' });
      }
    }
    expect(statuses).toEqual([502, 502, 502, 200, 200]);
    expect(mock.requests().length - sentBefore).toBe(5); // the proxy never retries
    await expectMockConnectionsAtMost(POOL_BOUND);
  });

  it('malformed SSE from the upstream is relayed as sent and the stream still ends with response.completed and usage', async () => {
    const reply = await call(live.url, 'bad-sse', { stream: true });
    expect(reply.status).toBe(200);
    const types = frameTypes(framesOf(reply));
    expect(types).toContain('<not json>');
    expect(types.at(-1)).toBe('response.completed');
    expect(await live.eventFor(reply.id)).toMatchObject({ status: 200, outcome: 'ok', usage: { input_tokens: 8, output_tokens: 8, total_tokens: 16 } });
  });

  it('a 20 MB JSON body arrives whole, with its usage recorded', async () => {
    const reply = await call(live.url, 'huge');
    expect(reply.status).toBe(200);
    expect(reply.body.length).toBeGreaterThan(20_000_000);
    const json = JSON.parse(reply.body) as { output: { content: { text: string }[] }[]; usage: { output_tokens: number } };
    expect(json.output[0]?.content[0]?.text.length).toBeGreaterThanOrEqual(20_000_000);
    const event = await live.eventFor(reply.id);
    expect(event).toMatchObject({ status: 200, outcome: 'ok' });
    expect(event.usage?.output_tokens).toBe(json.usage.output_tokens);
    await expectMockConnectionsAtMost(POOL_BOUND);
    await expectStillServing(live);
  });

  it('an upstream error message quoting the provider key reaches neither the client nor the event', async () => {
    for (const alias of ['echo-auth', 'echo-auth-500']) {
      const reply = await call(live.url, alias);
      expect(reply.status).toBe(alias === 'echo-auth' ? 401 : 502);
      expectNoSecrets(reply.body, `${alias} reply`);
      expect(String(errorOf(reply).message)).toContain('[REDACTED]');
      const event = await live.eventFor(reply.id);
      expectNoSecrets(JSON.stringify(event), `${alias} event`);
    }
  });
});

describe('upstream faults while a block-mode output guardrail holds the stream back', () => {
  it('a stream larger than guardrail_buffer_bytes: 422 content_filter with no guardrail name, and the upstream is cut off', async () => {
    const before = mock.openConnections();
    for (const alias of ['long', 'huge']) {
      const reply = await call(held.url, alias, { stream: true });
      await expectError(held, reply, 422, { message: 'response blocked by content policy', type: 'content_filter' }, 'blocked_output');
    }
    // mock-huge streams ~100 MB: its socket is only free this soon if the proxy stopped reading
    await expectMockConnectionsAtMost(before);
    await expectStillServing(held);
  });

  it('a held stream that is cut, reset or stalls: 502 upstream_error; one that never starts: 504; no content byte sent', async () => {
    for (const alias of ['cut', 'rst', 'stall', 'hang-counted']) {
      const reply = await call(held.url, alias, { stream: true });
      if (alias === 'hang-counted') await expectError(held, reply, 504, { message: `upstream request timed out after ${TIMEOUT_MS} ms`, type: 'timeout' }, 'timeout');
      else await expectError(held, reply, 502, { message: expect.any(String), type: 'upstream_error', code: 'upstream_stream_interrupted' }, 'upstream_error');
    }
    expect(await eventually(() => faults.busyConnections() === 0, 2_000)).toBe(true);
    await expectStillServing(held);
  });
});

describe('after the faults', () => {
  it('stdout stayed pure NDJSON with no warning, no 500, no key; once both proxies stop, no upstream socket is left open', async () => {
    for (const proxy of [live, held]) {
      expect(proxy.badLines).toEqual([]);
      expect(proxy.lines.filter((l) => l.event === 'warning')).toEqual([]);
      expect(proxy.finished().filter((e) => e.status === 500)).toEqual([]);
      expect(proxy.stderr()).not.toContain(PROVIDER_KEY);
      for (const line of proxy.lines) expectNoSecrets(JSON.stringify(line), 'an NDJSON line');
    }
    expect(mock.openConnections()).toBeLessThanOrEqual(POOL_BOUND);
    expect(await Promise.all([live.stop(), held.stop()])).toEqual([0, 0]);
    await expectMockConnectionsAtMost(0);
    expect(faults.openConnections()).toBe(0);
  });
});
