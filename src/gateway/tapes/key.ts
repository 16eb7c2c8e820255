// A tape's key (DESIGN.md §12): the hex SHA-256 of the RFC 8785 canonical JSON of
// `{method, route, alias, body}` — `body` as sent upstream (model rewritten, masks applied) — with
// the fields of `proxy.tape_ignore_fields` (dotted paths into objects) removed. The ignore list is
// compiled once per config.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { ProxySettings } from '../../config/types.js';

export interface KeyParts {
  method: string;
  route: string;
  alias: string;
  /** the parsed JSON body, or null */
  body: unknown;
}

type Paths = readonly (readonly string[])[];
const compiled = new WeakMap<readonly string[], Paths>();

function pathsOf(fields: readonly string[]): Paths {
  let paths = compiled.get(fields);
  if (paths === undefined) {
    paths = fields.map((f) => f.split('.'));
    compiled.set(fields, paths);
  }
  return paths;
}

/** `body` with the ignored fields deleted (it is modified in place). */
export function withoutIgnored(body: unknown, fields: readonly string[]): unknown {
  for (const path of pathsOf(fields)) remove(body, path, 0);
  return body;
}

function remove(node: unknown, path: readonly string[], at: number): void {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
  const name = path[at] as string;
  if (!Object.hasOwn(node, name)) return;
  const record = node as Record<string, unknown>;
  if (at === path.length - 1) delete record[name];
  else remove(record[name], path, at + 1);
}

/** A lone surrogate (`"\ud800"` in a JSON body): RFC 8785 has no text for it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The canonical text the key hashes (exported for tests and for curious users). */
export function canonicalKeyText(parts: KeyParts, proxy: Pick<ProxySettings, 'tapeIgnoreFields'>): string {
  const body = withoutIgnored(structuredClone(parts.body), proxy.tapeIgnoreFields);
  const value = { method: parts.method, route: parts.route, alias: parts.alias, body };
  try {
    return canonicalize(value) ?? 'null';
  } catch {
    // the canonicalizer refuses lone surrogates: key such a body with each one as U+FFFD
    const mended = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replace(LONE_SURROGATE, '\uFFFD') : v));
    return canonicalize(JSON.parse(mended) as unknown) ?? 'null';
  }
}

export function tapeKey(parts: KeyParts, proxy: Pick<ProxySettings, 'tapeIgnoreFields'>): string {
  return createHash('sha256').update(canonicalKeyText(parts, proxy)).digest('hex');
}
