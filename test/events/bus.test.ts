import { describe, expect, it } from 'vitest';
import { createEventBus } from '../../src/events/bus.js';

describe('event bus', () => {
  it('delivers payloads to listeners and stops after unsubscribe', () => {
    const bus = createEventBus();
    const seen: string[] = [];
    const off = bus.on('warning', (w) => seen.push(w.message));
    bus.emit('warning', { message: 'one' });
    off();
    bus.emit('warning', { message: 'two' });
    expect(seen).toEqual(['one']);
    expect(bus.has('warning')).toBe(false);
  });

  it('turns a throwing listener into a warning and keeps delivering', () => {
    const bus = createEventBus();
    const warnings: string[] = [];
    const started: string[] = [];
    bus.on('warning', (w) => warnings.push(w.message));
    bus.on('request.started', () => {
      throw new Error('boom');
    });
    bus.on('request.started', (e) => started.push(e.id));
    expect(() => bus.emit('request.started', { id: 'r1', time: 't', method: 'POST', path: '/' })).not.toThrow();
    expect(started).toEqual(['r1']);
    expect(warnings[0]).toContain('request.started threw');
    expect(warnings[0]).toContain('boom');
  });
});
