// Finds the row for a method and path: exact paths first (so `/v1/responses/input_tokens` is
// not taken for an id), then `{id}` patterns, whose id must look like one (`resp_…`-style:
// letters, digits, `_` and `-`, at most 200). Built once from the table; no regex per request.
import type { RouteRow } from './context.js';
import { ROUTES } from './table.js';

export interface RouteMatch {
  row: RouteRow;
  id: string | null;
}

const ID = /^[A-Za-z0-9_-]{1,200}$/;

interface Pattern {
  prefix: string;
  suffix: string;
  row: RouteRow;
}

const exact = new Map<string, RouteRow>();
const patterns: Pattern[] = [];
for (const row of ROUTES) {
  const at = row.path.indexOf('{id}');
  if (at < 0) exact.set(`${row.method} ${row.path}`, row);
  else patterns.push({ prefix: row.path.slice(0, at), suffix: row.path.slice(at + 4), row });
}

export function matchRoute(method: string, path: string): RouteMatch | null {
  const row = exact.get(`${method} ${path}`);
  if (row !== undefined) return { row, id: null };
  for (const p of patterns) {
    if (p.row.method !== method || !path.startsWith(p.prefix) || !path.endsWith(p.suffix)) continue;
    const id = path.slice(p.prefix.length, path.length - p.suffix.length);
    if (ID.test(id) && !exact.has(`POST ${path}`)) return { row: p.row, id };
  }
  return null;
}

/** The route name of a path no row matched, for the event (ids folded as the table does). */
export function unmatchedRouteName(path: string): string {
  for (const p of patterns) {
    if (path.startsWith(p.prefix) && path.endsWith(p.suffix) && path.length > p.prefix.length + p.suffix.length) {
      const id = path.slice(p.prefix.length, path.length - p.suffix.length);
      if (ID.test(id)) return p.row.name;
    }
  }
  return path;
}
