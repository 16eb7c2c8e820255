// Reading parsed JSON of unknown shape without `any`: type guards and field getters that answer
// undefined for anything unexpected, so renderers of outside bodies never throw on odd input.

export type JsonRecord = Record<string, unknown>;

export function isRecord(v: unknown): v is JsonRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function rec(v: unknown): JsonRecord | undefined {
  return isRecord(v) ? v : undefined;
}

/** JSON text parsed, or undefined when it is not JSON. */
export function parseJson(text: string): { value: unknown } | undefined {
  const t = text.trimStart();
  if (t === '' || !'{["-0123456789tfn'.includes(t[0] ?? '')) return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** A JSON text pretty-printed (2 spaces), or the text unchanged when it does not parse. */
export function prettyJsonText(text: string): string {
  const parsed = parseJson(text);
  return parsed === undefined ? text : JSON.stringify(parsed.value, null, 2);
}
