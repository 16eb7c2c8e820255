// Search in the detail view: `/` opens a query line, Enter jumps to the first match and
// highlights every match (the current one apart), n/N step forward/back and wrap round, a query
// with no match says so, typed text (q included) goes to the query, Esc leaves the search first
// and the view after. Plus the matcher itself: matches split by a wrap, and the match cap.
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findMatches, layoutDetail, lineSegments } from '../../src/reporters/tui/detail-doc.js';
import { finishedEvent } from '../reporters/tui/fixtures.js';
import { captureSource, responsesStream } from './captures.js';
import { KEYS, renderInspector } from './harness.js';

// colours on (Ink's chalk reads this when first imported), so the highlight shows in the frame
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

afterEach(() => cleanup());

const INVERSE = '\u001b[7m';

async function opened(rows = 30) {
  const app = await renderInspector({ columns: 100, rows, captures: captureSource(responsesStream('req_s')) });
  app.store.finished(finishedEvent('req_s', { stream: true }));
  await app.press(KEYS.enter);
  return app;
}

const statusLine = (frame: string): string => frame.split('\n').find((l) => /^(lines \d|match \d|no match|\/)/.test(l)) ?? '';

describe('detail view search', () => {
  it('opens a query line with /, jumps to the first match with Enter and highlights it', async () => {
    const app = await opened();
    let f = await app.press('/');
    expect(statusLine(f)).toMatch(/^\/_ {3}enter search {2}esc cancel/);
    f = await app.type('paris');
    expect(statusLine(f)).toMatch(/^\/paris_/);
    f = await app.press(KEYS.enter);
    const m = /^match 1 of (\d+) for "paris"/.exec(statusLine(f));
    expect(m).not.toBeNull();
    const count = Number(m?.[1]);
    expect(count).toBeGreaterThan(2);
    // case-insensitive, and the first match ("user: What is the weather in Paris?") is in view, highlighted
    expect(f).toContain('user: What is the weather in Paris?');
    const raw = app.rawFrame().split('\n').find((l) => l.includes('weather in'));
    expect(raw).toContain(INVERSE);
    expect(raw).toMatch(/\u001b\[33m[^\n]*Paris/); // the current match in yellow
  });

  it('n and N step through the matches and wrap round', async () => {
    const app = await opened();
    let f = await app.press('/', ...Array.from('paris'), KEYS.enter);
    const count = Number(/of (\d+)/.exec(statusLine(f))?.[1]);
    f = await app.press('n');
    expect(statusLine(f)).toMatch(/^match 2 of /);
    f = await app.press('N');
    expect(statusLine(f)).toMatch(/^match 1 of /);
    f = await app.press('N');
    expect(statusLine(f)).toMatch(new RegExp(`^match ${count} of ${count} `));
    f = await app.press('n');
    expect(statusLine(f)).toMatch(/^match 1 of /);
  });

  it('scrolls to a match far below the window', async () => {
    const app = await opened();
    let f = await app.frame();
    expect(f).not.toContain('x-aisix-request-id');
    f = await app.press('/', ...Array.from('x-aisix-request-id'), KEYS.enter);
    expect(statusLine(f)).toMatch(/^match 1 of 1 for "x-aisix-request-id"/);
    expect(f).toContain('x-aisix-request-id: req_s');
  });

  it('says "no match" when there is none', async () => {
    const app = await opened();
    const f = await app.press('/', ...Array.from('zebra'), KEYS.enter);
    expect(statusLine(f)).toMatch(/^no match for "zebra"/);
    expect(app.rawFrame()).not.toContain(INVERSE);
  });

  it('Esc leaves the search first, then the view', async () => {
    const app = await opened();
    let f = await app.press('/', ...Array.from('paris'), KEYS.enter);
    expect(statusLine(f)).toMatch(/^match 1/);
    f = await app.press(KEYS.esc);
    expect(statusLine(f)).toMatch(/^lines \d+-\d+ of \d+/);
    expect(f).not.toContain('alias -> model');
    f = await app.press(KEYS.esc);
    expect(f).toContain('alias -> model');
  });

  it('Esc while typing cancels the query line without searching', async () => {
    const app = await opened();
    const f = await app.press('/', 'p', 'a', KEYS.esc);
    expect(statusLine(f)).toMatch(/^lines 1-24 of/);
    expect(f).toContain('POST /v1/responses  200 ok');
  });

  it('typed letters go to the query, q included, and Backspace edits it', async () => {
    const app = await opened();
    let f = await app.press('/', 'q', 'j', 'G', 'x');
    expect(statusLine(f)).toMatch(/^\/qjGx_/);
    expect(app.onQuit).not.toHaveBeenCalled();
    f = await app.press(KEYS.backspace, KEYS.backspace);
    expect(statusLine(f)).toMatch(/^\/qj_/);
  });
});

describe('matcher', () => {
  it('finds a match split by a wrap, maps it to the line it starts on and highlights both pieces', () => {
    const doc = layoutDetail([{ text: 'aaaaaaaaNEEDLEbbbb', tone: 'plain', indent: 2 }], 12);
    expect(doc.lines.map((l) => l.text)).toEqual(['  aaaaaaaaNE', '  EDLEbbbb']);
    const matches = findMatches(doc, 'needle');
    expect(matches).toEqual([{ src: 0, start: 8, end: 14, line: 0 }]);
    const [first, second] = doc.lines;
    if (!first || !second) throw new Error('two lines expected');
    expect(lineSegments(first, matches, matches[0] ?? null)).toEqual([
      { text: '  ', match: null },
      { text: 'aaaaaaaa', match: null },
      { text: 'NE', match: 'current' },
    ]);
    expect(lineSegments(second, matches, null)).toEqual([
      { text: '  ', match: null },
      { text: 'EDLE', match: 'other' },
      { text: 'bbbb', match: null },
    ]);
  });

  it('keeps at most the limit of matches', () => {
    const doc = layoutDetail([{ text: 'a'.repeat(500), tone: 'plain' }], 50);
    expect(findMatches(doc, 'a', 100)).toHaveLength(100);
    expect(findMatches(doc, 'a', 100).at(-1)?.line).toBe(1);
  });
});
