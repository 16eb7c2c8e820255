// The vocabulary the config file is described in: one declarative table per section (spec/*.ts).
// The same tables drive the checker (read-fields.ts), the human type descriptions in messages
// (describe-spec.ts) and the JSON Schema for editors (json-schema.ts), so they cannot drift apart.
import type { SourcePosition } from './types.js';

interface BaseSpec {
  /** shown in the JSON Schema (editor hover) */
  readonly description: string;
  readonly required?: boolean;
  /** replaces the generic "field `x` is required" message */
  readonly requiredMessage?: string;
}

export interface StringSpec extends BaseSpec {
  readonly type: 'string';
  readonly default?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** checked after interpolation; `hint` completes "must …" in the message */
  readonly pattern?: { readonly source: string; readonly hint: string };
  readonly format?: 'date-time' | 'http-url';
  /** the value is a credential: never printed, never suggested */
  readonly secret?: boolean;
}

export interface IntegerSpec extends BaseSpec {
  readonly type: 'integer';
  readonly default?: number;
  readonly minimum: number;
  readonly maximum?: number;
  readonly unit?: 'milliseconds' | 'bytes';
}

export interface NumberSpec extends BaseSpec {
  readonly type: 'number';
  readonly default?: number;
  readonly minimum?: number;
  readonly maximum?: number;
}

export interface BooleanSpec extends BaseSpec {
  readonly type: 'boolean';
  readonly default?: boolean;
}

export interface EnumSpec<V extends string = string> extends BaseSpec {
  readonly type: 'enum';
  readonly values: readonly V[];
  readonly default?: V;
}

export interface ListSpec<I extends FieldSpec = FieldSpec> extends BaseSpec {
  readonly type: 'list';
  readonly items: I;
  readonly minItems?: number;
  /** the value when absent (shown in the JSON Schema; the section applies it) */
  readonly default?: readonly (string | number)[];
  /** a string accepted instead of a list (`allowed_origins: "*"`), read as a one-entry list */
  readonly orValue?: string;
}

export interface ObjectSpec<F extends FieldTable = FieldTable> extends BaseSpec {
  readonly type: 'object';
  readonly fields: F;
}

/** An AISIX field the local proxy accepts without acting on it: one aggregated warning, no checks. */
export interface IgnoredSpec extends BaseSpec {
  readonly type: 'ignored';
  /** for the JSON Schema only */
  readonly shape: 'object' | 'array' | 'integer' | 'string' | 'boolean' | 'any';
  /** completes "field `x` is ignored by the local proxy (…)", e.g. "AISIX rate-limits with it" */
  readonly effect: string;
}

export type FieldSpec = StringSpec | IntegerSpec | NumberSpec | BooleanSpec | EnumSpec | ListSpec | ObjectSpec | IgnoredSpec;
export type FieldTable = { readonly [key: string]: FieldSpec };

/** A checked value with the place it came from. */
export interface Located<T> {
  readonly value: T;
  readonly pos: SourcePosition;
  /** true when the value used an environment variable that is unset (validate mode) */
  readonly unresolved?: boolean;
}

/** The checked JavaScript value a spec produces. */
export type ValueOf<S> = S extends StringSpec
  ? string
  : S extends IntegerSpec | NumberSpec
    ? number
    : S extends BooleanSpec
      ? boolean
      : S extends EnumSpec<infer V>
        ? V
        : S extends ListSpec<infer I>
          ? readonly Located<ValueOf<I>>[]
          : S extends ObjectSpec<infer F>
            ? Entry<F>
            : never;

export type EntryValues<F extends FieldTable> = { readonly [K in keyof F]?: ValueOf<F[K]> };

/** A checked mapping: the valid values, plus positions for later (semantic) checks. */
export interface Entry<F extends FieldTable> {
  readonly values: EntryValues<F>;
  /** the mapping's first key (where "missing field" problems point) */
  readonly pos: SourcePosition;
  /** where a field's value is, or the entry's position when the field is absent */
  at(key: keyof F & string): SourcePosition;
  /** where a field's key is, or the entry's position when the field is absent */
  keyAt(key: keyof F & string): SourcePosition;
  /** true when the key is written (even with an invalid or null value) */
  has(key: keyof F & string): boolean;
  /** true when the value used an environment variable that is unset (validate mode) */
  unresolved(key: keyof F & string): boolean;
}
