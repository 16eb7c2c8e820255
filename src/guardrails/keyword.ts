// Compiles a `keyword` guardrail: literals become lower-cased needles, searched for in the text as
// if it were lower-cased, without copying it (literal-search.ts), or — a guardrail with many
// literals, a needle the search cannot take — compared against the scanned text's once-computed
// lower-case copy (the same answers either way); regex patterns are compiled once with their
// translated flags (global, so one scan serves hold mode's test from the start and window mode's
// resumable scan from any position, window-scan.ts). Keyword rules only ever block; the first
// matching rule wins. Any match counts, the empty one too (as `RegExp.test`).
import type { KeywordGuardrail, KeywordPattern } from '../config/types.js';
import { compileLiteralSearch } from './literal-search.js';
import type { Candidate, Rule, ScanText } from './types.js';
import { regexBehind, regexMatchLength, scanReach } from './window-length.js';

/**
 * Up to this many literals in one guardrail are searched for one by one; with more, one
 * lower-cased copy of the text (made once, shared by every rule) and plain `includes` cost less
 * (5 MB agent body: a search ~5 ms, the copy ~15 ms, `includes` on it ~1.5 ms).
 */
const SEARCHED_LITERALS = 4;

function literalRule(value: string, searched: boolean): Rule {
  const needle = value.toLowerCase();
  const search = searched ? compileLiteralSearch(needle) : null;
  return {
    name: value,
    action: 'block',
    matches: search ? (text: ScanText) => search(text.text) : (text: ScanText) => text.lower().includes(needle),
    mask: (text: string) => text,
    scan: { kind: 'lowered', needle },
  };
}

function regexRule(pattern: KeywordPattern, guardrail: string): Rule {
  const source = pattern.regex ?? { source: pattern.value, flags: '' };
  let regex: RegExp;
  try {
    regex = new RegExp(source.source, `${source.flags.replace(/[gy]/g, '')}g`);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`guardrail '${guardrail}': pattern ${JSON.stringify(pattern.value)} does not compile: ${reason}`);
  }
  const next = (s: string, from: number): Candidate | null => {
    regex.lastIndex = from;
    const m = regex.exec(s);
    return m ? { at: m.index, next: m.index + 1, span: [m.index, m.index + m[0].length] } : null;
  };
  return {
    name: pattern.value,
    action: 'block',
    matches: (text: ScanText) => next(text.text, 0) !== null,
    mask: (text: string) => text,
    scan: {
      kind: 'pattern',
      reach: scanReach(regexMatchLength(source.source, source.flags)),
      behind: regexBehind(source.source, source.flags),
      spanBehind: 0,
      replacement: '',
      next,
    },
  };
}

export function compileKeywordRules(guardrail: KeywordGuardrail): Rule[] {
  const searched = guardrail.patterns.filter((p) => p.kind === 'literal').length <= SEARCHED_LITERALS;
  return guardrail.patterns.map((p) => (p.kind === 'literal' ? literalRule(p.value, searched) : regexRule(p, guardrail.name)));
}
