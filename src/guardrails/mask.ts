// Regex-backed rules: finding a (validated) match and rewriting every match to a replacement.
// Shared by pii detectors and custom patterns. Regexes arrive compiled (global flag set) and
// are reused across calls; a capture group narrows the masked span to group 1. One scan, candidate
// by candidate (`candidate`), serves hold mode's `matches` and `mask` and window mode's resumable
// scan (window-scan.ts), so both find the same matches.
import type { Candidate, Rule, ScanText } from './types.js';

export interface PatternRuleSpec {
  name: string;
  action: 'block' | 'mask';
  /** must carry the `g` flag; `d` as well when `group` is true */
  regex: RegExp;
  /** mask only capture group 1 (the whole match when group 1 did not take part) */
  group: boolean;
  /** literal text put in place of each masked span (`$` has no special meaning) */
  replacement: string;
  /** extra check on a candidate match (checksums, ranges); absent = every match counts */
  validate?: (match: string) => boolean;
  /** cheap pre-check: when it says false the regex is not run at all */
  mightMatch?: (text: string) => boolean;
  /** window mode: characters a match can read from its start, and before it (Infinity: unknown) */
  reach: number;
  behind: number;
}

/** `email` → `[EMAIL_REDACTED]`: upper-cased, every non-alphanumeric turned into `_`. */
export function redactionLabel(name: string): string {
  return `[${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_REDACTED]`;
}

/** Wraps a string for scanning; the lower-case copy is made on first use only. */
export function scanText(text: string): ScanText {
  let lowered: string | undefined;
  return {
    text,
    lower: () => (lowered ??= text.toLowerCase()),
  };
}

/** The [start, end) span a match masks, or null when it must be ignored (empty, invalid). */
function spanOf(spec: PatternRuleSpec, m: RegExpExecArray): [number, number] | null {
  if (spec.validate && !spec.validate(m[0])) return null;
  let start = m.index;
  let end = start + m[0].length;
  const g1 = spec.group ? m.indices?.[1] : undefined;
  if (g1) [start, end] = g1;
  return end > start ? [start, end] : null;
}

/** The first candidate at or after `from`; a rejected one may hide a valid one inside it, so the scan goes on after its start. */
function candidate(spec: PatternRuleSpec, s: string, from: number): Candidate | null {
  const { regex } = spec;
  regex.lastIndex = from;
  const m = regex.exec(s);
  if (!m) return null;
  const span = spanOf(spec, m);
  return { at: m.index, next: span ? regex.lastIndex : m.index + 1, span };
}

export function patternRule(spec: PatternRuleSpec): Rule {
  return {
    name: spec.name,
    action: spec.action,
    matches(text: ScanText): boolean {
      const s = text.text;
      if (spec.mightMatch && !spec.mightMatch(s)) return false;
      for (let c = candidate(spec, s, 0); c; c = candidate(spec, s, c.next)) if (c.span) return true;
      return false;
    },
    mask(s: string): string {
      if (spec.mightMatch && !spec.mightMatch(s)) return s;
      let out = '';
      let last = 0;
      let changed = false;
      for (let c = candidate(spec, s, 0); c; c = candidate(spec, s, c.next)) {
        const span = c.span;
        if (!span || span[0] < last) continue;
        out += s.slice(last, span[0]) + spec.replacement;
        last = span[1];
        changed = true;
      }
      return changed ? out + s.slice(last) : s;
    },
    scan: {
      kind: 'pattern',
      reach: spec.reach,
      behind: spec.behind,
      spanBehind: spec.group ? spec.behind : 0,
      replacement: spec.replacement,
      next: (s, from) => candidate(spec, s, from),
    },
  };
}

/** Compiles a configured regex for scanning with `g` (and `d` when it has capture groups). */
export function compileScanRegex(source: string, flags: string): { regex: RegExp; group: boolean } {
  const base = flags.replace(/[gyd]/g, '');
  const probe = new RegExp(`${source}|`, base).exec('');
  const group = probe !== null && probe.length > 1;
  return { regex: new RegExp(source, `${base}g${group ? 'd' : ''}`), group };
}
