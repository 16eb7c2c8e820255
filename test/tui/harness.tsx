// Renders <App> with a capture source and an export directory (the inspector's inputs), on the
// manual clock and resizable fake terminal of the TUI tests' harness.
import { render } from 'ink-testing-library';
import { vi } from 'vitest';
import { App } from '../../src/reporters/tui/App.js';
import type { InspectorCaptures } from '../../src/reporters/tui/capture-lookup.js';
import { RequestStore } from '../../src/reporters/tui/request-store.js';
import { manualClock } from '../reporters/tui/fixtures.js';
import { header, strip, tick } from '../reporters/tui/harness.js';

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  left: '\u001B[D',
  right: '\u001B[C',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  enter: '\r',
  esc: '\u001B',
  backspace: '\u007F',
} as const;

export async function renderInspector(options: { columns?: number; rows?: number; captures?: InspectorCaptures; exportDir?: string } = {}) {
  const clock = manualClock();
  const store = new RequestStore({ clock, notifyIntervalMs: 0 });
  const onQuit = vi.fn(() => Promise.resolve());
  const ui = render(<App store={store} header={header} onQuit={onQuit} captures={options.captures} exportDir={options.exportDir} />);
  const resize = async (columns: number, rows: number): Promise<void> => {
    Object.defineProperty(ui.stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(ui.stdout, 'rows', { value: rows, configurable: true });
    ui.stdout.emit('resize');
    await tick();
  };
  await resize(options.columns ?? 100, options.rows ?? 30);
  const frame = async (): Promise<string> => {
    clock.advance(1);
    await tick();
    return strip(ui.lastFrame());
  };
  return {
    ...ui,
    store,
    clock,
    onQuit,
    resize,
    frame,
    /** raw frame with Ink's colour codes kept (to see highlights) */
    rawFrame: (): string => ui.lastFrame() ?? '',
    async press(...keys: string[]): Promise<string> {
      await frame();
      for (const key of keys) {
        ui.stdin.write(key);
        await tick();
      }
      return frame();
    },
    /** types text one key at a time (as a person does) */
    async type(text: string): Promise<string> {
      return this.press(...Array.from(text));
    },
  };
}
