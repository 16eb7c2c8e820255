// terminalSafe: every class of dangerous character is escaped visibly, plain text comes back as the
// very same string, the multi-line option keeps line breaks and tabs only; terminalSafeJson keeps
// the JSON value while escaping what JSON.stringify leaves raw.
import { describe, expect, it } from 'vitest';
import { terminalSafe, terminalSafeJson } from '../../src/text/terminal-safe.js';

const hex = (code: number): string => `\\u${code.toString(16).padStart(4, '0')}`;
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('terminalSafe', () => {
  it('returns plain text unchanged (the same string), ASCII and non-ASCII alike', () => {
    for (const text of ['', 'gpt-4o-prod→gpt-4o-mini', 'local-dev 200 412ms', 'héllo wörld ✓ 日本語 ⠋', 'C:\\path\\n-not-a-newline']) {
      expect(terminalSafe(text)).toBe(text);
      expect(terminalSafe(text, { multiline: true })).toBe(text);
    }
  });

  it('escapes a screen clear, a title change and a bell in a caller-chosen alias', () => {
    expect(terminalSafe('openai/\u001b[2J\u001b]0;pwned\u0007')).toBe('openai/\\u001b[2J\\u001b]0;pwned\\u0007');
  });

  it('escapes \\n, \\r and \\t as two-character escapes in a single-line field', () => {
    expect(terminalSafe('a\nb\rc\td\r\n')).toBe('a\\nb\\rc\\td\\r\\n');
  });

  it('escapes every other C0 control, DEL and every C1 control as \\uXXXX', () => {
    for (const code of [...range(0x00, 0x08), 0x0b, 0x0c, ...range(0x0e, 0x1f), 0x7f, ...range(0x80, 0x9f)]) {
      const ch = String.fromCharCode(code);
      expect(terminalSafe(`x${ch}y`), `U+${code.toString(16)}`).toBe(`x${hex(code)}y`);
      expect(terminalSafe(`x${ch}y`, { multiline: true }), `U+${code.toString(16)} multiline`).toBe(`x${hex(code)}y`);
    }
  });

  it('escapes bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069)', () => {
    for (const code of [...range(0x202a, 0x202e), ...range(0x2066, 0x2069)]) {
      const ch = String.fromCharCode(code);
      expect(terminalSafe(`ok${ch}txt.exe`)).toBe(`ok${hex(code)}txt.exe`);
      expect(terminalSafe(`ok${ch}txt.exe`, { multiline: true })).toBe(`ok${hex(code)}txt.exe`);
    }
    // neighbours that are not controls stay as they are
    expect(terminalSafe('\u2029\u202f\u2065\u206a\u00a0')).toBe('\u2029\u202f\u2065\u206a\u00a0');
  });

  it('leaves nothing a terminal would act on', () => {
    const all = String.fromCharCode(...range(0, 0xa0), ...range(0x2020, 0x2070));
    expect(terminalSafe(all)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it('is idempotent: escaping escaped text changes nothing', () => {
    const once = terminalSafe('a\u001b[31mb\u009bc\u202ed\n');
    expect(terminalSafe(once)).toBe(once);
    expect(terminalSafe(once, { multiline: true })).toBe(once);
  });

  describe('multiline', () => {
    it('keeps \\n and \\t, turns \\r\\n into \\n, escapes a lone \\r and every other control', () => {
      expect(terminalSafe('line 1\r\nline 2\n\tindented\rover\u001b[2J', { multiline: true })).toBe(
        'line 1\nline 2\n\tindented\\rover\\u001b[2J',
      );
    });

    it('keeps ordinary multi-line output text as it is', () => {
      const text = 'Paris.\n\nThe capital of France:\n\t- population 2.1M\n';
      expect(terminalSafe(text, { multiline: true })).toBe(text);
    });
  });

  it('is fast on plain text: 1 MB of ASCII checked without copying, many times over', () => {
    const big = 'The quick brown fox jumps over the lazy dog. '.repeat(23_000);
    const start = performance.now();
    for (let i = 0; i < 50; i++) expect(terminalSafe(big)).toBe(big);
    // generous: a regex test over 1 MB takes about a millisecond; per-call compilation or a
    // character-by-character rebuild would show up here long before a slow machine does
    expect(performance.now() - start).toBeLessThan(2_000);
  });
});

describe('terminalSafeJson', () => {
  it('escapes DEL, C1 and bidi characters that JSON.stringify leaves raw, keeping the same value', () => {
    const value = { alias: 'a\u009b2Jb\u007f', note: 'x\u202ey', esc: '\u001b[2J', nested: [{ c: '\u2066' }] };
    const raw = JSON.stringify(value);
    expect(raw).toContain('\u009b'); // the premise: JSON.stringify leaves C1 raw
    const safe = terminalSafeJson(raw);
    expect(safe).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(safe).toContain('\\u001b[2J');
    expect(safe).toContain('\\u009b');
    expect(JSON.parse(safe)).toEqual(value);
  });

  it('returns JSON without such characters unchanged', () => {
    const raw = JSON.stringify({ a: 'plain', b: 'héllo →', c: 1 });
    expect(terminalSafeJson(raw)).toBe(raw);
  });
});
