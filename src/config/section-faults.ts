// `proxy.faults` (DESIGN.md §12): each rule's `match` globs (one `*` at most), `rate`, `at` and its
// fault (fault-shape.ts: exactly one kind), every problem reported at the field. A `match` that
// names no model or caller of the file is a warning (the rule would never fire), checked once the
// models and api keys are read.
import type { Entry, Located } from './field-spec.js';
import { faultOf } from './fault-shape.js';
import type { IssueSink } from './issues.js';
import type { LoadContext } from './read-fields.js';
import { countStars } from './section-provider-keys.js';
import { FAULT_FIELDS, FAULT_RULE_FIELDS } from './spec/fault.js';
import type { ApiKey, FaultRule, Model, SourcePosition } from './types.js';

type RuleEntry = Entry<typeof FAULT_RULE_FIELDS>;

const FAULT_FIELD_NAMES = Object.keys(FAULT_FIELDS) as (keyof typeof FAULT_FIELDS)[];

/** A `match` name without `*`, to look up among the models or api keys. */
export interface FaultRef {
  readonly kind: 'alias' | 'caller';
  readonly value: string;
  readonly pos: SourcePosition;
  readonly field: string;
}

export interface FaultsRead {
  rules: FaultRule[];
  refs: FaultRef[];
}

export function readFaults(written: readonly Located<RuleEntry>[], base: LoadContext): FaultsRead {
  const out: FaultsRead = { rules: [], refs: [] };
  for (const [i, { value: entry }] of written.entries()) {
    const rule = readRule(entry, `faults[${i}]`, base, out.refs);
    if (rule !== null) out.rules.push(rule);
  }
  return out;
}

function readRule(entry: RuleEntry, field: string, base: LoadContext, refs: FaultRef[]): FaultRule | null {
  const v = entry.values;
  const match = v.match;
  const alias = match === undefined ? null : glob(match, 'alias', `${field}.match.alias`, base, refs);
  const caller = match === undefined ? null : glob(match, 'caller', `${field}.match.caller`, base, refs);
  const fault = v.fault;
  if (fault === undefined) return null; // missing: reported as required
  // a field written with a bad value was reported at it: the fault's shape is not judged on the rest
  if (FAULT_FIELD_NAMES.some((name) => fault.has(name) && fault.values[name] === undefined)) return null;
  const shape = faultOf(fault.values);
  if (!shape.ok) {
    base.sink.error(entry.at('fault'), 'proxy', `field \`${field}.fault\` ${shape.reason}`);
    return null;
  }
  return { alias, caller, rate: v.rate ?? FAULT_RULE_FIELDS.rate.default, at: v.at ?? FAULT_RULE_FIELDS.at.default, fault: shape.fault };
}

function glob(match: NonNullable<RuleEntry['values']['match']>, kind: 'alias' | 'caller', field: string, base: LoadContext, refs: FaultRef[]): string | null {
  const value = match.values[kind];
  if (value === undefined || match.unresolved(kind)) return null;
  const pos = match.at(kind);
  const stars = countStars(value);
  if (stars > 1) base.sink.error(pos, 'proxy', `field \`${field}\` ${JSON.stringify(value)} has ${stars} \`*\`; a glob may contain exactly one`);
  else if (stars === 0) refs.push({ kind, value, pos, field });
  return value;
}

/** Warns about a `match` that names no model (exactly or through a wildcard model) or no caller of the file. */
export function checkFaultRefs(refs: readonly FaultRef[], models: readonly Model[], apiKeys: readonly ApiKey[], sink: IssueSink): void {
  for (const ref of refs) {
    const known = ref.kind === 'alias' ? models.some((m) => m.name === ref.value || (m.wildcard && wildcardMatches(m.name, ref.value))) : apiKeys.some((k) => k.name === ref.value);
    if (known) continue;
    const what = ref.kind === 'alias' ? 'no model' : 'no api key';
    sink.warning(ref.pos, 'proxy', `field \`${ref.field}\` ${JSON.stringify(ref.value)} names ${what} of this file: the rule never fires`);
  }
}

function wildcardMatches(pattern: string, name: string): boolean {
  const star = pattern.indexOf('*');
  const prefix = pattern.slice(0, star);
  const suffix = pattern.slice(star + 1);
  return name.length >= prefix.length + suffix.length && name.startsWith(prefix) && name.endsWith(suffix);
}
