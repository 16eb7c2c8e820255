// The batched writer honours backpressure: once write() returns false nothing more is written until
// 'drain', nothing queued below the cap is lost and order is kept; past the cap the oldest whole
// lines go, and one notice line after the drain says how many; flush() writes everything now.
import { describe, expect, it } from 'vitest';
import { createBatchedWriter, DEFAULT_MAX_PENDING } from '../../src/reporters/batched-writer.js';
import { manualSchedule, SlowSink } from './sinks.js';

const line = (i: number): string => `line ${String(i).padStart(4, '0')}\n`; // 10 characters

function setup(maxPending?: number) {
  const sink = new SlowSink();
  const turns = manualSchedule();
  const writer = createBatchedWriter(sink, { schedule: turns.schedule, maxPending, dropNotice: (n) => `DROPPED ${n}\n` });
  return { sink, turns, writer };
}

describe('batched writer', () => {
  it('writes the lines of one event-loop turn with one write, in order', () => {
    const { sink, turns, writer } = setup();
    sink.full = false;
    for (let i = 0; i < 3; i++) writer.write(line(i));
    expect(sink.chunks).toEqual([]);
    expect(turns.pending()).toBe(1);
    turns.turn();
    expect(sink.chunks).toEqual([line(0) + line(1) + line(2)]);
  });

  it('stops writing when write() returns false and resumes on drain: nothing lost, order kept', () => {
    const { sink, turns, writer } = setup();
    writer.write(line(0));
    turns.turn();
    expect(sink.chunks).toHaveLength(1); // accepted, but the sink said it is full
    expect(writer.waiting).toBe(true);
    for (let i = 1; i <= 500; i++) {
      writer.write(line(i));
      turns.turn();
    }
    expect(sink.chunks).toHaveLength(1); // nothing written while waiting for 'drain'
    expect(turns.pending()).toBe(0);
    sink.drain();
    expect(writer.waiting).toBe(false);
    expect(sink.chunks).toHaveLength(2); // everything queued, in one write
    expect(sink.lines()).toEqual(Array.from({ length: 501 }, (_, i) => line(i).trimEnd()));
    expect(writer.dropped).toBe(0);
  });

  it('waits again when the write after a drain fills the sink too', () => {
    const { sink, turns, writer } = setup();
    writer.write(line(0));
    turns.turn();
    writer.write(line(1));
    sink.full = true;
    sink.emit('drain'); // drained, but the next write fills it again
    expect(writer.waiting).toBe(true);
    writer.write(line(2));
    turns.turn();
    expect(sink.lines()).toEqual(['line 0000', 'line 0001']);
    sink.drain();
    expect(sink.lines()).toEqual(['line 0000', 'line 0001', 'line 0002']);
  });

  it('enforces the cap: drops the oldest whole lines and says how many once it drains', () => {
    const { sink, turns, writer } = setup(100); // room for 10 lines of 10 characters
    writer.write(line(0));
    turns.turn();
    for (let i = 1; i <= 25; i++) writer.write(line(i));
    expect(writer.dropped).toBe(15);
    expect(sink.chunks).toHaveLength(1);
    sink.drain();
    expect(sink.lines()).toEqual(['line 0000', 'DROPPED 15', ...Array.from({ length: 10 }, (_, i) => line(16 + i).trimEnd())]);
    // the notice is said once: later traffic has none
    writer.write(line(26));
    turns.turn();
    expect(sink.lines().filter((l) => l.startsWith('DROPPED'))).toHaveLength(1);
    expect(sink.lines().at(-1)).toBe('line 0026');
  });

  it('counts lines, not writes, when a dropped write held several', () => {
    const { sink, turns, writer } = setup(30);
    writer.write(line(0));
    turns.turn();
    writer.write(line(1) + line(2) + line(3));
    writer.write(line(4) + line(5) + line(6));
    expect(writer.dropped).toBe(3);
    sink.drain();
    expect(sink.lines()).toEqual(['line 0000', 'DROPPED 3', 'line 0004', 'line 0005', 'line 0006']);
  });

  it('flush() writes everything queued at once, even while waiting for a drain', () => {
    const { sink, turns, writer } = setup(50);
    writer.write(line(0));
    turns.turn();
    for (let i = 1; i <= 8; i++) writer.write(line(i));
    writer.flush();
    expect(sink.lines()).toEqual(['line 0000', 'DROPPED 3', 'line 0004', 'line 0005', 'line 0006', 'line 0007', 'line 0008']);
    sink.drain(); // the pending drain finds nothing left to write
    expect(sink.chunks).toHaveLength(2);
  });

  it('defaults to an 8 MiB cap and a plain-text notice', () => {
    expect(DEFAULT_MAX_PENDING).toBe(8 * 1024 * 1024);
    const sink = new SlowSink();
    const turns = manualSchedule();
    const writer = createBatchedWriter(sink, { schedule: turns.schedule });
    writer.write('first\n');
    turns.turn();
    const big = `${'x'.repeat(1024 * 1024 - 1)}\n`;
    for (let i = 0; i < 8; i++) writer.write(big); // exactly at the cap: kept
    expect(writer.dropped).toBe(0);
    writer.write('one more\n');
    expect(writer.dropped).toBe(1);
    sink.drain();
    expect(sink.text()).toContain('aisix: warning: 1 line of output dropped');
    expect(sink.lines().at(-1)).toBe('one more');
  });
});
