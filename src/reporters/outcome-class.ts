// The one rule sorting a finished request into ok / error / blocked, shared by the TUI (rows,
// totals, filters) and the summaries of `aisix run`, `aisix serve` and `aisix stats`. A guardrail
// block is "blocked", not "error": it is policy doing its job (a deliberate 422), and counting it
// twice would hide real failures in the error total. Everything else with a status ≥ 400 or an
// outcome other than `ok` (aborted 499s, and outcomes a newer aisix may log) is an error.
// Reporter-side code: the gateway never imports it.

export type OutcomeClass = 'ok' | 'error' | 'blocked';

/** ok / error / blocked for a finished request (blocks are not errors). */
export function outcomeClass(e: { readonly status: number; readonly outcome: string }): OutcomeClass {
  if (e.outcome === 'blocked_input' || e.outcome === 'blocked_output') return 'blocked';
  if (e.status >= 400 || e.outcome !== 'ok') return 'error';
  return 'ok';
}
