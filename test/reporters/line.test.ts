// The line reporter prints outside text escaped (aliases a caller chose, upstream models, error
// codes, caller names, config issues, warnings) and its stdout honours backpressure.
import { describe, expect, it } from 'vitest';
import { createEventBus } from '../../src/events/bus.js';
import { attachLineReporter, formatRequestLine } from '../../src/reporters/line.js';
import { finishedEvent } from './tui/fixtures.js';
import { manualSchedule, SlowSink } from './sinks.js';

const HOSTILE = '\u001b[2J\u001b]0;pwned\u0007';
const ESCAPED = '\\u001b[2J\\u001b]0;pwned\\u0007';
// a raw control (other than the line break), DEL, C1 or bidi character left in printed text
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function attach() {
  const bus = createEventBus();
  const stdout = new SlowSink();
  const stderr = new SlowSink();
  stdout.full = false;
  stderr.full = false;
  const turns = manualSchedule();
  const detach = attachLineReporter(bus, { stdout, stderr, writer: { schedule: turns.schedule, maxPending: 200 } });
  return { bus, stdout, stderr, turns, detach };
}

describe('line reporter: terminal safety', () => {
  it('escapes a caller-chosen wildcard alias and the upstream model', () => {
    const line = formatRequestLine(finishedEvent('r1', { alias: `openai/${HOSTILE}`, upstream_model: `gpt\u009b31m-\u202emodel` }));
    expect(line).not.toMatch(RAW);
    expect(line).toContain(`openai/${ESCAPED}→gpt\\u009b31m-\\u202emodel`);
  });

  it('escapes an upstream error code and the caller name', () => {
    const line = formatRequestLine(
      finishedEvent('r1', { status: 502, outcome: 'upstream_error', error_code: `bad${HOSTILE}`, caller: 'dev\r\nFAKE 200 line' }),
    );
    expect(line).not.toMatch(RAW);
    expect(line).not.toContain('\n');
    expect(line).toContain(`bad${ESCAPED}`);
    expect(line).toContain('dev\\r\\nFAKE 200 line');
  });

  it('escapes the method and route when no alias resolved', () => {
    const line = formatRequestLine(finishedEvent('r1', { alias: null, upstream_model: null, route: `/v1/x${HOSTILE}`, status: 404, outcome: 'not_found' }));
    expect(line).toContain(`POST /v1/x${ESCAPED}`);
    expect(line).not.toMatch(RAW);
  });

  it('leaves an ordinary line exactly as before', () => {
    expect(formatRequestLine(finishedEvent('r1', { time: '2025-01-02T12:01:07.000Z', stream: true, ttft_ms: 180, cost_usd: null }))).toBe(
      '12:01:07 200 local-dev demo→mock-echo stream 13→9 tok 412ms ttft 180ms',
    );
  });

  it('prints request lines, warnings and config messages escaped', () => {
    const { bus, stdout, stderr, turns } = attach();
    bus.emit('request.finished', finishedEvent('r1', { alias: `openai/${HOSTILE}` }));
    turns.turn();
    bus.emit('warning', { message: `upstream said ${HOSTILE}\nsecond line\u009b` });
    bus.emit('config.rejected', { time: '2025-01-02T12:01:07.000Z', errors: [{ line: 3, col: 1, scope: `models.${HOSTILE}`, message: `bad\u001b[31m` }] });
    bus.emit('config.reloaded', { time: '2025-01-02T12:01:08.000Z', added: ['a'], removed: [], changed: [], auth: true, budget_usd: null });
    expect(stdout.text()).not.toMatch(RAW);
    expect(stdout.text()).toContain(`openai/${ESCAPED}→mock-echo`);
    const err = stderr.text();
    expect(err).not.toMatch(RAW);
    // a multi-line warning keeps its lines, indented so none can pass for a line of its own
    expect(err).toContain(`aisix: warning: upstream said ${ESCAPED}\n  second line\\u009b\n`);
    expect(err).toContain(`  3:1: models.${ESCAPED}: bad\\u001b[31m\n`);
    expect(err).toContain('12:01:08 config reloaded (aliases +1 -0 ~0)\n');
  });
});

describe('line reporter: backpressure', () => {
  it('queues while stdout is full, writes on drain in order, and detach flushes the rest', () => {
    const { bus, stdout, turns, detach } = attach();
    stdout.full = true;
    bus.emit('request.finished', finishedEvent('r0', { caller: 'c0' }));
    turns.turn();
    for (let i = 1; i <= 2; i++) bus.emit('request.finished', finishedEvent(`r${i}`, { caller: `c${i}` }));
    turns.turn();
    expect(stdout.chunks).toHaveLength(1);
    stdout.drain();
    expect(stdout.lines().map((l) => l.split(' ')[2])).toEqual(['c0', 'c1', 'c2']);
    stdout.full = true;
    bus.emit('request.finished', finishedEvent('r3', { caller: 'c3' }));
    turns.turn();
    bus.emit('request.finished', finishedEvent('r4', { caller: 'c4' }));
    detach();
    expect(stdout.lines().map((l) => l.split(' ')[2])).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
  });

  it('drops the oldest lines past the cap and prints one notice line once stdout drains', () => {
    const { bus, stdout, turns } = attach(); // cap: 200 characters, about 3 lines
    stdout.full = true;
    bus.emit('request.finished', finishedEvent('r0', { caller: 'c0' }));
    turns.turn();
    for (let i = 1; i <= 10; i++) bus.emit('request.finished', finishedEvent(`r${i}`, { caller: `c${i}` }));
    turns.turn();
    stdout.drain();
    const lines = stdout.lines();
    const notice = lines.findIndex((l) => l.startsWith('aisix: warning:'));
    expect(notice).toBe(1);
    const kept = lines.slice(2).map((l) => l.split(' ')[2]);
    expect(kept.at(-1)).toBe('c10');
    expect(lines[notice]).toBe(`aisix: warning: ${10 - kept.length} lines of output dropped (the output was not being read fast enough)`);
  });
});

describe('line reporter: retries and failover', () => {
  it('adds `N tries` after more than one attempt and `via <target>` for a routing model, and nothing for one attempt', () => {
    const attempt = (target: string, status: number) => ({ target, status, error_code: status >= 500 ? `upstream_${status}` : null, ms: 5 });
    const routed = formatRequestLine(finishedEvent('r1', { alias: 'gpt-4o', attempts: [attempt('primary', 500), attempt('backup', 200)], served_by: 'backup' }));
    expect(routed).toMatch(/ \$0\.000123 2 tries via backup$/);
    const plain = formatRequestLine(finishedEvent('r2'));
    expect(plain).not.toMatch(/tries|via/);
  });
});

describe('line reporter: cache hits and rate limits', () => {
  it('says `cached` for a cache hit and `RATE LIMITED` for a 429 from a rate limit', () => {
    expect(formatRequestLine(finishedEvent('r1', { cache: 'hit', cost_usd: 0, usage: null }))).toMatch(/ \$0\.000000 cached$/);
    expect(formatRequestLine(finishedEvent('r2', { cache: 'miss' }))).not.toContain('cached');
    const limited = formatRequestLine(finishedEvent('r3', { status: 429, outcome: 'rate_limited', error_type: 'rate_limit_exceeded', error_code: null, usage: null }));
    expect(limited).toMatch(/ 429 .* RATE LIMITED /);
  });
});
