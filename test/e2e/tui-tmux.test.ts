// End to end in a real terminal: `aisix serve --demo` inside a detached 160×40 tmux session (on a
// private tmux socket, CI removed from its environment so Ink draws live frames), requests sent
// with the official SDK, the screen read with `capture-pane`, then `q` and a clean exit 0. A
// caller-chosen alias full of escape sequences must show up escaped, with the screen intact.
// Needs a build (the bin runs dist/); skips, saying why, only where tmux is not installed. The
// tmux helpers are tmux-harness.ts's (shared with tui-inspector-tmux.test.ts).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { hasTmux, paneCommand, TmuxSession } from './tmux-harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEMO_KEY = 'sk-aisix-demo';
const BLOCKED_WORD = 'project falcon';
const term = new TmuxSession('tui-test');
const SESSION = term.name;
const tmux = (...args: string[]): string => term.run(...args);
const waitForScreen = (what: string, test: (text: string) => boolean, timeoutMs?: number): Promise<string> => term.waitFor(what, test, timeoutMs);

const tmuxReady = hasTmux();
const title = tmuxReady ? 'TUI in a real terminal (tmux)' : 'TUI in a real terminal (skipped: tmux is not installed)';

describe.skipIf(!tmuxReady)(title, () => {
  afterAll(() => term.kill());

  it('shows requests, a block, an error and the totals live, then quits with q and exit 0', async () => {
    term.start(paneCommand('serve --demo --port 0'), 160, 40, ROOT);

    const boot = await waitForScreen('the header with the listen URL', (t) => /aisix v\S+\s+http:\/\/127\.0\.0\.1:\d+/.test(t));
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(boot)?.[0] ?? '';
    expect(boot).toContain(`demo key ${DEMO_KEY}`);

    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: DEMO_KEY, maxRetries: 0 });
    await client.responses.create({ model: 'demo', input: 'hello from tmux' });
    const stream = await client.responses.create({ model: 'demo', input: 'stream please', stream: true });
    for await (const _event of stream) {
      // drain
    }
    await expect(client.responses.create({ model: 'demo-error', input: 'fail please' })).rejects.toMatchObject({
      status: expect.any(Number) as number,
    });
    await expect(client.responses.create({ model: 'demo', input: `tell me about ${BLOCKED_WORD}` })).rejects.toMatchObject({
      status: 422,
    });

    const table = await waitForScreen('four rows, a block, an error and the totals', (t) =>
      /requests 4\s+errors 1\s+blocked 1/.test(t),
    );
    if (process.env.AISIX_TUI_CAPTURE) writeFileSync(process.env.AISIX_TUI_CAPTURE, table);
    expect(table).toMatch(/\d\d:\d\d:\d\d 200 demo-caller\s+demo -> mock-echo\s+~/);
    expect(table).toMatch(/\d\d:\d\d:\d\d 200 demo-caller\s+demo -> mock-echo\s+\d+->\d+/);
    expect(table).toMatch(/\d\d:\d\d:\d\d 5\d\d demo-caller\s+demo-error -> mock-error-500/);
    expect(table).toMatch(/422 demo-caller\s+demo -> mock-echo.*BLOCKED input no-codenames/);

    // the blocked filter, then the detail of the block
    tmux('send-keys', '-t', SESSION, 'f');
    await waitForScreen('the errors filter', (t) => t.includes('filter: errors'));
    tmux('send-keys', '-t', SESSION, 'f');
    await waitForScreen('the blocked filter', (t) => t.includes('filter: blocked') && !t.includes('mock-error-500'));
    tmux('send-keys', '-t', SESSION, 'Enter');
    const detail = await waitForScreen('the detail view', (t) => t.includes('no-codenames  input  block'));
    expect(detail).toMatch(/request {3}\S+/);
    tmux('send-keys', '-t', SESSION, 'Escape');
    await waitForScreen('the table again', (t) => t.includes('alias -> model'));
    tmux('send-keys', '-t', SESSION, 'f');
    await waitForScreen('the filter back at all', (t) => t.includes('filter: all'));

    // A caller-chosen wildcard alias full of escape sequences is drawn escaped: the screen is not
    // cleared and the pane title is not changed.
    await client.responses.create({ model: 'mock/\u001b]2;pwned\u0007\u001b[2J', input: 'hostile' });
    const hostile = await waitForScreen('the hostile alias, escaped', (t) => t.includes('mock/\\u001b]2;pwned\\u0007'));
    expect(hostile).toMatch(/requests 5\s+errors 1\s+blocked 1/);
    expect(hostile).toContain('demo -> mock-echo');
    expect(tmux('display-message', '-p', '-t', SESSION, '#{pane_title}')).not.toContain('pwned');

    tmux('send-keys', '-t', SESSION, 'q');
    const end = await waitForScreen('the process to exit', (t) => /EXIT=\d+/.test(t), 20_000);
    expect(end).toContain('EXIT=0');
  }, 60_000);
});
