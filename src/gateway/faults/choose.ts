// THE fault decision (DESIGN.md §12): which fault, if any, acts on this request at this point —
// `client` (once per request, before its upstream attempts) or `upstream` (once per attempt, as
// the upstream's answer). The `x-aisix-fault` header, when `proxy.fault_header` allows it, stands
// in for the rules; otherwise the rules are tried in file order and the first matching one whose
// `rate` draw fires applies. `at: upstream` rules also match the routing target an attempt goes to.
import type { FaultRule } from '../../config/types.js';
import type { RequestContext } from '../routes/context.js';
import { FAULT_HEADER, readFaultHeader } from './header.js';

export interface ChosenFault {
  readonly rule: FaultRule;
  /** `proxy.faults[0]` or `the x-aisix-fault header`, for messages */
  readonly source: string;
}

const HEADER_SOURCE = `the ${FAULT_HEADER} header`;

/** The fault that acts at `at`, or null; `target` is the attempt's routing target (`upstream` only). */
export function chooseFault(ctx: RequestContext, at: FaultRule['at'], target: string | null = null): ChosenFault | null {
  const plan = ctx.runtime.faults;
  if (plan === null) return null;
  const { dice } = ctx.services;
  if (plan.header) {
    if (ctx.faultHeader === undefined) ctx.faultHeader = readFaultHeader(ctx.req.headers[FAULT_HEADER]);
    const header = ctx.faultHeader;
    if (header !== null) return header.at === at && dice.fires(header.rate, plan.seed) ? { rule: header, source: HEADER_SOURCE } : null;
  }
  const caller = ctx.caller?.name ?? null;
  const alias = ctx.record.alias;
  for (const { rule, name, alias: aliasGlob, caller: callerGlob } of plan.rules) {
    if (rule.at !== at) continue;
    if (callerGlob !== null && (caller === null || callerGlob.match(caller) === null)) continue;
    if (aliasGlob !== null && !((alias !== null && aliasGlob.match(alias) !== null) || (target !== null && aliasGlob.match(target) !== null))) continue;
    if (dice.fires(rule.rate, plan.seed)) return { rule, source: name };
  }
  return null;
}
