// Renders <App> with ink-testing-library against a store on a manual clock, and lets tests resize
// the fake terminal (ink-testing-library's stdout is fixed at 100 columns and has no rows).
import { render } from 'ink-testing-library';
import { vi } from 'vitest';
import { App } from '../../../src/reporters/tui/App.js';
import type { InspectorCaptures } from '../../../src/reporters/tui/capture-lookup.js';
import { RequestStore } from '../../../src/reporters/tui/request-store.js';
import type { TuiHeaderInfo } from '../../../src/reporters/tui/types.js';
import { manualClock } from './fixtures.js';

export const header: TuiHeaderInfo = {
  version: '0.1.0',
  url: 'http://127.0.0.1:4000',
  configPath: 'aisix.yaml',
  aliases: 3,
  keys: 2,
  auth: true,
  demoKey: null,
};

const ANSI = /\u001B\[[0-9;?]*[ -/]*[@-~]/g;

export function strip(text: string | undefined): string {
  return (text ?? '').replace(ANSI, '');
}

export const tick = (ms = 20): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface RenderAppOptions {
  columns?: number;
  rows?: number;
  info?: Partial<TuiHeaderInfo>;
  /** the inspector's inputs (captured bodies, where `e` exports) */
  captures?: InspectorCaptures;
  exportDir?: string;
}

export async function renderApp(options: RenderAppOptions = {}) {
  const clock = manualClock();
  const store = new RequestStore({ clock, notifyIntervalMs: 0 });
  const onQuit = vi.fn(() => Promise.resolve());
  const ui = render(<App store={store} header={{ ...header, ...options.info }} onQuit={onQuit} captures={options.captures} exportDir={options.exportDir} />);
  const resize = async (columns: number, rows: number): Promise<void> => {
    Object.defineProperty(ui.stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(ui.stdout, 'rows', { value: rows, configurable: true });
    ui.stdout.emit('resize');
    await tick();
  };
  await resize(options.columns ?? 100, options.rows ?? 30);
  return {
    ...ui,
    store,
    clock,
    onQuit,
    resize,
    /** flush the store's batched notify, let React and Ink render, return the plain-text frame */
    async frame(): Promise<string> {
      clock.advance(1);
      await tick();
      return strip(ui.lastFrame());
    },
    async press(...keys: string[]): Promise<string> {
      await this.frame();
      for (const key of keys) {
        ui.stdin.write(key);
        await tick();
      }
      return this.frame();
    },
  };
}
