// Keyword literals are searched for without lower-casing the text (literal-search.ts), and repeated
// texts are dropped without hashing them (evaluate.ts). Both must give exactly the answers of the
// implementation they replaced, kept here as the reference: `text.toLowerCase().includes(needle)`
// per rule, over `[...new Set(texts)]`. Checked against the runtime's Unicode data (every code
// point), named case-folding cases, random texts, and monitor streams with JSON escapes.
import { describe, expect, it } from 'vitest';
import { buildGuardrailChain } from '../../src/guardrails/index.js';
import { compileMembers } from '../../src/guardrails/chain.js';
import { evaluate } from '../../src/guardrails/evaluate.js';
import { compileLiteralSearch } from '../../src/guardrails/literal-search.js';
import { responsesProtocol } from '../../src/protocols/index.js';
import { SseFrameParser, type SseFrame } from '../../src/sse/frame-parser.js';
import { keyword, pii, responsesSse, textTurn } from './fixtures.js';

const opts = { bufferCapBytes: 1 << 20 };

/** The replaced literal test. */
const reference = (text: string, value: string): boolean => text.toLowerCase().includes(value.toLowerCase());

/** The search when the needle takes it, else the reference (what the rule then does). */
function searched(text: string, value: string): boolean {
  const search = compileLiteralSearch(value.toLowerCase());
  return search ? search(text) : reference(text, value);
}

/** A deterministic PRNG (mulberry32), so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// case pairs, letters whose folding and lower-casing differ (K-sign, ſ, ẞ, Cherokee, Ω-sign,
// Å-sign, dotless/dotted i), the sigmas, a combining dot, astral case pairs, lone surrogates
const PIECES = ['a', 'A', 'k', 'K', '\u212a', 's', 'S', 'ſ', 'ß', 'ẞ', 'i', 'I', 'ı', 'İ', '\u0307', 'é', 'É', 'Σ', 'σ', 'ς', 'ω', 'Ω', '\u2126', 'å', '\u212b', 'Ꭰ', 'ꭰ', '𐐀', '𐐨', '\ud801', '\udc28', ' ', '-', 'ǅ', 'ǆ', 'Ǆ', 'x'];

function randomText(rand: () => number, max: number): string {
  let s = '';
  const n = Math.floor(rand() * max);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rand() * PIECES.length)] as string;
  return s;
}

describe('literal search', () => {
  it('relies on Unicode facts that hold in this runtime (every code point)', () => {
    const multi: number[] = [];
    const unfolded: number[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const x = String.fromCodePoint(cp);
      const lower = x.toLowerCase();
      if (lower === x) continue;
      const cps = [...lower];
      if (cps.length > 1) multi.push(cp);
      else if (!new RegExp(`^\\u{${(cps[0] as string).codePointAt(0)?.toString(16)}}$`, 'iu').test(x)) unfolded.push(cp);
    }
    expect(multi).toEqual([0x130]); // İ → i + U+0307, the only code point lower-casing to more than one
    expect(unfolded).toEqual([]); // lower(x) = c ⇒ /c/iu matches x
  });

  it('matches what the lower-cased copy matches, on named cases', () => {
    const cases: [string, string][] = [
      ['about PROJECT FALCON', 'Project Falcon'],
      ['un ÉTÉ chaud', 'été'],
      ['the \u212aelvin sign', 'kelvin'], // K-sign lower-cases to k
      ['long ſ', 's'], // ſ folds to s but lower-cases to itself: no match
      ['STRAẞE', 'straße'], // ẞ lower-cases to ß
      ['STRASSE', 'straße'],
      ['straße', 'STRASSE'],
      ['AİB', 'ai'], // İ supplies the i, its dot falls after
      ['AİB', 'aib'], // … but not when something must follow the i
      ['AİB', 'ai\u0307b'],
      ['ai\u0307b', 'AİB'],
      ['\u0307b', 'İB'],
      ['ΟΔΟΣ', 'οδος'], // final sigma lower-cases to ς
      ['ΟΔΟΣ', 'οδοσ'],
      ['ΟΔΟΣ ΚΑΙ', 'ς κ'],
      ['Σ', 'σ'],
      ['ΑΣΑ', 'ασα'],
      ['𐐀𐐁', '𐐨𐐩'], // astral case pairs
      ['x\ud801', '\ud801'], // a lone surrogate
      ['\ud801\udc00', '\udc28'], // half of an astral letter's lower-case form
      ['ǅ', 'ǆ'], // title case
      ['Ꭰ', 'ꭰ'], // Cherokee folds to upper case
      ['anything', ''],
      ['', ''],
    ];
    for (const [text, value] of cases) expect(searched(text, value), `${text} / ${value}`).toBe(reference(text, value));
  });

  it('matches what the lower-cased copy matches, on random texts and needles', () => {
    const rand = prng(20261202);
    let hits = 0;
    for (let i = 0; i < 20000; i++) {
      const text = randomText(rand, 24);
      const value = rand() < 0.5 ? randomText(rand, 4) : text.slice(Math.floor(rand() * text.length)).slice(0, 1 + Math.floor(rand() * 4));
      const expected = reference(text, value);
      if (expected) hits++;
      expect(searched(text, value), JSON.stringify([text, value])).toBe(expected);
    }
    expect(hits).toBeGreaterThan(2000); // both outcomes are covered
  });

  it('blocks with the same rule as before, many literals or few', () => {
    const rand = prng(7);
    for (let i = 0; i < 400; i++) {
      const values = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => randomText(rand, 3) || 'x');
      const texts = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => randomText(rand, 16));
      const chain = buildGuardrailChain([keyword('k', values)], opts);
      const body = { input: texts.map((text) => ({ role: 'user', content: [{ type: 'input_text', text }] })) };
      const rule = values.find((v) => texts.some((t) => t.length > 0 && reference(t, v)));
      expect(chain.checkRequest(responsesProtocol, body).blocked, JSON.stringify([values, texts])).toEqual(rule === undefined ? null : { guardrail: 'k', rule });
    }
  });
});

describe('repeated texts', () => {
  it('give the verdict, hits and masks of a full dedupe', () => {
    const members = compileMembers([
      keyword('k', ['zz-never'], { mode: 'monitor' }),
      pii('p', { detectors: ['email'], custom: [{ name: 'num', re: '\\d{3}' }] }),
      keyword('k2', ['secret']),
    ]);
    const rand = prng(99);
    const words = ['a@b.co', '123', 'aaa', 'bbb', 'secret', 'x', 'yy', ''];
    for (let i = 0; i < 300; i++) {
      // many texts of one length, repeats among them, more than the dedupe keeps per length
      const texts = Array.from({ length: Math.floor(rand() * 14) }, () => words[Math.floor(rand() * words.length)] as string);
      const got = evaluate(members, 'input', texts);
      const want = evaluate(members, 'input', [...new Set(texts)]);
      expect(got.blocked).toEqual(want.blocked);
      expect(got.hits).toEqual(want.hits);
      expect([...got.masked]).toEqual([...want.masked]);
    }
  });
});

describe('monitor streams', () => {
  function frames(body: Buffer): SseFrame[] {
    const out: SseFrame[] = [];
    const parser = new SseFrameParser((f) => out.push(f));
    parser.push(body);
    parser.end();
    return out;
  }
  const scan = (body: Buffer): unknown => {
    const chain = buildGuardrailChain([keyword('watch', ['Falcon'], { mode: 'monitor' })], opts);
    const collector = chain.createStreamCollector(responsesProtocol);
    for (const f of frames(body)) collector.push(f);
    return collector.scan();
  };
  const hit = [{ name: 'watch', stage: 'output', action: 'monitor', rule: 'Falcon' }];

  it('finds a literal written with JSON escapes in a frame', () => {
    const sse = responsesSse(textTurn(['project falcon'], { doneCopies: false, terminal: false })).toString();
    expect(sse).toContain('falcon');
    expect(scan(Buffer.from(sse.replace('falcon', '\\u0066al\\u0063on')))).toEqual(hit);
    expect(scan(Buffer.from(sse.replace('falcon', 'fal\\"con')))).toEqual([]);
  });
  it('finds a literal split across deltas, in no frame whole', () => {
    expect(scan(responsesSse(textTurn(['project FAL', 'C', 'on'], { doneCopies: false, terminal: false })))).toEqual(hit);
    expect(scan(responsesSse(textTurn(['project FAL', 'C ', 'on'], { doneCopies: false, terminal: false })))).toEqual([]);
  });
});
