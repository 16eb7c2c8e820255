// What one fault's fields make (DESIGN.md §12): a `proxy.faults` rule's `fault:` mapping and the
// `x-aisix-fault` header are both read through faultOf, the one place that knows which field is
// which kind. Exactly one kind per fault; `retry_after_s` only goes with `status`.
import type { ValueOf } from './field-spec.js';
import { FAULT_FIELDS } from './spec/fault.js';
import type { Fault } from './types.js';

export type FaultFieldName = keyof typeof FAULT_FIELDS;
export type FaultFields = { readonly [K in FaultFieldName]?: ValueOf<(typeof FAULT_FIELDS)[K]> };

/** The fields that each make a fault kind of their own. */
const KIND_FIELDS = ['status', 'delay_ms', 'cut_after_events', 'reset_after_events', 'stall_ms', 'malformed'] as const;
const KINDS_TEXT = '`status`, `delay_ms`, `cut_after_events`, `reset_after_events`, `stall_ms` or `malformed: true`';

export type FaultShape = { ok: true; fault: Fault } | { ok: false; reason: string };

export function faultOf(f: FaultFields): FaultShape {
  const set = KIND_FIELDS.filter((name) => (name === 'malformed' ? f.malformed === true : f[name] !== undefined));
  if (f.retry_after_s !== undefined && f.status === undefined) return { ok: false, reason: '`retry_after_s` goes with `status` (the Retry-After header of the injected error)' };
  if (set.length === 0) {
    const falseOnly = f.malformed === false ? ' (`malformed: false` injects nothing)' : '';
    return { ok: false, reason: `names no fault${falseOnly}: set one of ${KINDS_TEXT}` };
  }
  if (set.length > 1) return { ok: false, reason: `sets ${set.map((n) => `\`${n}\``).join(' and ')}: a fault is exactly one of ${KINDS_TEXT}` };
  return { ok: true, fault: build(set[0] as (typeof KIND_FIELDS)[number], f) };
}

function build(kind: (typeof KIND_FIELDS)[number], f: FaultFields): Fault {
  switch (kind) {
    case 'status':
      return { kind: 'status', status: f.status ?? 500, retryAfterS: f.retry_after_s ?? null };
    case 'delay_ms':
      return { kind: 'delay', ms: f.delay_ms ?? 0 };
    case 'cut_after_events':
      return { kind: 'cut', afterEvents: f.cut_after_events ?? 0 };
    case 'reset_after_events':
      return { kind: 'reset', afterEvents: f.reset_after_events ?? 0 };
    case 'stall_ms':
      return { kind: 'stall', ms: f.stall_ms ?? 1 };
    case 'malformed':
      return { kind: 'malformed' };
  }
}
