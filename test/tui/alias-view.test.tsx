// The per-alias view (`a`): requests, errors, blocked, tokens in/out, cost and p50 latency per
// alias over the rows in the list, counted by summary.ts's rules (blocks are not errors; a group
// with no priced request shows `-`), busiest first; `a` or Esc go back; the filter applies; the
// help lists the new keys.
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { aliasGroups } from '../../src/reporters/tui/AliasTable.js';
import { blockedInput, finishedEvent, startedEvent, unauthorized, upstream5xx, usage } from '../reporters/tui/fixtures.js';
import { KEYS, renderInspector } from './harness.js';

afterEach(() => cleanup());

async function withTraffic() {
  const app = await renderInspector({ columns: 120, rows: 30 });
  const s = app.store;
  s.finished(finishedEvent('a1', { alias: 'gpt', usage: usage(100, 20), cost_usd: 0.01, latency_ms: 100 }));
  s.finished(finishedEvent('a2', { alias: 'gpt', usage: usage(200, 30), cost_usd: 0.02, latency_ms: 300 }));
  s.finished(finishedEvent('a3', { alias: 'gpt', usage: usage(50, 5), cost_usd: 0.005, latency_ms: 200 }));
  s.finished({ ...upstream5xx('a4'), alias: 'gpt', latency_ms: 900 });
  s.finished({ ...blockedInput('b1'), alias: 'claude', latency_ms: 5 });
  s.finished(finishedEvent('b2', { alias: 'claude', usage: usage(10, 2), cost_usd: null, latency_ms: 50 }));
  s.finished({ ...unauthorized('c1'), latency_ms: 1 });
  s.started(startedEvent('live'));
  return app;
}

const row = (frame: string, alias: string): string => frame.split('\n').find((l) => l.startsWith(`${alias} `)) ?? '';

describe('per-alias view', () => {
  it('a shows requests, errors, blocked, tokens, cost and p50 latency per alias, busiest first', async () => {
    const app = await withTraffic();
    const f = await app.press('a');
    expect(f).toMatch(/^alias\s+requests errors blocked\s+tok in tok out\s+cost\s+p50$/m);
    expect(row(f, 'gpt')).toMatch(/^gpt\s+4\s+1\s+0\s+350\s+55\s+\$0\.0350\s+200ms$/);
    expect(row(f, 'claude')).toMatch(/^claude\s+2\s+0\s+1\s+10\s+2\s+-\s+5ms$/);
    expect(row(f, '(no alias)')).toMatch(/^\(no alias\)\s+1\s+1\s+0\s+0\s+0\s+-\s+1ms$/);
    const lines = f.split('\n');
    expect(lines.findIndex((l) => l.startsWith('gpt '))).toBeLessThan(lines.findIndex((l) => l.startsWith('claude ')));
  });

  it('counts with the summary rules: the same numbers as aisix stats would give', async () => {
    const app = await withTraffic();
    await app.frame();
    const groups = aliasGroups(app.store.getSnapshot().rows);
    expect(groups.map((g) => [g.key, g.requests, g.errors, g.blocked, g.input_tokens, g.output_tokens, g.latency_ms_p50])).toEqual([
      ['gpt', 4, 1, 0, 350, 55, 200],
      ['claude', 2, 0, 1, 10, 2, 5],
      [null, 1, 1, 0, 0, 0, 1],
    ]);
    expect(groups[0]?.cost_usd).toBeCloseTo(0.035, 10);
    expect(groups[1]?.cost_usd).toBeNull();
  });

  it('follows the filter and new requests, and goes back with a or Esc', async () => {
    const app = await withTraffic();
    let f = await app.press('a', 'f');
    expect(f).toContain('filter: errors');
    expect(row(f, 'gpt')).toMatch(/^gpt\s+1\s+1\s+0/);
    expect(row(f, 'claude')).toBe('');
    f = await app.press('f', 'f');
    app.store.finished(finishedEvent('a5', { alias: 'gpt' }));
    f = await app.frame();
    expect(row(f, 'gpt')).toMatch(/^gpt\s+5\s+1/);
    f = await app.press('a');
    expect(f).toContain('alias -> model');
    f = await app.press('a', KEYS.esc);
    expect(f).toContain('alias -> model');
  });

  it('help lists every key, the new ones included, at 80×24 and in two columns when wide', async () => {
    const wanted = [
      'per-alias tokens, cost',
      'export the request as JSON and a curl script',
      'in the detail view',
      'scroll a line; PgUp PgDn (also b and space) scroll a page',
      'top / end (also Home and End)',
      'search: type, enter jumps to the first match; next / previous match',
      'previous / next request',
      'leave the search, then the view',
      'q  ctrl+c',
    ];
    const narrow = await renderInspector({ columns: 80, rows: 24 });
    let f = await narrow.press('?');
    for (const l of f.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    for (const text of wanted) expect(f).toContain(text.slice(0, 40));
    cleanup();
    const wide = await renderInspector({ columns: 200, rows: 30 });
    f = await wide.press('?');
    for (const text of [...wanted, 'BLOCKED input|output <name>']) expect(f).toContain(text);
    expect(f).toMatch(/keys\s+in the detail view/);
    // help goes back to the view it came from
    f = await wide.press(KEYS.esc, 'a', '?', KEYS.esc);
    expect(f).toMatch(/^alias\s+requests/m);
  });
});
