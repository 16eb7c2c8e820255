// Reliability, client faults (issue 7): 200 SDK clients stream through the proxy child at once and
// each walks away at a seeded random point — a random delay after it starts, a random delay after
// the upstream got its request, or after k events — from a slow stream, a stalled stream, a hung
// upstream or the mock's slow model. Within a
// second of the last abort, no upstream connection is still busy with one of their requests (each
// was closed, or finished and went back to the pool), and every request has exactly one
// request.finished with status 499 and outcome `aborted` (a client that left before its request
// was even sent has no request, hence no event).
import { APIUserAbortError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { startFaultUpstream, type FaultUpstream } from './fault-upstream.js';
import { startProxy, type ProxyChild } from './proxy-child.js';
import { CHILD_ENV, configYaml, eventually, expectStillServing, rid, scratchDir, sdk, type Scratch } from './setup.js';

const CLIENTS = 200;
const SEED = 0x7a15;

let mock: MockServer;
let faults: FaultUpstream;
let proxy: ProxyChild;
let scratch: Scratch;

beforeAll(async () => {
  [mock, faults] = await Promise.all([startMock(), startFaultUpstream()]);
  scratch = scratchDir('client');
  const configPath = scratch.write('aisix.yaml', configYaml({
    providers: { mock: `${mock.url}/v1`, slow: `${faults.url}/slow-stream/v1`, stall: `${faults.url}/stall/v1`, hang: `${faults.url}/hang/v1` },
    models: [
      { alias: 'echo', model: 'mock-echo' },
      { alias: 'mock-slow', model: 'mock-slow' },
      { alias: 'slow', model: 'any', key: 'slow' },
      { alias: 'stall', model: 'any', key: 'stall' },
      { alias: 'hang', model: 'any', key: 'hang' },
    ],
    // long enough that only the client leaving can free a stalled or hung upstream socket
    proxy: { upstream_timeout_ms: 60_000, stream_idle_timeout_ms: 60_000 },
  }));
  proxy = await startProxy({ configPath, env: CHILD_ENV });
});

afterAll(async () => {
  await proxy?.stop();
  await Promise.all([mock?.close(), faults?.close()]);
  scratch?.remove();
});

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Alias = 'slow' | 'stall' | 'hang' | 'mock-slow';

/**
 * Where a client leaves: `early` — a random delay after it starts, maybe before its request is even
 * sent; `upstream` — a random delay after the upstream received its request (before or after the
 * response headers); `events` — after reading k stream events.
 */
type Plan =
  | { id: string; alias: Alias; mode: 'early'; ms: number }
  | { id: string; alias: Alias; mode: 'upstream'; ms: number }
  | { id: string; alias: Alias; mode: 'events'; events: number };

/** Random abort points that always fall before the stream's own end. */
function plans(count: number, random: () => number): Plan[] {
  const aliases: Alias[] = ['slow', 'stall', 'hang', 'mock-slow'];
  // events each stream is sure to send before its end (or its silence); ms after arrival well before its end
  const maxEvents: Record<Alias, number> = { slow: 25, stall: 3, hang: 0, 'mock-slow': 6 };
  const maxMs: Record<Alias, number> = { slow: 500, stall: 800, hang: 800, 'mock-slow': 400 };
  return Array.from({ length: count }, (_, i): Plan => {
    const alias = aliases[i % aliases.length] as Alias;
    const id = rid(`abort-${alias}`);
    const pick = random();
    if (pick < 0.15) return { id, alias, mode: 'early', ms: Math.floor(random() * 150) };
    if (pick < 0.6 && maxEvents[alias] > 0) return { id, alias, mode: 'events', events: 1 + Math.floor(random() * maxEvents[alias]) };
    return { id, alias, mode: 'upstream', ms: Math.floor(random() * maxMs[alias]) };
  });
}

function upstreamSaw(id: string): boolean {
  return faults.sawRequest(id) || mock.requests().some((r) => r.headers['x-aisix-request-id'] === id);
}

/** Aborts `controller` `ms` after the upstream received request `id` (gives up after 10 s). */
async function abortAfterArrival(controller: AbortController, id: string, ms: number): Promise<void> {
  const arrived = await eventually(() => upstreamSaw(id) || controller.signal.aborted, 10_000);
  if (!arrived) throw new Error(`${id} never reached the upstream`);
  await new Promise((r) => setTimeout(r, ms));
  controller.abort();
}

/** Runs one client to its abort point; fails if its stream ended before it left. */
async function runClient(url: string, plan: Plan): Promise<void> {
  const controller = new AbortController();
  const timer = plan.mode === 'early' ? setTimeout(() => controller.abort(), plan.ms) : null;
  const watcher = plan.mode === 'upstream' ? abortAfterArrival(controller, plan.id, plan.ms) : null;
  let events = 0;
  try {
    const stream = await sdk(url).responses.create(
      { model: plan.alias, input: 'stream until I leave', stream: true },
      { signal: controller.signal, headers: { 'x-aisix-request-id': plan.id } },
    );
    for await (const event of stream) {
      void event;
      events += 1;
      if (plan.mode === 'events' && events >= plan.events) {
        controller.abort();
        break;
      }
    }
    if (!controller.signal.aborted) throw new Error(`${plan.id}: the stream ended before the client left`);
  } catch (err) {
    if (!(err instanceof APIUserAbortError) && !controller.signal.aborted) throw err;
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
  await watcher;
}

describe('clients that abort streams', () => {
  it(`${CLIENTS} concurrent clients leave at random points: upstream sockets freed within 1 s, one 499 aborted event each`, async () => {
    const all = plans(CLIENTS, prng(SEED));
    const mockBefore = mock.openConnections();
    await Promise.all(all.map((plan) => runClient(proxy.url, plan)));
    const lastAbort = Date.now();

    // every upstream request of theirs is closed or finished (back in the pool) within a second
    const freed = await eventually(() => faults.busyConnections() === 0, 1_000);
    expect(freed, `${faults.busyConnections()} upstream sockets still busy 1 s after the last abort`).toBe(true);
    expect(Date.now() - lastAbort).toBeLessThanOrEqual(1_100);
    // the mock cannot say which socket is busy; its count stays within one socket per mock-slow client,
    // since undici opens an idle replacement for each aborted socket (nodejs/undici#5845), reused later
    expect(await eventually(() => mock.openConnections() <= mockBefore + CLIENTS / 4, 1_000)).toBe(true);

    // the faults really were under way: every client that did not leave early reached the upstream
    const late = all.filter((p) => p.mode !== 'early');
    expect(late.filter((p) => !upstreamSaw(p.id)).map((p) => p.id)).toEqual([]);
    expect(late.length).toBeGreaterThan(CLIENTS * 0.7);

    // a client that left before its request was sent is no request: no event. Every other one has one.
    const started = (id: string): boolean => proxy.lines.some((l) => l.event === 'request.started' && l.id === id);
    await proxy.waitFor(() => all.every((p) => !started(p.id) || proxy.finishedFor(p.id).length > 0), 'an event for every started request', 5_000);
    await new Promise((r) => setTimeout(r, 100));
    const reached = all.filter((p) => started(p.id));
    expect(reached.length).toBeGreaterThanOrEqual(late.length);
    for (const plan of all) {
      const events = proxy.finishedFor(plan.id);
      if (!started(plan.id)) {
        expect(events, `${plan.id} never reached the proxy`).toHaveLength(0);
        continue;
      }
      expect(events, plan.id).toHaveLength(1);
      expect(events[0], plan.id).toMatchObject({ status: 499, outcome: 'aborted', stream: true });
      expect([plan.alias, null], plan.id).toContain(events[0]?.alias); // null: it left before its body was read
    }
    expect(proxy.lines.filter((l) => l.event === 'warning')).toEqual([]);
    await expectStillServing(proxy);
  });

  it('after the aborts the pool still serves streams to the same upstreams end to end', async () => {
    const ids = Array.from({ length: 20 }, () => rid('after-abort'));
    await Promise.all(ids.map(async (id) => {
      const stream = await sdk(proxy.url).responses.create({ model: 'slow', input: 'x', stream: true }, { headers: { 'x-aisix-request-id': id } });
      let last = '';
      for await (const event of stream) last = event.type;
      expect(last).toBe('response.completed');
    }));
    for (const id of ids) expect(await proxy.eventFor(id)).toMatchObject({ status: 200, outcome: 'ok', usage: { output_tokens: 30 } });
    expect(await eventually(() => faults.busyConnections() === 0, 1_000)).toBe(true);
  });

  it('once the proxy stops, neither upstream has an open connection left', async () => {
    expect(await proxy.stop()).toBe(0);
    expect(await eventually(() => mock.openConnections() === 0 && faults.openConnections() === 0, 2_000)).toBe(true);
  });
});
