// How the TUI sorts a finished request into ok / error / blocked, and which guardrail hits it marks.
// A guardrail block is "blocked", not "error": it is policy doing its job (a deliberate 422), and
// counting it twice would hide real failures in the error total. Everything else with a status
// ≥ 400 or an outcome other than `ok` (aborted 499s included) is an error.
import type { GuardrailHit, RequestFinished } from '../../events/types.js';

export type RowKind = 'ok' | 'error' | 'blocked';

/** ok / error / blocked for a finished request (blocks are not errors). */
export function classify(e: Pick<RequestFinished, 'status' | 'outcome'>): RowKind {
  if (e.outcome === 'blocked_input' || e.outcome === 'blocked_output') return 'blocked';
  if (e.status >= 400 || e.outcome !== 'ok') return 'error';
  return 'ok';
}

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
