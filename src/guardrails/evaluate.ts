// Runs the chain's members for one stage over a set of texts. Block-mode members block on their
// first matching block rule or rewrite the texts with their mask rules (later members see the
// masked text); monitor-mode members only record what would have fired. The one place that
// decides: hold mode runs it over plain strings (`evaluate`), window mode over its growing texts
// (window-scan.ts), through `ChainText`. Repeated texts are scanned once where that is cheap to see;
// a repeat scanned again gives the same answers, so the verdict never depends on it.
import type { GuardrailHit } from '../events/types.js';
import { scanText } from './mask.js';
import type { BlockedBy, Member, Rule, ScanText, Stage } from './types.js';

export interface Evaluation {
  blocked: BlockedBy | null;
  hits: GuardrailHit[];
  /** original text → masked text, for the texts a mask rule changed; empty when none did */
  masked: Map<string, string>;
}

export interface EvaluateOptions {
  /** treat every member as monitor-mode (live streams: never block, never mask) */
  monitorOnly?: boolean;
}

/** A text as the rules see it at one point of the chain. */
export interface ChainText<T> {
  matches(rule: Rule): boolean;
  /** the text after `rule`'s masks (itself when they rewrote nothing), and whether they rewrote it */
  maskWith(rule: Rule): { text: T; changed: boolean };
}

export interface ChainEvaluation<T> {
  blocked: BlockedBy | null;
  hits: GuardrailHit[];
  /** each text as the chain left it, in the order given (unspecified when blocked) */
  texts: T[];
}

/** Hold mode's text: a whole string. */
class PlainText implements ChainText<PlainText> {
  constructor(readonly scan: ScanText) {}

  matches(rule: Rule): boolean {
    return rule.matches(this.scan);
  }

  maskWith(rule: Rule): { text: PlainText; changed: boolean } {
    const out = rule.mask(this.scan.text);
    return out === this.scan.text ? { text: this, changed: false } : { text: new PlainText(scanText(out)), changed: true };
  }
}

function hit(member: Member, stage: Stage, action: GuardrailHit['action'], rule: Rule): GuardrailHit {
  return { name: member.name, stage, action, rule: rule.name };
}

function monitor<T extends ChainText<T>>(member: Member, stage: Stage, texts: readonly T[], hits: GuardrailHit[]): void {
  for (const rule of member.rules) {
    if (!texts.some((t) => t.matches(rule))) continue;
    hits.push(hit(member, stage, 'monitor', rule));
    if (member.firstMatchOnly) return;
  }
}

/** Applies one member's mask rules in order; returns the rewritten texts. */
function applyMasks<T extends ChainText<T>>(member: Member, stage: Stage, texts: T[], hits: GuardrailHit[]): T[] {
  let current = texts;
  for (const rule of member.rules) {
    if (rule.action !== 'mask') continue;
    let fired = false;
    current = current.map((t) => {
      const { text, changed } = t.maskWith(rule);
      fired ||= changed;
      return text;
    });
    if (fired) hits.push(hit(member, stage, 'mask', rule));
  }
  return current;
}

export function evaluateChain<T extends ChainText<T>>(
  members: readonly Member[],
  stage: Stage,
  texts: readonly T[],
  options: EvaluateOptions = {},
): ChainEvaluation<T> {
  let current = [...texts];
  const hits: GuardrailHit[] = [];
  for (const member of members) {
    if (member.mode === 'monitor' || options.monitorOnly) {
      monitor(member, stage, current, hits);
      continue;
    }
    const block = member.rules.find((r) => r.action === 'block' && current.some((t) => t.matches(r)));
    if (block) {
      hits.push(hit(member, stage, 'block', block));
      return { blocked: { guardrail: member.name, rule: block.name }, hits, texts: current };
    }
    current = applyMasks(member, stage, current, hits);
  }
  return { blocked: null, hits, texts: current };
}

/** Texts one length may keep for comparison: dropping a repeat only saves work, so the check stays bounded. */
const SAME_LENGTH_KEPT = 4;

/**
 * The non-empty texts, most repeats dropped (a stream's text comes in several copies). Equal
 * texts have equal lengths, so a text is compared only with a few earlier ones of its length: no
 * hashing of every text's content, as a `Set` of 5 MB of fresh strings would do.
 */
function distinctTexts(texts: readonly string[]): string[] {
  const byLength = new Map<number, string[]>();
  const out: string[] = [];
  for (const t of texts) {
    if (t.length === 0) continue;
    const same = byLength.get(t.length);
    if (same === undefined) byLength.set(t.length, [t]);
    else if (same.includes(t)) continue;
    else if (same.length < SAME_LENGTH_KEPT) same.push(t);
    out.push(t);
  }
  return out;
}

export function evaluate(
  members: readonly Member[],
  stage: Stage,
  texts: readonly string[],
  options: EvaluateOptions = {},
): Evaluation {
  const originals = distinctTexts(texts);
  const { blocked, hits, texts: current } = evaluateChain(members, stage, originals.map((t) => new PlainText(scanText(t))), options);
  if (blocked) return { blocked, hits, masked: new Map() };
  const masked = new Map<string, string>();
  originals.forEach((orig, i) => {
    const now = current[i]?.scan.text;
    if (now !== undefined && now !== orig) masked.set(orig, now);
  });
  return { blocked: null, hits, masked };
}
