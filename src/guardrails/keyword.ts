// Compiles a `keyword` guardrail: literals become lower-cased needles compared against the
// scanned text's (once computed) lower-case copy; regex patterns are compiled once with their
// translated flags. Keyword rules only ever block; the first matching rule wins.
import type { KeywordGuardrail, KeywordPattern } from '../config/types.js';
import type { Rule, ScanText } from './types.js';

function literalRule(value: string): Rule {
  const needle = value.toLowerCase();
  return {
    name: value,
    action: 'block',
    matches: (text: ScanText) => text.lower().includes(needle),
    mask: (text: string) => text,
  };
}

function regexRule(pattern: KeywordPattern, guardrail: string): Rule {
  const source = pattern.regex ?? { source: pattern.value, flags: '' };
  let regex: RegExp;
  try {
    regex = new RegExp(source.source, source.flags.replace(/[gy]/g, ''));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`guardrail '${guardrail}': pattern ${JSON.stringify(pattern.value)} does not compile: ${reason}`);
  }
  return {
    name: pattern.value,
    action: 'block',
    matches: (text: ScanText) => regex.test(text.text),
    mask: (text: string) => text,
  };
}

export function compileKeywordRules(guardrail: KeywordGuardrail): Rule[] {
  return guardrail.patterns.map((p) => (p.kind === 'literal' ? literalRule(p.value) : regexRule(p, guardrail.name)));
}
