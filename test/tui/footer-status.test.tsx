// The footer's status line (an export's path) at narrow widths: one line when it fits, else two,
// broken after the directory's slash (or a space) so the directory and the file names stay
// readable; a text with no break in reach is cut hard. App leaves the totals line out meanwhile.
// An export's status names both files when that fits on two lines, else it ends `and …curl.sh`.
import { describe, expect, it } from 'vitest';
import { statusLines, statusText } from '../../src/reporters/tui/Footer.js';

describe('statusLines', () => {
  it('keeps a status that fits on one line', () => {
    expect(statusLines('exported to /tmp/x/aisix-request-a.json and …curl.sh', 80)).toEqual(['exported to /tmp/x/aisix-request-a.json and …curl.sh']);
  });

  it('breaks a long export path after the directory, the file names on the second line', () => {
    const dir = '/tmp/aisix-tui-AbC123';
    const file = 'aisix-request-ccfb81f5-dfa8-43b1-b253-1583c6e940d5.json and …curl.sh';
    expect(statusLines(`exported to ${dir}/${file}`, 80)).toEqual([`exported to ${dir}/`, file]);
  });

  it('breaks at the last space in reach, and cuts hard when none keeps a third of the width', () => {
    expect(statusLines('export failed: EACCES: permission denied, open something', 30)).toEqual(['export failed: EACCES:', 'permission denied, open something']);
    expect(statusLines('ab ' + 'x'.repeat(40), 20)).toEqual(['ab ' + 'x'.repeat(17), 'x'.repeat(23)]);
  });
});

describe('statusText', () => {
  const dir = '/tmp/aisix-tui-AbC123';
  const full = (stem: string): string => `exported to ${dir}/${stem}.json and ${stem}.curl.sh`;
  const short = (stem: string): string => `exported to ${dir}/${stem}.json and …curl.sh`;

  it('names both files in full when that fits on two lines', () => {
    const stem = 'aisix-request-req_1';
    expect(statusText({ text: full(stem), short: short(stem), tone: 'ok' }, 80)).toBe(full(stem));
    expect(statusLines(full(stem), 80)).toEqual([`exported to ${dir}/${stem}.json and`, `${stem}.curl.sh`]);
  });

  it('falls back to the short form when the full one would be cut', () => {
    const stem = 'aisix-request-ccfb81f5-dfa8-43b1-b253-1583c6e940d5';
    expect(statusText({ text: full(stem), short: short(stem), tone: 'ok' }, 80)).toBe(short(stem));
    expect(statusText({ text: full(stem), short: short(stem), tone: 'ok' }, 200)).toBe(full(stem));
    expect(statusText({ text: 'no short form', tone: 'warn' }, 5)).toBe('no short form');
  });
});
