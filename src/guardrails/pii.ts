// Compiles a `pii` guardrail into rules: its detectors in the order written, then its custom
// patterns. Each rule resolves its action (own or default_action) and its replacement
// (`[<NAME>_REDACTED]` or the literal `replacement`) once, at build time, and how far a match can
// read around its start (window mode, window-length.ts).
import type { PiiCustomPattern, PiiDetector, PiiGuardrail } from '../config/types.js';
import { compileScanRegex, patternRule, redactionLabel } from './mask.js';
import { DETECTORS } from './pii-detectors.js';
import type { Rule } from './types.js';
import { regexBehind, regexMatchLength, scanReach } from './window-length.js';
import { detectorLength } from './window-rules.js';

function detectorRule(detector: PiiDetector, guardrail: PiiGuardrail): Rule {
  const def = DETECTORS[detector.type];
  return patternRule({
    name: detector.type,
    action: detector.action ?? guardrail.defaultAction,
    regex: def.regex,
    group: false,
    replacement: redactionLabel(detector.type),
    reach: scanReach(detectorLength(detector.type)),
    behind: regexBehind(def.regex.source, def.regex.flags),
    ...(def.validate ? { validate: def.validate } : {}),
    ...(def.mightMatch ? { mightMatch: def.mightMatch } : {}),
  });
}

function customRule(pattern: PiiCustomPattern, guardrail: PiiGuardrail): Rule {
  let compiled: ReturnType<typeof compileScanRegex>;
  try {
    compiled = compileScanRegex(pattern.regex.source, pattern.regex.flags);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`guardrail '${guardrail.name}': custom pattern '${pattern.name}' does not compile: ${reason}`);
  }
  return patternRule({
    name: pattern.name,
    action: pattern.action ?? guardrail.defaultAction,
    regex: compiled.regex,
    group: compiled.group,
    replacement: pattern.replacement ?? redactionLabel(pattern.name),
    reach: scanReach(regexMatchLength(pattern.regex.source, pattern.regex.flags)),
    behind: regexBehind(pattern.regex.source, pattern.regex.flags),
  });
}

export function compilePiiRules(guardrail: PiiGuardrail): Rule[] {
  return [
    ...guardrail.detectors.map((d) => detectorRule(d, guardrail)),
    ...guardrail.customPatterns.map((p) => customRule(p, guardrail)),
  ];
}
