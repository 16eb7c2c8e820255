// Renders <App> with Ink. Kept apart from mount.ts so that React and Ink are evaluated only when
// mount.ts imports this file, after it has chosen React's production build.
import { render, type Instance } from 'ink';
import { App, type AppProps } from './App.js';

export interface RenderAppStreams {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

/**
 * Mounts the UI; Ctrl+C is left to App (raw mode delivers it as input). Frames are capped at the
 * store's notify rate (20/s): drawing more often would only repeat the same data at CPU cost.
 */
export function renderApp(props: AppProps, { stdin, stdout }: RenderAppStreams): Instance {
  return render(<App {...props} />, { stdin, stdout, exitOnCtrlC: false, patchConsole: true, maxFps: 20 });
}
