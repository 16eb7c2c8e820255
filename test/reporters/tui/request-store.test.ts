import { describe, expect, it } from 'vitest';
import { createEventBus } from '../../../src/events/bus.js';
import { attachStore } from '../../../src/reporters/tui/attach.js';
import { RequestStore } from '../../../src/reporters/tui/request-store.js';
import {
  aborted,
  blockedInput,
  blockedOutput,
  finishedEvent,
  manualClock,
  monitored,
  startedEvent,
  unauthorized,
  upstream5xx,
  usage,
} from './fixtures.js';

function setup(options: { historyLimit?: number; previewLimit?: number } = {}) {
  const clock = manualClock();
  const store = new RequestStore({ ...options, clock });
  let notifies = 0;
  store.subscribe(() => notifies++);
  const settle = (): void => clock.advance(50);
  /** the seq of the newest row with this request id (previews are kept by row) */
  const seqOf = (id: string): number => {
    settle();
    return store.getSnapshot().rows.find((r) => r.id === id)?.seq ?? -1;
  };
  return { clock, store, notifies: () => notifies, settle, seqOf };
}

describe('RequestStore', () => {
  it('shows a started request in flight, then replaces it in place when it finishes', () => {
    const { clock, store, settle } = setup();
    store.started(startedEvent('r1'));
    store.started(startedEvent('r2'));
    settle();
    let s = store.getSnapshot();
    expect(s.rows.map((r) => [r.id, r.kind])).toEqual([
      ['r2', 'in_flight'],
      ['r1', 'in_flight'],
    ]);
    expect(s.totals.inFlight).toBe(2);
    expect(s.totals.requests).toBe(0);

    clock.advance(400);
    store.finished(finishedEvent('r1'));
    settle();
    s = store.getSnapshot();
    expect(s.rows.map((r) => [r.id, r.kind])).toEqual([
      ['r2', 'in_flight'],
      ['r1', 'ok'],
    ]);
    expect(s.rows[1]?.startedAt).toBe(s.rows[0]?.startedAt);
    expect(s.totals).toMatchObject({ requests: 1, inFlight: 1, errors: 0, blocked: 0, inputTokens: 13, outputTokens: 9 });
  });

  it('settles repeated request ids first in, first out: two started, two finished, no ghost in-flight row', () => {
    // x-aisix-request-id is caller-settable, so two in-flight requests may share an id
    const { clock, store, settle } = setup();
    store.started(startedEvent('dup', { path: '/v1/first' }));
    clock.advance(100);
    store.started(startedEvent('dup', { path: '/v1/second' }));
    settle();
    expect(store.getSnapshot().rows.map((r) => [r.path, r.kind])).toEqual([
      ['/v1/second', 'in_flight'],
      ['/v1/first', 'in_flight'],
    ]);
    expect(store.getSnapshot().totals.inFlight).toBe(2);

    store.finished(finishedEvent('dup', { route: '/v1/first', status: 201 }));
    settle();
    let s = store.getSnapshot();
    // the oldest in-flight row with that id settled; the other is still in flight
    expect(s.rows.map((r) => [r.id, r.kind, r.finished?.status ?? null])).toEqual([
      ['dup', 'in_flight', null],
      ['dup', 'ok', 201],
    ]);
    expect(s.totals.inFlight).toBe(1);

    store.finished(finishedEvent('dup', { route: '/v1/second', status: 202 }));
    settle();
    s = store.getSnapshot();
    expect(s.rows).toHaveLength(2);
    expect(s.rows.map((r) => [r.kind, r.finished?.status ?? null])).toEqual([
      ['ok', 202],
      ['ok', 201],
    ]);
    expect(s.rows.filter((r) => r.kind === 'in_flight')).toHaveLength(0);
    expect(s.totals).toMatchObject({ requests: 2, inFlight: 0 });
    expect(new Set(s.rows.map((r) => r.seq)).size).toBe(2);
    // each row kept its own start time (FIFO, not last-started-wins)
    expect(s.rows[1]?.startedAt).toBe((s.rows[0]?.startedAt ?? 0) - 100);
  });

  it('keeps previews per row when request ids repeat', () => {
    const { store, settle } = setup();
    store.started(startedEvent('dup'));
    store.started(startedEvent('dup'));
    store.finished(finishedEvent('dup', { input_preview: 'first' }));
    store.finished(finishedEvent('dup', { input_preview: 'second' }));
    settle();
    const [newer, older] = store.getSnapshot().rows;
    expect(store.previewsOf(older?.seq ?? -1)?.input).toBe('first');
    expect(store.previewsOf(newer?.seq ?? -1)?.input).toBe('second');
  });

  it('adds a finished request it never saw start (no in-flight count change)', () => {
    const { store, settle } = setup();
    store.finished(finishedEvent('r1'));
    settle();
    const s = store.getSnapshot();
    expect(s.rows.map((r) => r.id)).toEqual(['r1']);
    expect(s.totals.inFlight).toBe(0);
    expect(s.totals.requests).toBe(1);
  });

  it('counts blocks as blocked (not errors) and 4xx, 5xx and aborts as errors', () => {
    const { store, settle } = setup();
    for (const e of [blockedInput('b1'), blockedOutput('b2'), unauthorized('e1'), upstream5xx('e2'), aborted('e3'), monitored('m1'), finishedEvent('ok1')]) {
      store.started(startedEvent(e.id));
      store.finished(e);
    }
    settle();
    const s = store.getSnapshot();
    expect(Object.fromEntries(s.rows.map((r) => [r.id, r.kind]))).toEqual({
      b1: 'blocked',
      b2: 'blocked',
      e1: 'error',
      e2: 'error',
      e3: 'error',
      m1: 'ok',
      ok1: 'ok',
    });
    expect(s.totals).toMatchObject({ requests: 7, inFlight: 0, errors: 3, blocked: 2, monitored: 1 });
  });

  it('sums tokens and cost as counters, including requests no longer in history', () => {
    const { store, settle } = setup({ historyLimit: 2 });
    store.finished(finishedEvent('a', { usage: usage(100, 10), cost_usd: 0.5 }));
    store.finished(finishedEvent('b', { usage: usage(200, 20), cost_usd: 0.25 }));
    store.finished(finishedEvent('c', { usage: null, cost_usd: null }));
    settle();
    const s = store.getSnapshot();
    expect(s.rows.map((r) => r.id)).toEqual(['c', 'b']);
    expect(s.totals).toMatchObject({ requests: 3, inputTokens: 300, outputTokens: 30, costUsd: 0.75 });
  });

  it('keeps at most historyLimit rows (default 1,000), newest first', () => {
    const { store, settle } = setup();
    expect(store.historyLimit).toBe(1000);
    for (let i = 0; i < 1500; i++) store.finished(finishedEvent(`r${i}`));
    settle();
    const s = store.getSnapshot();
    expect(s.rows).toHaveLength(1000);
    expect(s.rows[0]?.id).toBe('r1499');
    expect(s.rows[999]?.id).toBe('r500');
    expect(s.totals.requests).toBe(1500);
  });

  it('filters all -> errors -> blocked -> all', () => {
    const { store, settle } = setup();
    store.finished(finishedEvent('ok'));
    store.finished(upstream5xx('err'));
    store.finished(blockedInput('blk'));
    store.started(startedEvent('live'));
    settle();
    const ids = () => store.getSnapshot().rows.map((r) => r.id);
    expect(ids()).toEqual(['live', 'blk', 'err', 'ok']);
    store.cycleFilter();
    expect(store.getSnapshot().filter).toBe('errors');
    expect(ids()).toEqual(['err']);
    store.cycleFilter();
    expect(ids()).toEqual(['blk']);
    store.cycleFilter();
    expect(store.getSnapshot().filter).toBe('all');
    expect(ids()).toHaveLength(4);
  });

  it('pause freezes the list while totals keep counting; resume shows everything', () => {
    const { store, settle } = setup();
    store.finished(finishedEvent('before'));
    settle();
    store.togglePause();
    store.finished(finishedEvent('during1'));
    store.finished(upstream5xx('during2'));
    settle();
    let s = store.getSnapshot();
    expect(s.paused).toBe(true);
    expect(s.rows.map((r) => r.id)).toEqual(['before']);
    expect(s.newWhilePaused).toBe(2);
    expect(s.totals).toMatchObject({ requests: 3, errors: 1 });
    store.togglePause();
    s = store.getSnapshot();
    expect(s.paused).toBe(false);
    expect(s.rows.map((r) => r.id)).toEqual(['during2', 'during1', 'before']);
  });

  it('clear empties the list but keeps in-flight rows and the totals', () => {
    const { store, settle, seqOf } = setup();
    store.finished(finishedEvent('done', { input_preview: 'hi' }));
    store.started(startedEvent('live'));
    settle();
    const done = seqOf('done');
    expect(store.previewsOf(done)).not.toBeNull();
    store.clear();
    let s = store.getSnapshot();
    expect(s.rows.map((r) => r.id)).toEqual(['live']);
    expect(s.totals.requests).toBe(1);
    expect(store.previewsOf(done)).toBeNull();
    store.finished(finishedEvent('live'));
    settle();
    s = store.getSnapshot();
    expect(s.rows.map((r) => [r.id, r.kind])).toEqual([['live', 'ok']]);
    expect(s.totals.inFlight).toBe(0);
  });

  it('batches: a burst of events makes one notify per interval, at most ~20 per second', () => {
    const { clock, store, notifies } = setup();
    const before = store.getSnapshot();
    for (let i = 0; i < 500; i++) {
      store.started(startedEvent(`r${i}`));
      store.finished(finishedEvent(`r${i}`));
    }
    expect(notifies()).toBe(0);
    expect(store.getSnapshot()).toBe(before); // stable until the flush (useSyncExternalStore relies on it)
    clock.advance(0);
    expect(notifies()).toBe(1);
    expect(store.getSnapshot().totals.requests).toBe(500);

    // a second of steady traffic (an event every 2 ms) notifies about 20 times, not 500
    for (let ms = 0; ms < 1000; ms += 2) {
      store.finished(finishedEvent(`s${ms}`));
      clock.advance(2);
    }
    expect(notifies() - 1).toBeGreaterThanOrEqual(19);
    expect(notifies() - 1).toBeLessThanOrEqual(21);
  });

  it('reports requests per second over a 5 s window, decaying to 0 without new events', () => {
    const { clock, store, settle } = setup();
    for (let i = 0; i < 10; i++) store.finished(finishedEvent(`r${i}`));
    settle();
    expect(store.getSnapshot().totals.perSecond).toBe(2);
    clock.advance(6000);
    expect(store.getSnapshot().totals.perSecond).toBe(0);
  });

  it('keeps previews only for the last previewLimit requests, and not in the rows', () => {
    const { store, seqOf } = setup({ previewLimit: 2 });
    store.finished(finishedEvent('a', { input_preview: 'in a', output_preview: 'out a' }));
    store.finished(finishedEvent('b', { input_preview: 'in b' }));
    store.finished(finishedEvent('c', { output_preview: 'out c' }));
    expect(store.previewsOf(seqOf('a'))).toBeNull();
    expect(store.previewsOf(seqOf('b'))).toEqual({ input: 'in b', output: undefined });
    expect(store.previewsOf(seqOf('c'))).toEqual({ input: undefined, output: 'out c' });
    expect(store.getSnapshot().rows.every((r) => !('input_preview' in (r.finished ?? {})))).toBe(true);
    store.finished(finishedEvent('d'));
    expect(store.previewsOf(seqOf('b'))).not.toBeNull();
  });

  it('tracks server and config state: listening, reloaded, rejected, warnings', () => {
    const { store, settle } = setup();
    store.serverListening({ url: 'http://127.0.0.1:4001', config_path: '/tmp/aisix.yaml', aliases: ['a', 'b'], auth: true, budget_usd: null });
    settle();
    expect(store.getSnapshot().auth).toBe(true);
    store.configReloaded({ time: '2025-01-02T12:05:00.000Z', added: ['c', 'd'], removed: ['a'], changed: [], auth: false, budget_usd: null });
    settle();
    let s = store.getSnapshot();
    expect(s.auth).toBe(false);
    expect(s.server?.url).toBe('http://127.0.0.1:4001');
    expect(s.aliasDelta).toBe(1);
    expect(s.config).toMatchObject({ kind: 'reloaded', time: '2025-01-02T12:05:00.000Z' });
    store.configRejected({
      time: '2025-01-02T12:06:00.000Z',
      errors: [
        { line: 7, col: 3, scope: 'models.demo', message: 'unknown provider "nope"' },
        { line: 9, col: 1, scope: 'keys', message: 'duplicate key' },
      ],
    });
    store.warning('an event listener threw');
    settle();
    s = store.getSnapshot();
    expect(s.config).toEqual({ kind: 'rejected', time: '2025-01-02T12:06:00.000Z', issue: 'unknown provider "nope" (line 7, models.demo)', more: 1 });
    expect(s.lastWarning?.message).toBe('an event listener threw');
  });

  it('is fed by the bus through trivial listeners, and detaches cleanly', () => {
    const bus = createEventBus();
    const { store, settle } = setup();
    const detach = attachStore(bus, store);
    bus.emit('request.started', startedEvent('r1'));
    bus.emit('request.finished', blockedInput('r1'));
    bus.emit('warning', { message: 'w' });
    settle();
    expect(store.getSnapshot().totals.blocked).toBe(1);
    detach();
    expect(bus.has('request.finished')).toBe(false);
    expect(bus.has('warning')).toBe(false);
  });

  it('stops its timers on dispose', () => {
    const { clock, store, notifies } = setup();
    store.finished(finishedEvent('r1'));
    store.dispose();
    clock.advance(5000);
    expect(notifies()).toBe(0);
    expect(clock.pending()).toBe(0);
  });
});
