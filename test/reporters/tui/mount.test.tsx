import { describe, expect, it, vi } from 'vitest';
import { createEventBus } from '../../../src/events/bus.js';
import type { RequestFinished } from '../../../src/events/types.js';
import { mountTui } from '../../../src/reporters/tui/mount.js';
import { blockedInput, finishedEvent, startedEvent } from './fixtures.js';
import { header, strip, tick } from './harness.js';
import { FakeStdin, FakeStdout } from './fake-terminal.js';


function mount(options: { isTTY?: boolean; onQuit?: () => Promise<void> } = {}) {
  const bus = createEventBus();
  const stdout = new FakeStdout(options.isTTY ?? false);
  const stdin = new FakeStdin();
  const onQuit = vi.fn(options.onQuit ?? (() => Promise.resolve()));
  const tui = mountTui({
    bus,
    header: { ...header, demoKey: 'sk-aisix-demo' },
    onQuit,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
  });
  return { bus, stdout, stdin, onQuit, tui };
}

describe('mountTui', () => {
  it('shows bus events, quits on q through onQuit, and detaches from the bus', async () => {
    const { bus, stdout, stdin, onQuit, tui } = mount();
    bus.emit('request.started', startedEvent('r1'));
    bus.emit('request.finished', finishedEvent('r1', { caller: 'dev' }));
    bus.emit('request.finished', blockedInput('r2'));
    await tick(120);
    stdin.send('q');
    await tui.waitUntilExit();
    expect(onQuit).toHaveBeenCalledTimes(1);
    const out = strip(stdout.output);
    expect(out).toContain('demo key sk-aisix-demo');
    expect(out).toMatch(/200 dev\s+demo -> mock-echo/);
    expect(out).toContain('BLOCKED input no-codenames');
    expect(out).toContain('requests 2');
    expect(bus.has('request.finished')).toBe(false);
    expect(bus.has('request.started')).toBe(false);
  });

  it('handles Ctrl+C itself (raw mode) and stays up until onQuit settles', async () => {
    let release = (): void => undefined;
    const { stdin, stdout, onQuit, tui } = mount({ onQuit: () => new Promise<void>((resolve) => (release = resolve)) });
    await tick(50);
    stdin.send('\u0003');
    let exited = false;
    void tui.waitUntilExit().then(() => (exited = true));
    await tick(100);
    expect(onQuit).toHaveBeenCalledTimes(1);
    expect(exited).toBe(false);
    release();
    await tui.waitUntilExit();
    expect(strip(stdout.output)).toContain('shutting down…');
  });

  it('resolves waitUntilExit after unmount() and uses the alternate screen on a TTY', async () => {
    const { bus, stdout, onQuit, tui } = mount({ isTTY: true });
    await tick(50);
    tui.unmount();
    tui.unmount();
    await tui.waitUntilExit();
    expect(onQuit).not.toHaveBeenCalled();
    expect(stdout.output.startsWith('\u001B[?1049h')).toBe(true);
    expect(stdout.output.endsWith('\u001B[?1049l')).toBe(true);
    expect(bus.has('warning')).toBe(false);
  });

  it('never lets a malformed event reach the request path (the bus reports it as a warning)', async () => {
    const { bus, stdout, tui } = mount();
    const warnings: string[] = [];
    bus.on('warning', (w) => warnings.push(w.message));
    const broken = { ...finishedEvent('bad'), guardrails: undefined } as unknown as RequestFinished;
    expect(() => bus.emit('request.finished', broken)).not.toThrow();
    bus.emit('request.finished', finishedEvent('good', { caller: 'still-here' }));
    await tick(120);
    tui.unmount();
    await tui.waitUntilExit();
    expect(warnings.some((w) => w.includes('request.finished threw'))).toBe(true);
    expect(strip(stdout.output)).toContain('still-here');
  });
});
