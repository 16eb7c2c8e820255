// Which guardrails apply to a request (DESIGN.md §10, guardrail attachments). A file without a
// `guardrail_attachments` collection keeps every guardrail global: one chain for every request.
// With the collection, a guardrail applies only where an enabled attachment puts it — `env`
// (every request), `model` (requests naming that model display_name) or `api_key` (that caller's
// requests) — and an unattached one does nothing. Chains keep file order and are built once per
// combination of model and caller (both come from the file, so the memo is bounded).
import type { Guardrail, GuardrailAttachment } from '../config/types.js';
import { buildGuardrailChain } from './chain.js';
import type { ChainOptions, GuardrailChain } from './types.js';

export interface GuardrailScopes {
  /** the chain for a request to the model `model` (its display_name; null when none) from `caller` (null: auth off) */
  chainFor(model: string | null, caller: string | null): GuardrailChain;
}

export function buildGuardrailScopes(
  guardrails: readonly Guardrail[],
  attachments: readonly GuardrailAttachment[] | null,
  options: ChainOptions,
): GuardrailScopes {
  if (attachments === null) {
    const global = buildGuardrailChain(guardrails, options);
    return { chainFor: () => global };
  }
  const env = new Set<string>();
  const byModel = new Map<string, Set<string>>();
  const byCaller = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, key: string, name: string): void => {
    const names = map.get(key) ?? new Set<string>();
    names.add(name);
    map.set(key, names);
  };
  for (const a of attachments) {
    if (!a.enabled) continue;
    if (a.scope === 'env') env.add(a.guardrail);
    else if (a.scopeId !== null) add(a.scope === 'model' ? byModel : byCaller, a.scopeId, a.guardrail);
  }
  const bySet = new Map<string, GuardrailChain>();
  const byRequest = new Map<string, GuardrailChain>();
  return {
    chainFor(model, caller) {
      const memo = `${model ?? ''}\0${caller ?? ''}`;
      const known = byRequest.get(memo);
      if (known !== undefined) return known;
      const fromModel = model === null ? undefined : byModel.get(model);
      const fromCaller = caller === null ? undefined : byCaller.get(caller);
      const applies = guardrails.filter((g) => env.has(g.name) || fromModel?.has(g.name) === true || fromCaller?.has(g.name) === true);
      const setKey = applies.map((g) => g.name).join('\0');
      let chain = bySet.get(setKey);
      if (chain === undefined) {
        chain = buildGuardrailChain(applies, options);
        bySet.set(setKey, chain);
      }
      byRequest.set(memo, chain);
      return chain;
    },
  };
}
