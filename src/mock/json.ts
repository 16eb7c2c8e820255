// Small narrowing helpers for request bodies, which arrive as `unknown` JSON.

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `obj[key]` when it is a string, else undefined. */
export function stringAt(obj: JsonObject, key: string): string | undefined {
  const value = obj[key];
  return typeof value === 'string' ? value : undefined;
}

/** `obj[key]` when it is present (null counts), else `fallback`: how request fields are echoed. */
export function echo(obj: JsonObject, key: string, fallback: unknown): unknown {
  const value = obj[key];
  return value === undefined ? fallback : value;
}

/** Parses a body; undefined when it is empty or not JSON. */
export function parseJson(text: string): unknown | undefined {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
