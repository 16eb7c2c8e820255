// Human descriptions of what a field accepts, completing "field `x` must be …" in messages.
import type { FieldSpec, IntegerSpec } from './field-spec.js';

export function describeSpec(spec: FieldSpec): string {
  switch (spec.type) {
    case 'string':
      return spec.minLength ? 'a non-empty string' : 'a string';
    case 'integer':
      return describeInteger(spec);
    case 'number':
      if (spec.maximum !== undefined) return `a number from ${spec.minimum ?? '-∞'} to ${spec.maximum}`;
      return spec.minimum === 0 ? 'a non-negative number' : 'a number';
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${spec.values.map((v) => `\`${v}\``).join(', ')}`;
    case 'list':
      return `a list of ${pluralKind(spec.items)}${spec.orValue === undefined ? '' : ` or the string ${JSON.stringify(spec.orValue)}`}`;
    case 'object':
      return 'a mapping';
    case 'ignored':
      return 'anything';
  }
}

function describeInteger(spec: IntegerSpec): string {
  let text: string;
  if (spec.maximum !== undefined) text = `an integer from ${spec.minimum} to ${spec.maximum}`;
  else if (spec.minimum === 0) text = 'a non-negative integer';
  else if (spec.minimum === 1) text = 'a positive integer';
  else if (spec.minimum < -1_000_000) text = 'an integer';
  else text = `an integer of at least ${spec.minimum}`;
  return spec.unit ? `${text} (${spec.unit})` : text;
}

function pluralKind(spec: FieldSpec): string {
  switch (spec.type) {
    case 'string':
    case 'enum':
      return 'strings';
    case 'integer':
      return 'integers';
    case 'number':
      return 'numbers';
    case 'boolean':
      return 'booleans';
    case 'object':
      return 'mappings';
    default:
      return 'values';
  }
}
