// The one place the mock turns values into JSON text, in one of three styles, so the proxy's
// id/usage/stream readers are tested against more than one way of writing the same data:
// - `compact` (default): JSON.stringify, no spaces, keys in insertion order (`id` first);
// - `spaced`: Python's `json.dumps` default separators, `", "` between items and `": "` after
//   keys, at every depth (strings are escaped as JSON.stringify does; non-ASCII stays raw);
// - `usage-first`: compact, but every object with a `usage` key lists it first (before `id`).
// Plain data follows JSON.stringify's rules in every style (toJSON, undefined members left out).

export type JsonStyle = 'compact' | 'spaced' | 'usage-first';

export const JSON_STYLES: readonly JsonStyle[] = ['compact', 'spaced', 'usage-first'];

/** A style name, case-insensitive; undefined when it is none of JSON_STYLES. */
export function parseJsonStyle(name: string): JsonStyle | undefined {
  const lower = name.toLowerCase();
  return JSON_STYLES.find((style) => style === lower);
}

interface Layout {
  /** between array items and object members */
  item: string;
  /** between a key and its value */
  key: string;
  usageFirst: boolean;
}

const LAYOUTS: Record<Exclude<JsonStyle, 'compact'>, Layout> = {
  spaced: { item: ', ', key: ': ', usageFirst: false },
  'usage-first': { item: ',', key: ':', usageFirst: true },
};

/** `value` as JSON text in `style`. */
export function toJson(value: unknown, style: JsonStyle): string {
  if (style === 'compact') return JSON.stringify(value);
  return write(value, '', LAYOUTS[style]) ?? 'null';
}

/**
 * The text of `value` cut just before its last member's value (`{"type":"x","sequence_number":`
 * in compact style): a frame that is deliberately not JSON, written in the same style as the rest.
 */
export function unfinishedJson(value: Record<string, string | number>, style: JsonStyle): string {
  const keys = Object.keys(value);
  const last = keys[keys.length - 1];
  const text = toJson(value, style);
  if (last === undefined) return text.slice(0, -1);
  return text.slice(0, text.length - toJson(value[last], style).length - 1);
}

function hasToJson(value: object): value is { toJSON(key: string): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** One value; undefined for what JSON.stringify leaves out (undefined, functions, symbols). */
function write(raw: unknown, key: string, layout: Layout): string | undefined {
  const value = typeof raw === 'object' && raw !== null && hasToJson(raw) ? raw.toJSON(key) : raw;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return writeArray(value, layout);
  return writeObject(value as Record<string, unknown>, layout);
}

function writeArray(items: readonly unknown[], layout: Layout): string {
  let text = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) text += layout.item;
    text += write(items[i], String(i), layout) ?? 'null';
  }
  return text + ']';
}

function memberOrder(obj: Record<string, unknown>, layout: Layout): string[] {
  const keys = Object.keys(obj);
  if (!layout.usageFirst) return keys;
  const at = keys.indexOf('usage');
  if (at <= 0) return keys;
  return ['usage', ...keys.slice(0, at), ...keys.slice(at + 1)];
}

function writeObject(obj: Record<string, unknown>, layout: Layout): string {
  let text = '{';
  let first = true;
  for (const key of memberOrder(obj, layout)) {
    const member = write(obj[key], key, layout);
    if (member === undefined) continue;
    if (!first) text += layout.item;
    text += JSON.stringify(key) + layout.key + member;
    first = false;
  }
  return text + '}';
}
