// Checks one scalar against a string, integer, number, boolean or enum spec: `${VAR}`
// interpolation for strings, then type, range, length, pattern and format, each with a message
// that says what the field accepts. Secret values are never echoed.
import { describeSpec } from './describe-spec.js';
import type { EnumSpec, FieldSpec, IntegerSpec, StringSpec } from './field-spec.js';
import { describeProblem, interpolate } from './interpolate.js';
import type { Checked, FieldContext } from './read-fields.js';
import { parseRfc3339 } from './rfc3339.js';
import { didYouMean } from './suggest.js';
import { isMap, isScalar, isSeq, type Node } from './yaml-source.js';

type ScalarSpec = Extract<FieldSpec, { type: 'string' | 'integer' | 'number' | 'boolean' | 'enum' }>;

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** spec patterns, compiled once each */
const compiled = new Map<string, RegExp>();

function patternOf(source: string): RegExp {
  let regex = compiled.get(source);
  if (regex === undefined) {
    regex = new RegExp(source);
    compiled.set(source, regex);
  }
  return regex;
}

export function checkScalar(node: unknown, spec: ScalarSpec, ctx: FieldContext): Checked | undefined {
  if (!isScalar(node)) return typeError(node, spec, ctx);
  const raw = node.value;
  switch (spec.type) {
    case 'string':
    case 'enum': {
      if (typeof raw !== 'string') return typeError(node, spec, ctx);
      const text = interpolateScalar(node, raw, ctx);
      if (text === undefined) return undefined;
      if (text.unresolved) return text;
      return spec.type === 'string' ? checkString(node, text.value, spec, ctx) : checkEnum(node, text.value, spec, ctx);
    }
    case 'boolean':
      return typeof raw === 'boolean' ? { value: raw, unresolved: false } : typeError(node, spec, ctx);
    case 'integer':
      return typeof raw === 'number' && Number.isInteger(raw) && inRange(raw, spec) ? { value: raw, unresolved: false } : typeError(node, spec, ctx);
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw) && raw >= (spec.minimum ?? -Infinity) && raw <= (spec.maximum ?? Infinity)
        ? { value: raw, unresolved: false }
        : typeError(node, spec, ctx);
  }
}

function inRange(value: number, spec: IntegerSpec): boolean {
  return value >= spec.minimum && (spec.maximum === undefined || value <= spec.maximum);
}

/** Substitutes `${VAR}`s, reporting each problem at its token; undefined when the value is unusable. */
function interpolateScalar(node: Node, raw: string, ctx: FieldContext): { value: string; unresolved: boolean } | undefined {
  const { value, problems } = interpolate(raw, ctx.env);
  let usable = true;
  let unresolved = false;
  for (const problem of problems) {
    const severity = problem.kind === 'missing' ? ctx.missingEnv : 'error';
    if (severity === 'warning') unresolved = true;
    else usable = false;
    ctx.sink.add(severity, ctx.src.posOfToken(node, problem.token), ctx.scope, describeProblem(problem));
  }
  return usable ? { value, unresolved } : undefined;
}

function checkString(node: Node, value: string, spec: StringSpec, ctx: FieldContext): Checked | undefined {
  const field = `field \`${ctx.field}\``;
  let problem: string | null = null;
  if (spec.minLength !== undefined && value.length < spec.minLength) problem = `${field} must be a non-empty string`;
  else if (spec.maxLength !== undefined && value.length > spec.maxLength) {
    problem = `${field} must be at most ${spec.maxLength} characters (it has ${value.length})`;
  } else if (spec.pattern && !patternOf(spec.pattern.source).test(value)) {
    problem = `${field} must ${spec.pattern.hint}${spec.secret ? '' : `, got ${JSON.stringify(value)}`}`;
  } else if (spec.format === 'date-time' && parseRfc3339(value) === null) {
    problem = `${field} must be an RFC 3339 date-time such as 2026-12-31T23:59:59Z, got ${JSON.stringify(value)}`;
  } else if (spec.format === 'http-url' && !isHttpUrl(value)) {
    problem = `${field} must be an http:// or https:// URL${spec.secret ? '' : `, got ${JSON.stringify(value)}`}`;
  }
  if (problem === null) return { value, unresolved: false };
  ctx.sink.error(ctx.src.posOf(node), ctx.scope, problem);
  return undefined;
}

function checkEnum(node: Node, value: string, spec: EnumSpec, ctx: FieldContext): Checked | undefined {
  if (spec.values.includes(value)) return { value, unresolved: false };
  const hint = didYouMean(value, spec.values);
  ctx.sink.error(ctx.src.posOf(node), ctx.scope, `field \`${ctx.field}\` must be ${describeSpec(spec)}, got \`${value}\`${hint}`);
  return undefined;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Reports "field `x` must be <what the spec accepts>" plus a hint about what was written. */
export function typeError(node: unknown, spec: FieldSpec, ctx: FieldContext): undefined {
  ctx.sink.error(ctx.src.posOf(node), ctx.scope, `field \`${ctx.field}\` must be ${describeSpec(spec)}${typeHint(node, spec, ctx)}`);
  return undefined;
}

function typeHint(node: unknown, spec: FieldSpec, ctx: FieldContext): string {
  if (isSeq(node)) return ', not a list';
  if (isMap(node)) return ', not a mapping';
  if (!isScalar(node)) return '';
  const raw = node.value;
  const secret = spec.type === 'string' && spec.secret === true;
  if (typeof raw === 'string') {
    if (raw.includes('${')) return ', not a string — `${…}` interpolation always yields a string, so write the value itself';
    if ((spec.type === 'integer' || spec.type === 'number') && NUMERIC.test(raw.trim())) return ', not a string — remove the quotes';
    if (spec.type === 'boolean' && (raw === 'true' || raw === 'false')) return ', not a string — remove the quotes';
    return secret ? '' : `, got ${JSON.stringify(raw)}`;
  }
  if ((spec.type === 'string' || spec.type === 'enum') && (typeof raw === 'number' || typeof raw === 'boolean')) {
    return secret ? ' — quote it' : ` — quote it: "${sourceText(node, ctx)}"`;
  }
  return raw === null || secret ? '' : `, got ${sourceText(node, ctx)}`;
}

function sourceText(node: Node, ctx: FieldContext): string {
  if (node.range) return ctx.src.text.slice(node.range[0], node.range[1]).trim();
  return isScalar(node) ? String(node.value) : '';
}
