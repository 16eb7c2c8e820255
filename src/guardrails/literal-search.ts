// A keyword literal's test, "does `text.toLowerCase()` contain the lower-cased needle", without
// lower-casing the text (DESIGN.md §6: one scan of a 5 MB body). Built once per rule: a regex of
// the needle's code points with the `iu` flags finds every place an occurrence can start, and each
// candidate is confirmed by lower-casing just the matched characters. Exact because:
// - `toLowerCase` maps each code point on its own, except a capital sigma (final or not, by its
//   context): a needle with σ or ς keeps the lower-cased copy (the caller's fallback);
// - a code point that lower-cases to one code point c simple-case-folds like c, so `/c/iu` matches
//   it (the `iu` candidates are a superset; test/guardrails/literal-search.test.ts checks every code
//   point against the runtime's Unicode data, and that İ is the only one that lower-cases to more);
// - İ lower-cases to i + U+0307: a needle with U+0307 keeps the lower-cased copy, and a needle
//   ending in i also accepts İ there (its U+0307 falls after the occurrence); elsewhere an i of the
//   needle is followed by something other than U+0307, so İ cannot supply it;
// - a needle with a lone surrogate (it can match half of a pair) keeps the lower-cased copy; `u`
//   reads whole code points.
// A candidate spans one text code point per needle code point, so it is an occurrence exactly when
// its lower-cased form starts with the needle.

/** Whether `text.toLowerCase()` contains the needle. */
export type LiteralSearch = (text: string) => boolean;

const hex = (cp: number): string => `\\u{${cp.toString(16)}}`;

/** The search for an already lower-cased needle; null when it needs the lower-cased copy. */
export function compileLiteralSearch(needle: string): LiteralSearch | null {
  if (/[σςΣ\u0307\ud800-\udfff]/u.test(needle)) return null;
  const cps = [...needle].map((c) => c.codePointAt(0) as number);
  const last = cps.length - 1;
  // `[iİ]` with `iu` also takes I; İ has no simple folding, so it is named
  const source = cps.map((cp, k) => (k === last && cp === 0x69 ? `[i${hex(0x130)}]` : hex(cp))).join('');
  const regex = new RegExp(source, 'giu');
  return (text: string): boolean => {
    regex.lastIndex = 0;
    for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
      if (m[0].toLowerCase().startsWith(needle)) return true;
      // the next candidate may start one code point later (candidates have a fixed length)
      const at = m.index;
      regex.lastIndex = at + ((text.codePointAt(at) as number) > 0xffff ? 2 : 1);
    }
    return false;
  };
}
