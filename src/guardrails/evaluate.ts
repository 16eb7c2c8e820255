// Runs the chain's members for one stage over a set of texts. Block-mode members block on their
// first matching block rule or rewrite the texts with their mask rules (later members see the
// masked text); monitor-mode members only record what would have fired.
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

function hit(member: Member, stage: Stage, action: GuardrailHit['action'], rule: Rule): GuardrailHit {
  return { name: member.name, stage, action, rule: rule.name };
}

function monitor(member: Member, stage: Stage, texts: readonly ScanText[], hits: GuardrailHit[]): void {
  for (const rule of member.rules) {
    if (!texts.some((t) => rule.matches(t))) continue;
    hits.push(hit(member, stage, 'monitor', rule));
    if (member.firstMatchOnly) return;
  }
}

/** Applies one member's mask rules in order; returns the rewritten texts (same array if none). */
function applyMasks(member: Member, stage: Stage, texts: ScanText[], hits: GuardrailHit[]): ScanText[] {
  let current = texts;
  for (const rule of member.rules) {
    if (rule.action !== 'mask') continue;
    let fired = false;
    const next = current.map((t) => {
      const out = rule.mask(t.text);
      if (out === t.text) return t;
      fired = true;
      return scanText(out);
    });
    if (!fired) continue;
    hits.push(hit(member, stage, 'mask', rule));
    current = next;
  }
  return current;
}

export function evaluate(
  members: readonly Member[],
  stage: Stage,
  texts: readonly string[],
  options: EvaluateOptions = {},
): Evaluation {
  const originals = [...new Set(texts)].filter((t) => t.length > 0);
  let current = originals.map(scanText);
  const hits: GuardrailHit[] = [];
  for (const member of members) {
    if (member.mode === 'monitor' || options.monitorOnly) {
      monitor(member, stage, current, hits);
      continue;
    }
    const block = member.rules.find((r) => r.action === 'block' && current.some((t) => r.matches(t)));
    if (block) {
      hits.push(hit(member, stage, 'block', block));
      return { blocked: { guardrail: member.name, rule: block.name }, hits, masked: new Map() };
    }
    current = applyMasks(member, stage, current, hits);
  }
  const masked = new Map<string, string>();
  originals.forEach((orig, i) => {
    const now = current[i]?.text;
    if (now !== undefined && now !== orig) masked.set(orig, now);
  });
  return { blocked: null, hits, masked };
}
