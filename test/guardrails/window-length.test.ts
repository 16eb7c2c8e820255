// Window mode's measure of a rule (DESIGN.md §3): the longest match of keyword literals and regexes
// (unbounded quantifiers and backreferences hold; lookarounds consume nothing; a class or `.` is one
// UTF-16 unit, two under `u` when it can match an astral character), each pii detector's longest
// form, a guardrail's verdict and the chain's W; and that the measure is never shorter than a real
// match (checked by brute force against the regex itself). Also the alignment window mode uses to
// hand a masked text out delta by delta.
import { describe, expect, it } from 'vitest';
import { buildGuardrailChain } from '../../src/guardrails/chain.js';
import { DETECTORS } from '../../src/guardrails/pii-detectors.js';
import { Alignment } from '../../src/guardrails/window-align.js';
import { literalMatchLength, regexMatchLength, type MatchLength } from '../../src/guardrails/window-length.js';
import { detectorLength, guardrailWindow } from '../../src/guardrails/window-rules.js';
import { keyword, pii } from './fixtures.js';

const bounded = (length: number, readsAhead = false): MatchLength => ({ bounded: true, length, readsAhead });
const UNBOUNDED: MatchLength = { bounded: false, why: 'unbounded' };

describe('regexMatchLength', () => {
  it.each([
    ['abc', '', bounded(3)],
    ['a|bcd|ef', '', bounded(3)],
    ['(?:ab){2,3}c?', '', bounded(7)],
    ['x{4}', '', bounded(4)],
    ['[a-z]{2}\\d', '', bounded(3)],
    ['.', '', bounded(1)],
    ['.', 'u', bounded(2)],
    ['[a-z]', 'u', bounded(1)],
    ['[^a]', 'u', bounded(2)],
    ['\\S', 'u', bounded(2)],
    ['\\p{L}', 'u', bounded(2)],
    ['\\u{1F600}', 'u', bounded(2)],
    ['😀', 'u', bounded(2)],
    ['😀', '', bounded(2)],
    ['(?i:abc)d', '', bounded(4)],
    ['internal[-_ ]only', 'iu', bounded(13)],
    ['(?<name>ab)c', '', bounded(3)],
    ['a{,3}', '', bounded(5)], // not a quantifier outside `u` mode: five literal characters
    ['lazy+?', '', UNBOUNDED],
    ['a*', '', UNBOUNDED],
    ['sk-[a-z]+', 'u', UNBOUNDED],
    ['a{2,}', '', UNBOUNDED],
    ['(a)\\1', '', { bounded: false, why: 'backreference' }],
    ['(?<q>a)\\k<q>', '', { bounded: false, why: 'backreference' }],
  ])('%s /%s → %j', (source, flags, expected) => {
    expect(regexMatchLength(source, flags)).toStrictEqual(expected);
  });

  it('counts lookarounds and anchors as nothing, but covers how far a lookahead reads past the match', () => {
    expect(regexMatchLength('(?<!\\d)\\d{3}(?!\\d)', '')).toStrictEqual(bounded(3, true));
    expect(regexMatchLength('(?<=secret: )\\w{4}', '')).toStrictEqual(bounded(4));
    expect(regexMatchLength('^foo$', '')).toStrictEqual(bounded(3, true));
    expect(regexMatchLength('\\bfoo\\b', '')).toStrictEqual(bounded(3, true));
    // the match is 1 character, but whether it matches depends on the 5 after it
    expect(regexMatchLength('a(?=bcdef)', '')).toStrictEqual(bounded(5, true));
    expect(regexMatchLength('a(?=b+)', '')).toStrictEqual(UNBOUNDED);
    expect(regexMatchLength('(?<=a+)b', '')).toStrictEqual(bounded(1));
  });

  it('measures a literal by its longest form, lower-cased or not', () => {
    expect(literalMatchLength('project falcon')).toStrictEqual(bounded(14));
    expect(literalMatchLength('İ')).toStrictEqual(bounded(2)); // lower-cases to i + combining dot
  });

  // brute force: every match the regex finds in random text is no longer than the measure says
  it.each(['(?:ab|a){1,4}c?', '[a-c]{2,5}(?!a)', 'a|bb|ccc', '(?:a?b?){3}', '\\d{2}[- ]?\\d{2}', '(?:x|yz){0,3}w'])(
    'is never shorter than a real match: %s',
    (source) => {
      const measure = regexMatchLength(source, '');
      if (!measure.bounded) throw new Error('expected a bounded measure');
      const regex = new RegExp(source, 'g');
      let seed = 7;
      const alphabet = 'abcwxyz01- ';
      for (let n = 0; n < 300; n++) {
        let text = '';
        for (let i = 0; i < 24; i++) {
          seed = (seed * 1103515245 + 12345) % 2 ** 31;
          text += alphabet[seed % alphabet.length];
        }
        for (const m of text.matchAll(regex)) expect(m[0].length).toBeLessThanOrEqual(measure.length);
      }
    },
  );
});

describe('pii detectors', () => {
  it.each([
    ['email', UNBOUNDED],
    ['us_ssn', bounded(11, true)],
    ['bank_card', bounded(37, true)],
    ['ip_address', bounded(60, true)],
    ['api_key', UNBOUNDED],
    ['jwt', UNBOUNDED],
    ['private_key', UNBOUNDED],
    ['china_mobile', bounded(15, true)],
    ['china_id_card', bounded(18, true)],
  ] as const)('%s → %j', (type, expected) => {
    expect(detectorLength(type)).toStrictEqual(expected);
  });

  it('overrides only us_ssn, whose backreference repeats a one-character separator', () => {
    expect(regexMatchLength(DETECTORS.us_ssn.regex.source, '')).toStrictEqual({ bounded: false, why: 'backreference' });
    const longest = '123-45-6789';
    expect(DETECTORS.us_ssn.regex.source.length).toBeGreaterThan(0);
    expect(longest.match(new RegExp(DETECTORS.us_ssn.regex.source))?.[0]).toBe(longest);
  });
});

describe('a guardrail window and the chain W', () => {
  it('takes the longest rule, holds on an unbounded or over-cap one, and names it', () => {
    expect(guardrailWindow(keyword('k', ['abc', { re: 'x{5}' }]))).toStrictEqual({ length: 5, readsAhead: false, holds: null });
    expect(guardrailWindow(keyword('k', ['abc', { re: 'sk-[a-z]+' }]))).toMatchObject({ length: null, holds: 'pattern "sk-[a-z]+" can match unboundedly long text' });
    expect(guardrailWindow(keyword('k', ['abcdef']), 4)).toMatchObject({
      length: null,
      holds: 'pattern "abcdef" can match up to 6 characters, more than proxy.stream_guardrail_window (4)',
    });
    expect(guardrailWindow(pii('p', { detectors: ['us_ssn', 'email'] }))).toMatchObject({ length: null, holds: 'detector `email` can match unboundedly long text' });
    expect(guardrailWindow(pii('p', { custom: [{ name: 'ticket', re: 'T-\\d{6}' }] }))).toStrictEqual({ length: 8, readsAhead: false, holds: null });
  });

  it('W is the longest over the block-mode output members; monitor and input-only ones do not count', () => {
    const chain = buildGuardrailChain(
      [
        keyword('a', ['project falcon']),
        keyword('b', ['a much longer monitored phrase'], { mode: 'monitor' }),
        keyword('c', ['an input-only phrase that is long'], { hookPoint: 'input' }),
        pii('d', { detectors: ['us_ssn'] }),
      ],
      { bufferCapBytes: 1 << 20 },
    );
    expect(chain.outputWindow).toBe(14);
    const unbounded = buildGuardrailChain([keyword('a', ['x']), keyword('u', [{ re: 'a+' }])], { bufferCapBytes: 1 << 20 });
    expect(unbounded.outputWindow).toBeNull();
    expect(buildGuardrailChain([keyword('m', [{ re: 'a+' }], { mode: 'monitor' })], { bufferCapBytes: 1 << 20 }).outputWindow).toBe(0);
  });
});

describe('Alignment (a text against its masked form)', () => {
  it('maps cuts outside masked spans one to one and moves a cut inside a span to its end', () => {
    const from = 'call 123-45-6789 now';
    const to = 'call [US_SSN_REDACTED] now';
    const a = Alignment.of(from, to);
    expect(a).not.toBeNull();
    expect(a?.map(3)).toStrictEqual({ from: 3, to: 3 });
    expect(a?.map(8)).toStrictEqual({ from: 16, to: 22 });
    expect(a?.map(18)).toStrictEqual({ from: 18, to: 24 });
    expect(a?.map(from.length)).toStrictEqual({ from: from.length, to: to.length });
  });

  it('hands out the masked text whole, in order, whatever the cuts (random masks and cuts)', () => {
    let seed = 11;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      let from = '';
      let to = '';
      const spans: [number, number][] = [];
      for (let part = 0; part < 6; part++) {
        const plain = 'abcde fghij'.slice(0, 1 + rand(10));
        from += plain;
        to += plain;
        if (rand(2) === 0) {
          const secret = '0123456789'.slice(0, 1 + rand(9));
          spans.push([from.length, from.length + secret.length]);
          from += secret;
          to += ['[X]', '', 'ab', '#'.repeat(rand(12))][rand(4)] as string;
        }
      }
      const align = Alignment.of(from, to) ?? Alignment.coarse(from, to);
      let sentFrom = 0;
      let sentTo = 0;
      let out = '';
      const cuts = [...new Set(Array.from({ length: 5 }, () => rand(from.length + 1)))].sort((x, y) => x - y);
      for (const cut of [...cuts, from.length]) {
        if (cut <= sentFrom) continue;
        const c = align.map(cut);
        expect(c.from).toBeGreaterThanOrEqual(cut);
        // a cut never leaves part of a masked span behind it
        expect(spans.some(([s, e]) => s < c.from && c.from < e)).toBe(false);
        out += to.slice(sentTo, c.to);
        sentFrom = c.from;
        sentTo = c.to;
      }
      expect(out).toBe(to);
    }
  });
});
