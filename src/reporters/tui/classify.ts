// The TUI's row kinds (ok / error / blocked: the shared rule of ../outcome-class.ts, blocks are
// not errors) and which guardrail hits it marks.
import type { GuardrailHit, RequestFinished } from '../../events/types.js';
import type { OutcomeClass } from '../outcome-class.js';

export type RowKind = OutcomeClass;

/** The hit that blocked the request, preferring the stage the outcome names. */
export function blockingHit(e: Pick<RequestFinished, 'outcome' | 'guardrails'>): GuardrailHit | null {
  const stage = e.outcome === 'blocked_output' ? 'output' : e.outcome === 'blocked_input' ? 'input' : null;
  if (stage === null) return null;
  const blocks = e.guardrails.filter((h) => h.action === 'block');
  return blocks.find((h) => h.stage === stage) ?? blocks[0] ?? null;
}

/** Guardrail hits with the given action, in order. */
export function hitsWith(hits: readonly GuardrailHit[], action: GuardrailHit['action']): GuardrailHit[] {
  return hits.filter((h) => h.action === action);
}
