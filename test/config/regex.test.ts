// Rust-style regexes translated for JavaScript: leading inline flags, `\A` / `\z`, named groups,
// a leading `]` in a class, Unicode mode when the pattern allows it, and clear reasons otherwise.
import { describe, expect, it } from 'vitest';
import { translateRegex } from '../../src/config/regex.js';

function ok(pattern: string): { source: string; flags: string } {
  const result = translateRegex(pattern);
  if (!result.ok) throw new Error(`expected ${pattern} to translate: ${result.reason}`);
  return result.regex;
}

const reason = (pattern: string): string => {
  const result = translateRegex(pattern);
  return result.ok ? 'translated' : result.reason;
};

describe('translateRegex', () => {
  it('turns leading (?i) (?s) (?m) into JavaScript flags, combined or repeated', () => {
    expect(ok('(?i)internal[-_ ]only')).toEqual({ source: 'internal[-_ ]only', flags: 'iu' });
    expect(ok('(?ms)^a.b$')).toEqual({ source: '^a.b$', flags: 'msu' });
    expect(ok('(?i)(?s)x')).toEqual({ source: 'x', flags: 'isu' });
    expect(ok('(?u)x')).toEqual({ source: 'x', flags: 'u' });
    expect(ok('(?-i)x')).toEqual({ source: 'x', flags: 'u' });
  });

  it('keeps the meaning: a case-insensitive flag matches what Rust would', () => {
    const { source, flags } = ok('(?i)project\\s+falcon');
    expect(new RegExp(source, flags).test('PROJECT  Falcon')).toBe(true);
  });

  it('translates \\A and \\z to absolute anchors, and (?P<name>) groups', () => {
    const anchors = ok('(?m)\\Afoo\\z');
    expect(new RegExp(anchors.source, anchors.flags).test('foo')).toBe(true);
    expect(new RegExp(anchors.source, anchors.flags).test('x\nfoo')).toBe(false);
    expect(ok('(?P<id>\\d+)').source).toBe('(?<id>\\d+)');
  });

  it('reads a leading `]` in a class as a literal, as Rust does', () => {
    const { source, flags } = ok('[]a]+');
    expect(source).toBe('[\\]a]+');
    expect(new RegExp(source, flags).exec('x]a]y')?.[0]).toBe(']a]');
    expect(ok('[^]]').source).toBe('[^\\]]');
  });

  it('falls back to non-Unicode mode for escapes Rust allows and Unicode mode refuses', () => {
    expect(ok('a\\-b')).toEqual({ source: 'a\\-b', flags: '' });
  });

  it('explains what cannot be translated or compiled', () => {
    expect(reason('(?x) a b # comment')).toBe('the `x` (verbose) flag has no JavaScript equivalent; remove it and the spaces or comments it allows');
    expect(reason('(?U)a+')).toBe('the `U` (swap greed) flag has no JavaScript equivalent; use lazy quantifiers such as `*?` instead');
    expect(reason('(?q)a')).toBe('unknown inline flag `q` in `(?q)`');
    expect(reason('(abc')).toBe('unterminated group');
    expect(reason('a(?i)b')).toBe('invalid group (inline flags such as `(?i)` are only supported as a prefix at the very start of the pattern)');
    expect(reason('[z-a]')).toBe('range out of order in character class');
  });
});
