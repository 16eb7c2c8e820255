// The NDJSON reporter stays JSON: every control character arrives escaped (JSON.stringify for C0,
// terminalSafeJson for DEL, C1 and bidi) and parses back to the very value that was emitted; its
// stdout honours backpressure, and dropped lines are announced by one `warning` event line.
import { describe, expect, it } from 'vitest';
import { createEventBus } from '../../src/events/bus.js';
import { attachJsonReporter } from '../../src/reporters/json.js';
import { finishedEvent } from './tui/fixtures.js';
import { manualSchedule, SlowSink } from './sinks.js';

const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function attach(maxPending?: number) {
  const bus = createEventBus();
  const stdout = new SlowSink();
  stdout.full = false;
  const turns = manualSchedule();
  const detach = attachJsonReporter(bus, stdout, { schedule: turns.schedule, maxPending });
  return { bus, stdout, turns, detach };
}

describe('NDJSON reporter', () => {
  it('escapes every control character and still round-trips the payload exactly', () => {
    const { bus, stdout, turns } = attach();
    const event = finishedEvent('r1', {
      alias: 'openai/\u001b[2J\u001b]0;pwned\u0007',
      error_code: 'x\u009b31m\u007f',
      error_message: 'line one\nline two\u202e',
      caller: 'tab\there',
    });
    bus.emit('request.finished', event);
    bus.emit('warning', { message: 'w\u001b[5m\u2066' });
    turns.turn();
    const text = stdout.text();
    expect(text).not.toMatch(RAW);
    expect(text).toContain('\\u001b[2J');
    expect(text).toContain('\\u009b31m');
    const lines = stdout.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({ event: 'request.finished', ...event });
    expect(lines[1]).toEqual({ event: 'warning', message: 'w\u001b[5m\u2066' });
  });

  it('queues while stdout is full; a drain writes everything in order', () => {
    const { bus, stdout, turns, detach } = attach();
    stdout.full = true;
    for (let i = 0; i < 50; i++) {
      bus.emit('request.started', { id: `r${i}`, time: '2025-01-02T12:01:07.000Z', method: 'POST', path: '/v1/responses' });
      turns.turn();
    }
    expect(stdout.chunks).toHaveLength(1);
    stdout.drain();
    bus.emit('request.started', { id: 'last', time: '2025-01-02T12:01:07.000Z', method: 'POST', path: '/v1/responses' });
    detach();
    expect(stdout.lines().map((l) => (JSON.parse(l) as { id: string }).id)).toEqual([...Array.from({ length: 50 }, (_, i) => `r${i}`), 'last']);
  });

  it('past the cap: drops the oldest lines, then one NDJSON warning line with the count', () => {
    const { bus, stdout, turns } = attach(1000);
    stdout.full = true;
    bus.emit('request.finished', finishedEvent('first'));
    turns.turn();
    for (let i = 0; i < 20; i++) bus.emit('request.finished', finishedEvent(`r${i}`));
    stdout.drain();
    const lines = stdout.lines().map((l) => JSON.parse(l) as { event: string; id?: string; message?: string });
    expect(lines[0]?.id).toBe('first');
    expect(lines[1]?.event).toBe('warning');
    const kept = lines.slice(2);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.at(-1)?.id).toBe('r19');
    expect(lines[1]?.message).toBe(`${20 - kept.length} NDJSON lines dropped: stdout was not being read fast enough`);
    expect(lines.every((l) => l.event === 'request.finished' || l.event === 'warning')).toBe(true);
  });
});
