// Finds the row for a method and path: exact paths first (so `/v1/responses/input_tokens` is
// not taken for an id), then patterns with `{id}` (and `{item}`) segments, each of which must look
// like an id (`resp_…`-style: letters, digits, `_` and `-`, at most 200). Built once from the
// table; a pattern match compares path segments, no regex is built per request.
import type { RouteRow } from './context.js';
import { ROUTES } from './table.js';

export interface RouteMatch {
  row: RouteRow;
  id: string | null;
  /** the `{item}` segment (a conversation item), when the row has one */
  item?: string | null;
}

const ID = /^[A-Za-z0-9_-]{1,200}$/;

interface Pattern {
  segments: readonly string[];
  row: RouteRow;
}

const exact = new Map<string, RouteRow>();
const patterns: Pattern[] = [];
for (const row of ROUTES) {
  if (!row.path.includes('{')) exact.set(`${row.method} ${row.path}`, row);
  else patterns.push({ segments: row.path.split('/'), row });
}

/** The `{id}` and `{item}` of `parts` under a pattern's segments, or null when it does not fit. */
function fit(segments: readonly string[], parts: readonly string[]): { id: string | null; item: string | null } | null {
  if (segments.length !== parts.length) return null;
  let id: string | null = null;
  let item: string | null = null;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const part = parts[i] as string;
    if (segment === '{id}' || segment === '{item}') {
      if (!ID.test(part)) return null;
      if (segment === '{id}') id = part;
      else item = part;
    } else if (segment !== part) {
      return null;
    }
  }
  return { id, item };
}

export function matchRoute(method: string, path: string): RouteMatch | null {
  const row = exact.get(`${method} ${path}`);
  if (row !== undefined) return { row, id: null };
  let parts: string[] | null = null;
  for (const p of patterns) {
    if (p.row.method !== method) continue;
    parts ??= path.split('/');
    const found = fit(p.segments, parts);
    if (found !== null && !exact.has(`POST ${path}`)) return { row: p.row, ...found };
  }
  return null;
}

/** The route name of a path no row matched, for the event (ids folded as the table does). */
export function unmatchedRouteName(path: string): string {
  const parts = path.split('/');
  for (const p of patterns) {
    if (fit(p.segments, parts) !== null) return p.row.name;
  }
  return path;
}

/** The envelope of an unknown path below a known route (`/v1/messages/batches`: Anthropic's), else null. */
export function unmatchedProtocol(path: string): RouteRow['protocol'] {
  let best: RouteRow | null = null;
  for (const row of ROUTES) {
    if (row.protocol === null || row.path.includes('{') || !path.startsWith(`${row.path}/`)) continue;
    if (best === null || row.path.length > best.path.length) best = row;
  }
  return best?.protocol ?? null;
}
