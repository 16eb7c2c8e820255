// A guardrail's window for `proxy.stream_guardrails: window` (DESIGN.md §3): the longest match of
// its rules — keyword literals and regexes, pii detectors (their longest form, decided per
// detector below from pii-detectors.ts) and custom patterns. One verdict for the chain (how many
// characters a stream must hold back) and the config loader (the warning naming a guardrail whose
// streams hold instead): both call `guardrailWindow`.
import type { Guardrail, PiiDetectorType } from '../config/types.js';
import { DETECTORS } from './pii-detectors.js';
import { literalMatchLength, regexMatchLength, type MatchLength } from './window-length.js';

export interface RuleLength {
  /** how the loader's warning names the rule */
  readonly label: string;
  readonly length: MatchLength;
}

export interface GuardrailWindow {
  /** the longest match over the guardrail's rules; null when one of them is unbounded (or over the cap) */
  readonly length: number | null;
  /** a rule can read past the end of its match (lookahead, `$`, `\b`) */
  readonly readsAhead: boolean;
  /** why the guardrail holds instead: the first such rule, as a clause of the load warning; null when it windows */
  readonly holds: string | null;
}

/** `us_ssn` repeats its separator with a backreference to a one-character group: `123-45-6789`. */
const DETECTOR_OVERRIDES: Partial<Record<PiiDetectorType, MatchLength>> = {
  us_ssn: { bounded: true, length: 11, readsAhead: true },
};

/** A built-in detector's longest form: its regex's longest match, unless overridden above. */
export function detectorLength(type: PiiDetectorType): MatchLength {
  const regex = DETECTORS[type].regex;
  return DETECTOR_OVERRIDES[type] ?? regexMatchLength(regex.source, regex.flags);
}

export function ruleLengths(g: Guardrail): RuleLength[] {
  if (g.kind === 'keyword') {
    return g.patterns.map((p) => {
      const source = p.regex ?? { source: p.value, flags: '' };
      return { label: `pattern ${JSON.stringify(p.value)}`, length: p.kind === 'literal' ? literalMatchLength(p.value) : regexMatchLength(source.source, source.flags) };
    });
  }
  return [
    ...g.detectors.map((d) => ({ label: `detector \`${d.type}\``, length: detectorLength(d.type) })),
    ...g.customPatterns.map((p) => ({ label: `custom pattern ${JSON.stringify(p.name)}`, length: regexMatchLength(p.regex.source, p.regex.flags) })),
  ];
}

function holdReason(rule: RuleLength, cap: number): string | null {
  const l = rule.length;
  if (!l.bounded) {
    return l.why === 'backreference'
      ? `${rule.label} uses a backreference, so the length of its matches is unknown`
      : `${rule.label} can match unboundedly long text`;
  }
  return l.length > cap ? `${rule.label} can match up to ${l.length} characters, more than proxy.stream_guardrail_window (${cap})` : null;
}

/** The guardrail's window; with `cap` (proxy.stream_guardrail_window) a longer one holds too. */
export function guardrailWindow(g: Guardrail, cap = Infinity): GuardrailWindow {
  let length: number | null = 0;
  let readsAhead = false;
  let holds: string | null = null;
  for (const rule of ruleLengths(g)) {
    holds ??= holdReason(rule, cap);
    if (rule.length.bounded) {
      readsAhead ||= rule.length.readsAhead;
      if (length !== null) length = Math.max(length, rule.length.length);
    } else length = null;
  }
  return { length: holds === null ? length : null, readsAhead, holds };
}

/** Whether window mode would hold a stream for this guardrail: block-mode, on output, with rules. */
export function windowsOutput(g: Guardrail): boolean {
  const rules = g.kind === 'keyword' ? g.patterns.length : g.detectors.length + g.customPatterns.length;
  return g.enabled && g.mode === 'block' && g.hookPoint !== 'input' && rules > 0;
}
