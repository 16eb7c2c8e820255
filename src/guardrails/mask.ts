// Regex-backed rules: finding a (validated) match and rewriting every match to a replacement.
// Shared by pii detectors and custom patterns. Regexes arrive compiled (global flag set) and
// are reused across calls; a capture group narrows the masked span to group 1.
import type { Rule, ScanText } from './types.js';

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

export function patternRule(spec: PatternRuleSpec): Rule {
  const { regex } = spec;
  return {
    name: spec.name,
    action: spec.action,
    matches(text: ScanText): boolean {
      const s = text.text;
      if (spec.mightMatch && !spec.mightMatch(s)) return false;
      regex.lastIndex = 0;
      for (let m = regex.exec(s); m; m = regex.exec(s)) {
        if (spanOf(spec, m)) return true;
        regex.lastIndex = m.index + 1; // a rejected candidate may hide a valid one inside it
      }
      return false;
    },
    mask(s: string): string {
      if (spec.mightMatch && !spec.mightMatch(s)) return s;
      regex.lastIndex = 0;
      let out = '';
      let last = 0;
      let changed = false;
      for (let m = regex.exec(s); m; m = regex.exec(s)) {
        const span = spanOf(spec, m);
        if (!span) {
          regex.lastIndex = m.index + 1;
          continue;
        }
        if (span[0] < last) continue;
        out += s.slice(last, span[0]) + spec.replacement;
        last = span[1];
        changed = true;
      }
      return changed ? out + s.slice(last) : s;
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
