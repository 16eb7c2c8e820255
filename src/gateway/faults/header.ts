// The `x-aisix-fault` request header (DESIGN.md §12, with `proxy.fault_header: true`):
// `status=503; retry_after_s=30`, any fault field of a rule (the same names and ranges, read by
// config/fault-shape.ts), plus `at=client|upstream` and `rate=0..1`; a bare `malformed` is
// `malformed=true`. A header that cannot be read is the caller's mistake: 400 naming the problem.
import { faultOf, type FaultFieldName, type FaultFields } from '../../config/fault-shape.js';
import { FAULT_AT, FAULT_FIELDS } from '../../config/spec/fault.js';
import type { FaultRule } from '../../config/types.js';
import { GatewayError } from '../errors.js';

export const FAULT_HEADER = 'x-aisix-fault';

const DIGITS = /^\d+$/;
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
const KNOWN = [...Object.keys(FAULT_FIELDS), 'at', 'rate'];

function isFaultField(name: string): name is FaultFieldName {
  return Object.hasOwn(FAULT_FIELDS, name);
}

function bad(reason: string): GatewayError {
  return new GatewayError('bad_request', `${FAULT_HEADER}: ${reason}`);
}

/** The header as a rule that matches this request, or null when it is absent. */
export function readFaultHeader(value: string | string[] | undefined): FaultRule | null {
  if (value === undefined) return null;
  const text = Array.isArray(value) ? value.join(';') : value;
  const fields: Record<string, number | boolean> = {};
  let at: FaultRule['at'] = 'client';
  let rate = 1;
  const seen = new Set<string>();
  for (const part of text.split(';')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    const raw = eq < 0 ? null : item.slice(eq + 1).trim();
    if (seen.has(name)) throw bad(`\`${name}\` is given twice`);
    seen.add(name);
    if (name === 'at') {
      if (raw !== 'client' && raw !== 'upstream') throw bad(`\`at\` must be one of ${FAULT_AT.join(', ')}`);
      at = raw;
    } else if (name === 'rate') {
      const n = raw !== null && DECIMAL.test(raw) ? Number(raw) : NaN;
      if (!(n >= 0 && n <= 1)) throw bad('`rate` must be a number from 0 to 1');
      rate = n;
    } else if (isFaultField(name)) {
      fields[name] = fieldValue(name, raw);
    } else {
      throw bad(`unknown field \`${name.slice(0, 64)}\` (known: ${KNOWN.join(', ')})`);
    }
  }
  const shape = faultOf(fields as FaultFields);
  if (!shape.ok) throw bad(shape.reason);
  return { alias: null, caller: null, rate, at, fault: shape.fault };
}

function fieldValue(name: FaultFieldName, raw: string | null): number | boolean {
  const spec = FAULT_FIELDS[name];
  if (spec.type === 'boolean') {
    if (raw === null || raw === 'true') return true;
    if (raw === 'false') return false;
    throw bad(`\`${name}\` must be true or false`);
  }
  const n = raw !== null && DIGITS.test(raw) ? Number(raw) : NaN;
  const max = 'maximum' in spec ? spec.maximum : Number.MAX_SAFE_INTEGER;
  if (!(n >= spec.minimum && n <= max)) throw bad(`\`${name}\` must be an integer from ${spec.minimum}${'maximum' in spec ? ` to ${spec.maximum}` : ' up'}`);
  return n;
}
