// The generic checker: walks one YAML mapping against a field table (field-spec.ts), reports
// unknown keys (with "did you mean"), wrong types, missing required fields and AISIX-only fields,
// interpolates `${VAR}` in string values, and returns the valid values with their positions.
import type { Entry, EntryValues, FieldSpec, FieldTable, ListSpec, Located } from './field-spec.js';
import type { Env } from './interpolate.js';
import type { IssueSink } from './issues.js';
import { checkScalar, typeError } from './read-scalars.js';
import { didYouMean } from './suggest.js';
import type { SourcePosition } from './types.js';
import { isAlias, isMap, isNullNode, isScalar, isSeq, keyName, type Pair, type Scalar, type YAMLMap, type YamlSource } from './yaml-source.js';

/** What every loader step needs: the parsed file, the issue sink and the environment. */
export interface LoadContext {
  readonly src: YamlSource;
  readonly sink: IssueSink;
  readonly env: Env;
  readonly missingEnv: 'error' | 'warning';
  /** epoch ms for time-relative warnings (an `expires_at` in the past); absent = not checked */
  readonly now?: number | undefined;
}

/** Where the mapping being read sits: its scope label and how to name it in aggregated warnings. */
export interface EntryContext extends LoadContext {
  readonly scope: string;
  /** the section, for aggregating "ignored" warnings: `models`, `proxy` */
  readonly collection: string;
  /** singular noun for "also on N more …": `model`, `api key` */
  readonly noun: string;
  /** resource entries explain a stray `id` key the way AISIX does */
  readonly resource: boolean;
}

/** An EntryContext plus the dotted path of the field being read, for messages. */
export interface FieldContext extends EntryContext {
  readonly field: string;
}

/** A checked value; `unresolved` when it used an unset environment variable (validate mode). */
export interface Checked {
  readonly value: unknown;
  readonly unresolved: boolean;
}

const ID_MESSAGE = "the resources file does not accept `id` — ids are derived deterministically from the entry's name";

export function readEntry<F extends FieldTable>(node: YAMLMap, fields: F, ctx: EntryContext, prefix = ''): Entry<F> {
  const values: Record<string, unknown> = {};
  const pairs = new Map<string, Pair>();
  const unresolved = new Set<string>();
  for (const pair of node.items) {
    const key = keyName(pair);
    if (key === null) {
      ctx.sink.error(ctx.src.posOf(pair.key ?? node), ctx.scope, 'keys must be plain strings');
      continue;
    }
    if (pairs.has(key)) continue; // the YAML parser already reported the duplicate key
    const spec = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (spec === undefined) {
      unknownKey(key, pair, fields, ctx, prefix);
      continue;
    }
    pairs.set(key, pair);
    if (spec.type === 'ignored') {
      const path = prefix + key;
      const message = `field \`${path}\` is ignored by the local proxy (${spec.effect})`;
      ctx.sink.aggregateWarning(`${ctx.collection}\0${path}`, ctx.src.posOf(pair.key), ctx.scope, message, ctx.noun);
      continue;
    }
    const checked = checkValue(pair.value, spec, { ...ctx, field: prefix + key });
    if (checked === undefined) continue;
    values[key] = checked.value;
    if (checked.unresolved) unresolved.add(key);
  }
  const pos = ctx.src.posOf(node);
  reportMissing(fields, pairs, pos, ctx, prefix);
  // The cast is the one place the spec's promise is taken: checkValue only returns values of the spec's type.
  return new CheckedEntry<F>(values as EntryValues<F>, pos, pairs, unresolved, ctx.src);
}

/** Checks one value against its spec; undefined when absent (null) or invalid (already reported). */
export function checkValue(node: unknown, spec: FieldSpec, ctx: FieldContext): Checked | undefined {
  if (isNullNode(node) || spec.type === 'ignored') return undefined;
  if (isAlias(node)) {
    ctx.sink.error(ctx.src.posOf(node), ctx.scope, 'YAML aliases (`*name`) are not supported (AISIX rejects them too); write the value out');
    return undefined;
  }
  if (spec.type === 'list') return spec.orValue !== undefined && isScalar(node) ? checkOrValue(node, spec, ctx) : checkList(node, spec, ctx);
  if (spec.type === 'object') {
    if (!isMap(node)) return typeError(node, spec, ctx);
    return { value: readEntry(node, spec.fields, ctx, `${ctx.field}.`), unresolved: false };
  }
  return checkScalar(node, spec, ctx);
}

/** A list's one string alternative (`"*"`), interpolated like any string, read as a one-entry list. */
function checkOrValue(node: Scalar, spec: ListSpec, ctx: FieldContext): Checked | undefined {
  if (typeof node.value !== 'string') return typeError(node, spec, ctx);
  const checked = checkScalar(node, { type: 'string', description: spec.description }, ctx);
  if (checked === undefined) return undefined;
  if (checked.unresolved) return { value: [], unresolved: true };
  if (checked.value !== spec.orValue) return typeError(node, spec, ctx);
  const only: Located<unknown> = { value: checked.value, pos: ctx.src.posOf(node), unresolved: false };
  return { value: [only], unresolved: false };
}

function checkList(node: unknown, spec: ListSpec, ctx: FieldContext): Checked | undefined {
  if (!isSeq(node)) return typeError(node, spec, ctx);
  const { items, minItems = 0 } = spec;
  if (node.items.length < minItems) {
    ctx.sink.error(ctx.src.posOf(node), ctx.scope, `field \`${ctx.field}\` must have at least ${minItems} ${minItems === 1 ? 'entry' : 'entries'}`);
  }
  const out: Located<unknown>[] = [];
  node.items.forEach((item, i) => {
    const checked = checkValue(item, items, { ...ctx, field: `${ctx.field}[${i}]` });
    if (checked !== undefined) out.push({ value: checked.value, pos: ctx.src.posOf(item), unresolved: checked.unresolved });
  });
  return { value: out, unresolved: false };
}

function unknownKey(key: string, pair: Pair, fields: FieldTable, ctx: EntryContext, prefix: string): void {
  const pos = ctx.src.posOf(pair.key);
  if (ctx.resource && prefix === '' && key === 'id') {
    ctx.sink.error(pos, ctx.scope, ID_MESSAGE);
    return;
  }
  const known = Object.keys(fields);
  const hint = didYouMean(key, known) || ` (known fields: ${known.filter((k) => fields[k]?.type !== 'ignored').join(', ')})`;
  ctx.sink.error(pos, ctx.scope, `unknown field \`${prefix}${key}\`${hint}`);
}

/** Required fields per table, listed once per table rather than once per entry. */
const requiredKeys = new WeakMap<FieldTable, readonly [string, FieldSpec][]>();

function requiredOf(fields: FieldTable): readonly [string, FieldSpec][] {
  let list = requiredKeys.get(fields);
  if (list === undefined) {
    list = Object.entries(fields).filter(([, spec]) => spec.required === true);
    requiredKeys.set(fields, list);
  }
  return list;
}

function reportMissing(fields: FieldTable, pairs: Map<string, Pair>, pos: SourcePosition, ctx: EntryContext, prefix: string): void {
  for (const [key, spec] of requiredOf(fields)) {
    const pair = pairs.get(key);
    if (pair !== undefined && !isNullNode(pair.value)) continue;
    ctx.sink.error(pos, ctx.scope, spec.requiredMessage ?? `field \`${prefix}${key}\` is required`);
  }
}

class CheckedEntry<F extends FieldTable> implements Entry<F> {
  constructor(
    readonly values: EntryValues<F>,
    readonly pos: SourcePosition,
    private readonly pairs: ReadonlyMap<string, Pair>,
    private readonly unresolvedKeys: ReadonlySet<string>,
    private readonly src: YamlSource,
  ) {}

  at(key: keyof F & string): SourcePosition {
    const pair = this.pairs.get(key);
    if (pair === undefined) return this.pos;
    return this.src.posOf(isNullNode(pair.value) ? pair.key : pair.value);
  }

  keyAt(key: keyof F & string): SourcePosition {
    const pair = this.pairs.get(key);
    return pair === undefined ? this.pos : this.src.posOf(pair.key);
  }

  has(key: keyof F & string): boolean {
    return this.pairs.has(key);
  }

  unresolved(key: keyof F & string): boolean {
    return this.unresolvedKeys.has(key);
  }
}
