// What every local guardrail kind shares: the common fields (with `enforcement_mode` mapped the
// way AISIX maps it) and regex compilation with the error placed at the pattern's value.
import type { Entry } from './field-spec.js';
import type { EntryContext } from './read-fields.js';
import { translateRegex } from './regex.js';
import { GUARDRAIL_COMMON_FIELDS } from './spec/guardrail.js';
import { closest } from './suggest.js';
import type { EnforcementMode, Guardrail, RegexSource, SourcePosition } from './types.js';

type CommonEntry = Entry<typeof GUARDRAIL_COMMON_FIELDS>;

/** The fields every kind shares, with `enforcement_mode` mapped the way AISIX does. */
export function guardrailBase(entry: CommonEntry, ctx: EntryContext): { name: string; enabled: boolean; hookPoint: Guardrail['hookPoint']; mode: EnforcementMode } {
  const v = entry.values;
  return {
    name: v.name ?? '',
    enabled: v.enabled ?? GUARDRAIL_COMMON_FIELDS.enabled.default,
    hookPoint: v.hook_point ?? GUARDRAIL_COMMON_FIELDS.hook_point.default,
    mode: enforcementMode(entry, ctx),
  };
}

function enforcementMode(entry: CommonEntry, ctx: EntryContext): EnforcementMode {
  const mode = entry.values.enforcement_mode;
  if (mode === undefined || mode === 'block' || mode === 'monitor' || entry.unresolved('enforcement_mode')) return mode === 'monitor' ? 'monitor' : 'block';
  const match = closest(mode, ['block', 'monitor']);
  const hint = match === null ? '' : ` (did you mean \`${match}\`?)`;
  ctx.sink.warning(entry.at('enforcement_mode'), ctx.scope, `enforcement_mode \`${mode}\` is neither \`block\` nor \`monitor\`; AISIX treats it as \`block\`, and so does aisix${hint}`);
  return 'block';
}

/** Translates and compiles a regex once; a bad one is an error at its value. */
export function compile(pattern: string, pos: SourcePosition, field: string, ctx: EntryContext): RegexSource | null {
  const result = translateRegex(pattern);
  if (result.ok) return result.regex;
  ctx.sink.error(pos, ctx.scope, `field \`${field}\` is not a valid regular expression: ${result.reason}`);
  return null;
}
