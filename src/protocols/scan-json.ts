// Reads the facts the relay needs from an upstream JSON text — the top-level `id`, the `usage`
// object, a number after a key — without parsing the whole (possibly large) body. Any JSON spacing
// is accepted (`"usage": {` as Python writes it, as well as `"usage":{`). It relies on JSON escaping:
// a raw `"usage":` can only be a key, never text inside a string. When the text does not have the
// expected shape the scan answers `undefined` and the caller parses the whole body instead.

const USAGE_KEY = '"usage"';

function skipSpace(text: string, i: number): number {
  let c = text.charCodeAt(i);
  while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
  return i;
}

/** The last `"usage":{…}` object in the text, `null` for `"usage":null`, undefined when unsure. */
export function scanUsage(text: string): unknown {
  const at = text.lastIndexOf(USAGE_KEY);
  if (at < 0) return undefined;
  let i = skipSpace(text, at + USAGE_KEY.length);
  if (text.charCodeAt(i) !== 58) return undefined; // `"usage"` as a value, not a key
  i = skipSpace(text, i + 1);
  if (text.startsWith('null', i)) return null;
  if (text.charCodeAt(i) !== 123) return undefined; // not an object: let a full parse decide
  const end = objectEnd(text, i);
  if (end < 0) return undefined;
  try {
    return JSON.parse(text.slice(i, end + 1)) as unknown;
  } catch {
    return undefined;
  }
}

/** Index of the value after the key that starts at `keyAt` (`"key"  :  value`), or -1. */
function valueAfterKey(text: string, keyAt: number, keyLength: number): number {
  if (keyAt < 0) return -1;
  const i = skipSpace(text, keyAt + keyLength);
  return text.charCodeAt(i) === 58 ? skipSpace(text, i + 1) : -1;
}

/** True when `key` (quoted) appears followed by `:` and an object (a cheap pre-parse test). */
export function hasObjectKey(text: string, key: string): boolean {
  let at = text.indexOf(key);
  while (at >= 0) {
    const v = valueAfterKey(text, at, key.length);
    if (v >= 0 && text.charCodeAt(v) === 123) return true;
    at = text.indexOf(key, at + key.length);
  }
  return false;
}

/** The integer after the last occurrence of `key` (quoted), or null. */
export function scanNumberAfterKey(text: string, key: string): number | null {
  const v = valueAfterKey(text, text.lastIndexOf(key), key.length);
  if (v < 0) return null;
  const value = Number.parseInt(text.slice(v, v + 16), 10);
  return Number.isNaN(value) ? null : value;
}

/**
 * The `id` of the object that opens at `from` when it starts with it (OpenAI's serialisation), else
 * undefined; with `fromKey`, `from` points at a key whose value is that object. The id is returned
 * as a fresh string, not a slice: V8 keeps a slice's whole parent alive, and the affinity table
 * holds thousands of ids.
 */
export function scanLeadingId(text: string, from = 0, fromKey = false): string | undefined {
  if (fromKey) {
    const q = text.indexOf('"', from + 1);
    from = q < 0 ? -1 : valueAfterKey(text, from, q + 1 - from);
    if (from < 0) return undefined;
  }
  let i = skipSpace(text, from);
  if (text.charCodeAt(i) !== 123) return undefined;
  i = skipSpace(text, i + 1);
  if (!text.startsWith('"id"', i)) return undefined;
  i = skipSpace(text, i + 4);
  if (text.charCodeAt(i) !== 58) return undefined;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) !== 34) return undefined;
  const end = text.indexOf('"', i + 1);
  if (end < 0 || end === i + 1 || text.lastIndexOf('\\', end) > i) return undefined;
  return JSON.parse(text.slice(i, end + 1)) as string;
}

/** Index of the `}` closing the object that opens at `start`, or -1. */
function objectEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return i;
  }
  return -1;
}

/**
 * The `type` of the JSON object in the text when its first key is `type` with a plain string value
 * (`{"type":"response.output_text.delta",…`, as OpenAI serialises events), else null.
 */
export function scanLeadingType(text: string): string | null {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 123) return null;
  i = skipSpace(text, i + 1);
  if (!text.startsWith('"type"', i)) return null;
  i = skipSpace(text, i + 6);
  if (text.charCodeAt(i) !== 58) return null;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) !== 34) return null;
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 34) return text.slice(i + 1, j);
    if (c === 92 || c < 32) return null; // an escape (or a raw control character): let a parse read it
  }
  return null;
}
