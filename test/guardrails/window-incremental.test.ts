// Window mode's incremental review (src/guardrails/window-scan.ts): (1) the characters the rules
// read grow linearly with the stream — a 200 KB answer in 4-character deltas, with masks and with a
// late block, is read a small constant number of times over, and twice the text costs twice the
// reading; (2) it decides exactly as the quadratic review it replaced (a frozen copy in
// window-review-quadratic.ts): for random texts (digits, separators, case pairs, a capital sigma,
// `İ`, astral characters), random delta splits, several keys, copies and random rule chains
// (keyword literals, bounded regexes with lookarounds, pii us_ssn and bank_card, custom patterns
// whose masked group sits in a lookbehind, monitor members, an unbounded monitor-mode detector),
// every step releases the same frames with the same bytes, blocks at the same step with the same
// rule and records the same hits — and a stream released whole carries hold mode's masked text.
import { describe, expect, it } from 'vitest';
import type { Guardrail } from '../../src/config/types.js';
import { buildGuardrailChain, compileMembers } from '../../src/guardrails/chain.js';
import { evaluate } from '../../src/guardrails/evaluate.js';
import type { FrameExtractor } from '../../src/guardrails/stream-texts.js';
import type { Member } from '../../src/guardrails/types.js';
import { regexBehind } from '../../src/guardrails/window-length.js';
import { WindowReview, type WindowStep } from '../../src/guardrails/window-review.js';
import { keyword, pii } from './fixtures.js';
import { QuadraticWindowReview } from './window-review-quadratic.js';

/** Frames of the test protocol: `{k, d}` a delta of key k, `{copy}` a whole copy, `{end}` a key's end, `{}` no text. */
interface TestFrame {
  k?: string;
  d?: string;
  copy?: string;
  end?: string;
}

const extract: FrameExtractor = (json) => {
  const f = json as TestFrame;
  return {
    slots: f.copy === undefined ? [] : [{ path: ['copy'], text: f.copy }],
    deltas: f.d === undefined ? [] : [{ key: f.k ?? 'a', path: ['d'], text: f.d }],
  };
};
const ends = (json: unknown): string[] => {
  const end = (json as TestFrame).end;
  return end === undefined ? [] : [end];
};

function outputMembers(guardrails: Guardrail[]): { members: Member[]; window: number } {
  const chain = buildGuardrailChain(guardrails, { bufferCapBytes: 1 << 30 });
  const window = chain.outputWindow;
  if (window === null) throw new Error('test chain must window');
  return { members: compileMembers(guardrails).filter((m) => m.output), window };
}

/** A deterministic PRNG (mulberry32), so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// -------------------------------------------------------------------------------------------
// (0) how far before a match a regex reads: the context the scan re-reads before where it resumes

describe('regexBehind', () => {
  it.each([
    ['abc', 0],
    ['\\bfoo', 1],
    ['^x', 1],
    ['(?<!\\d|\\d\\.)x', 3],
    ['(?<=id:)\\d{2}', 4],
    ['(?<=(?<!a)b)c', 4],
    ['(?<=a.*)b', Infinity],
    ['(?<=a(?=b))c', Infinity],
  ])('%s reads %s before its start', (source, behind) => {
    expect(regexBehind(source, '')).toBe(behind);
  });
});

// -------------------------------------------------------------------------------------------
// (1) linear reading

const SSN_CHAIN = [pii('ids', { detectors: ['us_ssn'] }), keyword('words', ['project falcon', { re: 'cl[a]ssified\\s?doc\\d{2}' }])];

function answer(length: number): string {
  let s = '';
  for (let i = 0; s.length < length; i++) s += i % 40 === 0 ? `call 123-45-${String(1000 + (i % 9000))} now, ` : `word${i} lorem ipsum dolor sit amet, `;
  return s.slice(0, length);
}

/** Streams `text` in 4-character deltas through the incremental review; the released text and what it read. */
function stream(text: string, guardrails: Guardrail[]): { step: WindowStep['kind']; released: string; scanned: number } {
  const { members, window } = outputMembers(guardrails);
  const review = new WindowReview(members, extract, window, ends);
  const held: string[] = [];
  let released = '';
  // a frame leaves as received (null) or rewritten by a mask
  const take = (step: WindowStep): void => {
    if (step.kind !== 'release') return;
    for (const f of step.frames) {
      const data = held.shift() as string;
      released += (JSON.parse(f ?? data) as TestFrame).d ?? '';
    }
  };
  let step: WindowStep = { kind: 'release', frames: [] };
  for (let i = 0; i < text.length && step.kind === 'release'; i += 4) {
    const data = JSON.stringify({ d: text.slice(i, i + 4) });
    held.push(data);
    review.push(data);
    take((step = review.step(false)));
  }
  if (step.kind === 'release') take((step = review.step(true)));
  return { step: step.kind, released, scanned: review.scannedChars };
}

describe('the incremental window review reads linearly', () => {
  it('a 200 KB answer in 4-character deltas, with masks: a constant number of reads per character', () => {
    const small = stream(answer(100_000), SSN_CHAIN);
    const large = stream(answer(200_000), SSN_CHAIN);
    expect(large.step).toBe('release');
    expect(large.released).toContain('call [US_SSN_REDACTED] now');
    expect(large.released).not.toMatch(/\d{3}-\d{2}-\d{4}/);
    expect(large.released.length).toBeGreaterThan(190_000);
    // every character read a bounded number of times (the window's context, three rules), not once per frame
    expect(large.scanned).toBeLessThan(200_000 * 40);
    // and twice the text, twice the reading
    expect(large.scanned / small.scanned).toBeGreaterThan(1.8);
    expect(large.scanned / small.scanned).toBeLessThan(2.2);
  });

  it('a late block: found where it lands, after reading the text about once per rule', () => {
    const text = answer(200_000);
    const at = 190_000;
    const blocked = stream(`${text.slice(0, at)} project falcon ${text.slice(at)}`, SSN_CHAIN);
    expect(blocked.step).toBe('blocked');
    // what left is hold mode's masked text, up to just before the phrase
    const before = text.slice(0, at);
    const masked = evaluate(outputMembers(SSN_CHAIN).members, 'output', [before]).masked.get(before) as string;
    expect(masked.startsWith(blocked.released)).toBe(true);
    expect(blocked.released.length).toBeGreaterThan(masked.length - 64);
    expect(blocked.released).not.toContain('project');
    expect(blocked.scanned).toBeLessThan(at * 40);
  });
});

// -------------------------------------------------------------------------------------------
// (2) the same decisions as the quadratic review

const PIECES = ['a', 'b', 'c', 'x', 'X', ' ', ' ', '-', '-', '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', 'id:', 'foo', 'ab-1', 'Σ', 'σ', 'İ', 'B', '😀', '𐐀', '\n', "'", '123-45-6789', '4111 1111 1111 1111', 'a@b.co', "''''", 'aΣ'];

/** The pool the chains are drawn from: every block-mode rule is bounded (the chain windows). */
const POOL: (() => Guardrail)[] = [
  () => keyword('lit', ['ab-1', 'xσ', 'İb', '𐐀b']),
  () => keyword('re', [{ re: '\\d{2}-x?\\d' }, { re: '(?<!a)b{2}(?!c)' }, { re: '\\bfoo\\b', flags: 'i' }, { re: '[a-c]{3}$' }]),
  () => keyword('re-u', [{ re: '(?<=id:)\\d{2}' }, { re: '.😀', flags: 'u' }, { re: '(?<=\\p{Lu})\\p{Lu}\\d', flags: 'u' }]),
  () => keyword('final-sigma', ['aς']),
  () => pii('ssn', { detectors: ['us_ssn'] }),
  () => pii('ssn-block', { detectors: ['us_ssn'], defaultAction: 'block' }),
  () => pii('card', { detectors: ['bank_card'] }),
  () => pii('custom', { custom: [{ name: 'id', re: 'id:(\\d{3})', replacement: '###' }, { name: 'lb', re: '(?<=(x\\d))\\d' }, { name: 'same', re: 'ba', replacement: 'ba' }] }),
  () => keyword('watch', ['foo', 'ab'], { mode: 'monitor' }),
  () => pii('watch-mail', { detectors: ['email', 'us_ssn'], mode: 'monitor' }),
];

interface Case {
  guardrails: Guardrail[];
  /** frames, each a batch boundary when `step` */
  frames: { data: string; step: boolean }[];
}

function randomCase(seed: number): Case {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const guardrails: Guardrail[] = [];
  for (let n = 1 + Math.floor(r() * 3); n > 0; n--) guardrails.push(pick(POOL)());
  const keys = r() < 0.3 ? ['a', 'b'] : ['a'];
  const texts = new Map<string, string>(keys.map((k) => [k, '']));
  const frames: Case['frames'] = [];
  const add = (f: TestFrame): void => {
    frames.push({ data: JSON.stringify(f), step: r() < 0.7 });
  };
  const length = Math.floor(r() * (seed % 10 === 0 ? 2000 : 120));
  const open = [...keys];
  for (let i = 0; i < length && open.length > 0; i++) {
    const k = pick(open);
    let d = '';
    for (let m = 1 + Math.floor(r() * 3); m > 0; m--) d += pick(PIECES);
    // split anywhere, the middle of a surrogate pair too
    const cut = Math.floor(r() * (d.length + 1));
    for (const part of [d.slice(0, cut), d.slice(cut)]) {
      if (part === '') continue;
      add({ k, d: part });
      texts.set(k, (texts.get(k) as string) + part);
    }
    if (r() < 0.05) add({});
    // a key's end (its text is complete: no delta of it follows)
    if (r() < 0.03) {
      add({ end: k });
      open.splice(open.indexOf(k), 1);
    }
  }
  for (const k of keys) if (r() < 0.5) add({ end: k, copy: texts.get(k) as string });
  if (r() < 0.3) add({ copy: [...texts.values()].join('') });
  return { guardrails, frames };
}

/** Runs both reviews over the case, step by step; each step's outcome and the last hits, as data. */
function runBoth(c: Case): { quadratic: unknown[]; incremental: unknown[]; released: Map<string, string>; whole: boolean } {
  const { members, window } = outputMembers(c.guardrails);
  const quadratic = new QuadraticWindowReview(members, extract, window, ends);
  const incremental = new WindowReview(members, extract, window, ends);
  const a: unknown[] = [];
  const b: unknown[] = [];
  const held: string[] = [];
  const released = new Map<string, string>();
  let whole = true;
  const take = (step: WindowStep): void => {
    if (step.kind !== 'release') return;
    for (const f of step.frames) {
      const data = held.shift() as string;
      const frame = JSON.parse(f ?? data) as TestFrame;
      if (frame.d !== undefined) released.set(frame.k ?? 'a', (released.get(frame.k ?? 'a') ?? '') + frame.d);
    }
  };
  const step = (final: boolean): boolean => {
    const x = quadratic.step(final);
    const y = incremental.step(final);
    a.push(x);
    b.push(y);
    take(y);
    if (x.kind === 'release' && !final) return true;
    a.push(quadratic.hits);
    b.push(incremental.hits);
    whole = x.kind === 'release';
    return false;
  };
  for (const f of c.frames) {
    held.push(f.data);
    quadratic.push(f.data);
    incremental.push(f.data);
    if (f.step && !step(false)) return { quadratic: a, incremental: b, released, whole: false };
  }
  step(true);
  return { quadratic: a, incremental: b, released, whole };
}

describe('the incremental window review decides as the quadratic one', () => {
  it('on 1500 random streams, chains and splits: same releases, bytes, blocks, masks and hits', () => {
    let blocked = 0;
    let masked = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const c = randomCase(seed);
      const { quadratic, incremental, released, whole } = runBoth(c);
      expect(incremental, `seed ${seed}`).toEqual(quadratic);
      if (!whole) {
        blocked++;
        continue;
      }
      // released whole: every key's text went out as hold mode masks it
      const { members } = outputMembers(c.guardrails);
      for (const [key, text] of keyTexts(c)) {
        const verdict = evaluate(members, 'output', [text]);
        const expected = verdict.masked.get(text) ?? text;
        if (expected !== text) masked++;
        expect(released.get(key) ?? '', `seed ${seed} key ${key}`).toBe(expected);
      }
    }
    // the cases cover both outcomes
    expect(blocked).toBeGreaterThan(100);
    expect(masked).toBeGreaterThan(100);
  });
});

function keyTexts(c: Case): Map<string, string> {
  const texts = new Map<string, string>();
  for (const f of c.frames) {
    const frame = JSON.parse(f.data) as TestFrame;
    if (frame.d !== undefined) texts.set(frame.k ?? 'a', (texts.get(frame.k ?? 'a') ?? '') + frame.d);
  }
  return texts;
}

