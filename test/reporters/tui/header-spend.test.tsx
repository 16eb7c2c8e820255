// The TUI header's spend against the cap (DESIGN.md §13): nothing without `proxy.budget_usd`;
// `spend $0.0123 / $5.00` at the start of the second line with one (whole at 80 columns with a demo
// key), following server.listening and config.reloaded; plain below
// 80% of the cap, yellow from 80%, red once reached. Colours are read from Ink's raw output, with
// chalk (which Ink colours with) forced to 16 colours: the test runner is no terminal.
import chalk from 'chalk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { finishedEvent } from './fixtures.js';
import { renderApp } from './harness.js';

afterEach(() => cleanup());

const level = chalk.level;
beforeAll(() => {
  chalk.level = 1;
});
afterAll(() => {
  chalk.level = level;
});

const YELLOW = '\u001b[33m';
const RED = '\u001b[31m';

/** The raw second line of the frame (colour codes kept): the spend's. */
function spendLine(frame: string | undefined): string {
  return (frame ?? '').split('\n')[1] ?? '';
}

/** The colour code right before the spend figure on the raw spend line, or '' when none. */
function spendColour(raw: string): string {
  const at = raw.indexOf('$');
  const before = raw.slice(Math.max(0, at - 12), at);
  return before.includes(RED) ? RED : before.includes(YELLOW) ? YELLOW : '';
}

describe('TUI header: spend against the cap', () => {
  it('shows nothing new without a cap', async () => {
    const app = await renderApp({ columns: 160 });
    app.store.finished(finishedEvent('r1', { cost_usd: 0.5 }));
    const frame = await app.frame();
    expect(frame).not.toContain('spend');
    expect(frame).toContain('aisix v0.1.0  http://127.0.0.1:4000  auth on');
  });

  it('shows the spend against the cap from mount time, and colours it from 80% and once reached', async () => {
    const app = await renderApp({ columns: 160, info: { budgetUsd: 5 } });
    expect((await app.frame()).split('\n')[1]).toMatch(/^spend \$0\.0000 \/ \$5\.00  config /);
    app.store.finished(finishedEvent('r1', { cost_usd: 0.0123 }));
    let frame = await app.frame();
    expect(frame).toContain('spend $0.0123 / $5.00');
    expect(spendColour(spendLine(app.lastFrame()))).toBe('');
    app.store.finished(finishedEvent('r2', { cost_usd: 3.9877 })); // 4.00: 80%
    frame = await app.frame();
    expect(frame).toContain('spend $4.0000 / $5.00');
    expect(spendColour(spendLine(app.lastFrame()))).toBe(YELLOW);
    app.store.finished(finishedEvent('r3', { cost_usd: null })); // unpriced: counts 0
    app.store.finished(finishedEvent('r4', { cost_usd: 1 }));
    frame = await app.frame();
    expect(frame).toContain('spend $5.0000 / $5.00');
    expect(spendColour(spendLine(app.lastFrame()))).toBe(RED);
  });

  it('follows the cap of server.listening and each config.reloaded', async () => {
    const app = await renderApp({ columns: 160 });
    app.store.serverListening({ url: 'http://127.0.0.1:4000', config_path: 'aisix.yaml', aliases: [], auth: true, budget_usd: 0.001 });
    app.store.finished(finishedEvent('r1', { cost_usd: 0.0000421 }));
    expect(await app.frame()).toContain('spend $0.000042 / $0.001');
    app.store.configReloaded({ time: new Date().toISOString(), added: [], removed: [], changed: [], auth: true, budget_usd: 2.5 });
    expect(await app.frame()).toContain('spend $0.000042 / $2.50');
    app.store.configReloaded({ time: new Date().toISOString(), added: [], removed: [], changed: [], auth: true, budget_usd: null });
    expect(await app.frame()).not.toContain('spend');
  });

  it('shows a cap of 0 as reached', async () => {
    const app = await renderApp({ columns: 160, info: { budgetUsd: 0 } });
    expect(await app.frame()).toContain('spend $0.0000 / $0.00');
    expect(spendColour(spendLine(app.lastFrame()))).toBe(RED);
  });

  it('keeps the spend whole at 80 columns with the demo key on the first line', async () => {
    const demoKey = 'sk-aisix-demo-0123456789abcdef0123456789abcdef';
    const app = await renderApp({ columns: 80, info: { budgetUsd: 5, demoKey, url: 'http://127.0.0.1:4000' } });
    app.store.finished(finishedEvent('r1', { cost_usd: 0.0123 }));
    const [first, second] = (await app.frame()).split('\n');
    expect(first).toContain('demo key sk-aisix-demo-');
    expect(second).toMatch(/^spend \$0\.0123 \/ \$5\.00  config /);
  });
});
