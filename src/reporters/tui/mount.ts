// The TUI entry point `serve` imports dynamically (React and Ink load only here): builds the store,
// subscribes it to the bus, renders <App> on the alternate screen and tears everything down once.
// Ctrl+C arrives as input in raw mode, so Ink's own Ctrl+C exit is off and App handles it like q.
import type { EventBus } from '../../events/bus.js';
import { terminalSafe } from '../../text/terminal-safe.js';
import { attachStore } from './attach.js';
import type { InspectorCaptures } from './capture-lookup.js';
import { RequestStore } from './request-store.js';
import type { TuiHeaderInfo } from './types.js';

// React picks its build from NODE_ENV when first evaluated. Its development build (with React 19's
// per-component performance marks) cut the proxy's throughput from thousands of requests per second
// to ~50 under load, so choose production unless the user asked otherwise, then load React and Ink.
// This needs a dynamic import: static imports (CommonJS React included) evaluate before this line.
process.env.NODE_ENV ??= 'production';
const { renderApp } = await import('./render-app.js');

export type { TuiHeaderInfo } from './types.js';

export interface MountTuiOptions {
  bus: EventBus;
  header: TuiHeaderInfo;
  /** called once when the user quits (q / Ctrl+C); the UI says "shutting down…" until it settles */
  onQuit: () => Promise<void>;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  /** rows kept in the table (default 1,000) */
  historyLimit?: number;
  /** the gateway's captured exchanges (proxy.capture_bodies) and whether it captures now: the detail view reads whole bodies here by request id */
  captures?: InspectorCaptures;
  /** where `e` writes `aisix-request-<id>.json` / `.curl.sh`: the request log's directory (default `.aisix` under the cwd) */
  exportDir?: string;
}

export interface MountedTui {
  unmount(): void;
  /** resolves once the UI is unmounted (after q/Ctrl+C and onQuit, or unmount()) */
  waitUntilExit(): Promise<void>;
}

const ALT_SCREEN_ON = '\u001B[?1049h\u001B[H';
const ALT_SCREEN_OFF = '\u001B[?1049l';

/** Mounts the live terminal UI for one `serve` run. */
export function mountTui(options: MountTuiOptions): MountedTui {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const store = new RequestStore({ historyLimit: options.historyLimit });
  const detach = attachStore(options.bus, store);
  // The alternate screen gives a full-screen UI and gives the shell its scrollback back on exit.
  const altScreen = stdout.isTTY === true;
  if (altScreen) stdout.write(ALT_SCREEN_ON);

  const instance = renderApp(
    { store, header: options.header, onQuit: options.onQuit, captures: options.captures, exportDir: options.exportDir },
    { stdin, stdout },
  );

  let cleanedUp = false;
  const cleanup = (): void => {
    if (cleanedUp) return;
    cleanedUp = true;
    detach();
    store.dispose();
    if (altScreen) stdout.write(ALT_SCREEN_OFF);
  };
  // Always resolves: a UI failure must not turn into a failed shutdown of the gateway.
  const exited = instance.waitUntilExit().then(cleanup, (err: unknown) => {
    cleanup();
    process.stderr.write(`aisix: the terminal UI stopped: ${terminalSafe(err instanceof Error ? err.message : String(err))}\n`);
  });

  return {
    unmount() {
      instance.unmount();
      cleanup();
    },
    waitUntilExit: () => exited,
  };
}
