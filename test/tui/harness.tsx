// The inspector tests' harness: the TUI tests' <App> harness (manual clock, resizable fake
// terminal) with a capture source and an export directory, plus the key codes they press.
import { renderApp, type RenderAppOptions } from '../reporters/tui/harness.js';

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

/** The App harness with the inspector's inputs, plus the raw frame (to see highlights) and typing. */
export async function renderInspector(options: RenderAppOptions = {}) {
  const ui = await renderApp(options);
  return {
    ...ui,
    /** raw frame with Ink's colour codes kept (to see highlights) */
    rawFrame: (): string => ui.lastFrame() ?? '',
    /** types text one key at a time (as a person does) */
    type: (text: string): Promise<string> => ui.press(...Array.from(text)),
  };
}
