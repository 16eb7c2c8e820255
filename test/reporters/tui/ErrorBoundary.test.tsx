import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { afterEach, expect, it, vi } from 'vitest';
import { ErrorBoundary } from '../../../src/reporters/tui/ErrorBoundary.js';
import { strip, tick } from './harness.js';

afterEach(() => vi.restoreAllMocks());

function Maybe({ fail }: { fail: boolean }) {
  if (fail) throw new Error('bad row');
  return <Text>table ok</Text>;
}

it('shows a failing view as a message and renders again after a reset (c)', async () => {
  vi.spyOn(console, 'error').mockImplementation(() => undefined); // React reports the caught error
  const ui = render(
    <ErrorBoundary resetKey={0}>
      <Maybe fail />
    </ErrorBoundary>,
  );
  await tick();
  expect(strip(ui.lastFrame())).toContain('The terminal UI failed (bad row); the gateway keeps serving');
  ui.rerender(
    <ErrorBoundary resetKey={1}>
      <Maybe fail={false} />
    </ErrorBoundary>,
  );
  await tick();
  expect(strip(ui.lastFrame())).toBe('table ok');
  ui.unmount();
});
