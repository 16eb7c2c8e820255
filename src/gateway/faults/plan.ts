// A runtime's fault plan (DESIGN.md §12): `proxy.faults` rules with their `match` globs compiled
// once, whether the `x-aisix-fault` header is honoured, and the seed. Null when there is nothing to
// inject, so requests of a config without faults pay for one null check.
import type { FaultRule, ProxySettings } from '../../config/types.js';
import { compileGlob, type Glob } from '../runtime/glob.js';

export interface CompiledRule {
  readonly rule: FaultRule;
  /** how events and messages name it: `proxy.faults[0]` */
  readonly name: string;
  readonly alias: Glob | null;
  readonly caller: Glob | null;
}

export interface FaultPlan {
  readonly rules: readonly CompiledRule[];
  readonly header: boolean;
  readonly seed: number | null;
}

export function compileFaults(proxy: ProxySettings): FaultPlan | null {
  if (proxy.faults.length === 0 && !proxy.faultHeader) return null;
  return {
    rules: proxy.faults.map((rule, i) => ({
      rule,
      name: `proxy.faults[${i}]`,
      alias: rule.alias === null ? null : compileGlob(rule.alias),
      caller: rule.caller === null ? null : compileGlob(rule.caller),
    })),
    header: proxy.faultHeader,
    seed: proxy.faultsSeed,
  };
}
