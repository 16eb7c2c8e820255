// Tiny helpers for walking untrusted JSON: type guards and slot collectors that add a string
// (or the `text` of each part in an array of content parts) to a slot list with its path.
import type { Path, TextSlot } from './types.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Adds `value` at `path` when it is a non-empty string. */
export function addString(out: TextSlot[], value: unknown, path: Path): void {
  if (typeof value === 'string' && value.length > 0) out.push({ path, text: value });
}

/** A string, or an array of parts whose string fields named in `keys` are collected. */
export function addContent(out: TextSlot[], value: unknown, path: Path, keys: readonly string[] = ['text']): void {
  if (typeof value === 'string') return addString(out, value, path);
  if (!Array.isArray(value)) return;
  value.forEach((part: unknown, i) => {
    if (!isObject(part)) return;
    for (const key of keys) addString(out, part[key], [...path, i, key]);
  });
}

/** The value at `path`, or undefined when the path leaves the JSON. */
export function getAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}
