// A `pii` guardrail: built-in detectors and custom regex patterns, each masking or blocking.
// `replacement` only makes sense for a mask, so it is an error on a pattern that blocks.
import type { Entry } from './field-spec.js';
import type { EntryContext } from './read-fields.js';
import { readEntry } from './read-fields.js';
import { compile, guardrailBase } from './guardrail-common.js';
import { GUARDRAIL_COMMON_FIELDS, PII_FIELDS } from './spec/guardrail.js';
import type { PiiCustomPattern, PiiGuardrail } from './types.js';
import type { YAMLMap } from './yaml-source.js';

const PII_TABLE = { ...GUARDRAIL_COMMON_FIELDS, ...PII_FIELDS } as const;
type PiiEntry = Entry<typeof PII_TABLE>;

export function readPii(node: YAMLMap, ctx: EntryContext): PiiGuardrail {
  const entry = readEntry(node, PII_TABLE, ctx);
  const v = entry.values;
  const defaultAction = v.default_action ?? PII_FIELDS.default_action.default;
  const detectors = (v.detectors ?? []).flatMap(({ value }) => (value.values.type === undefined ? [] : [{ type: value.values.type, action: value.values.action ?? null }]));
  const customPatterns = readCustomPatterns(entry, defaultAction, ctx);
  if ((v.detectors ?? []).length === 0 && (v.custom_patterns ?? []).length === 0) {
    ctx.sink.warning(entry.pos, ctx.scope, 'no `detectors` and no `custom_patterns`: this guardrail never matches');
  }
  return {
    ...guardrailBase(entry, ctx),
    kind: 'pii',
    detectors,
    customPatterns,
    defaultAction,
    maxBufferBytes: v.max_buffer_bytes ?? null, // unset: proxy.guardrail_buffer_bytes applies
    onBufferExceeded: v.on_buffer_exceeded ?? PII_FIELDS.on_buffer_exceeded.default,
  };
}

function readCustomPatterns(entry: PiiEntry, defaultAction: 'mask' | 'block', ctx: EntryContext): PiiCustomPattern[] {
  const out: PiiCustomPattern[] = [];
  (entry.values.custom_patterns ?? []).forEach(({ value: item }, i) => {
    const { name, regex, action, replacement } = item.values;
    if (replacement !== undefined && (action ?? defaultAction) === 'block') {
      const why = action === undefined ? 'the guardrail\'s default_action is block' : 'its action is block';
      ctx.sink.error(item.keyAt('replacement'), ctx.scope, `field \`custom_patterns[${i}].replacement\` only applies to masks, and ${why} (remove it, or set \`action: mask\`)`);
    }
    if (name === undefined || regex === undefined) return;
    const compiled = compile(regex, item.at('regex'), `custom_patterns[${i}].regex`, ctx);
    if (compiled !== null) out.push({ name, regex: compiled, action: action ?? null, replacement: replacement ?? null });
  });
  return out;
}
