// The request log through the batched writer: lines stay JSON with every control character escaped,
// close() writes everything still queued (a real file stream, whose write() returns false past its
// 16 KiB high-water mark, so this runs through backpressure), and the cap drops the oldest lines
// with one `warning` line in the log and a `warning` event.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventBus } from '../../src/events/bus.js';
import { attachLogFile } from '../../src/reporters/log-file.js';
import { finishedEvent } from './tui/fixtures.js';

const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aisix-log-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const read = (path: string): { event: string; id?: string; message?: string; alias?: string }[] =>
  readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { event: string });

describe('request log file', () => {
  it('close() flushes every queued line, in order, through backpressure', async () => {
    const path = join(dir, 'requests.jsonl');
    const bus = createEventBus();
    const log = attachLogFile(bus, { path, bodies: false });
    // ~1.5 MB in one turn: far past the stream's high-water mark, all of it still queued at close
    for (let i = 0; i < 3000; i++) bus.emit('request.finished', finishedEvent(`r${i}`, { error_message: 'x'.repeat(200) }));
    await log.close();
    const lines = read(path);
    expect(lines.map((l) => l.id)).toEqual(Array.from({ length: 3000 }, (_, i) => `r${i}`));
    expect(lines.every((l) => l.event === 'request.finished')).toBe(true);
  });

  it('keeps writing in order across drains while traffic continues', async () => {
    const path = join(dir, 'requests.jsonl');
    const bus = createEventBus();
    const log = attachLogFile(bus, { path, bodies: false });
    for (let turn = 0; turn < 20; turn++) {
      for (let i = 0; i < 100; i++) bus.emit('request.finished', finishedEvent(`t${turn}-${i}`, { error_message: 'y'.repeat(300) }));
      await new Promise<void>((resolve) => setImmediate(resolve)); // one event-loop turn, not a timed sleep
    }
    await log.close();
    const ids = read(path).map((l) => l.id);
    expect(ids).toHaveLength(2000);
    expect(ids.slice(0, 3)).toEqual(['t0-0', 't0-1', 't0-2']);
    expect(ids.at(-1)).toBe('t19-99');
  });

  it('stays JSON: control characters escaped, values unchanged', async () => {
    const path = join(dir, 'requests.jsonl');
    const bus = createEventBus();
    const log = attachLogFile(bus, { path, bodies: true });
    const event = finishedEvent('r1', { alias: 'openai/\u001b[2J\u001b]0;pwned\u0007', error_code: 'c\u009b', input_preview: 'in\u202e' });
    bus.emit('request.finished', event);
    await log.close();
    const text = readFileSync(path, 'utf8');
    expect(text.trimEnd()).not.toMatch(RAW);
    expect(JSON.parse(text)).toEqual({ event: 'request.finished', ...event });
  });

  it('past the cap: drops the oldest lines, notes how many in the log and as a warning event', async () => {
    const path = join(dir, 'requests.jsonl');
    const bus = createEventBus();
    const warnings: string[] = [];
    bus.on('warning', (w) => void warnings.push(w.message));
    const log = attachLogFile(bus, { path, bodies: false, maxPending: 5000 });
    for (let i = 0; i < 100; i++) bus.emit('request.finished', finishedEvent(`r${i}`));
    await log.close();
    const lines = read(path);
    expect(lines[0]?.event).toBe('warning');
    const kept = lines.slice(1).map((l) => l.id);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.at(-1)).toBe('r99');
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => `r${100 - kept.length + i}`));
    const message = `${100 - kept.length} request log lines dropped: ${path} was not keeping up`;
    expect(lines[0]?.message).toBe(message);
    expect(warnings).toEqual([message]);
  });
});
