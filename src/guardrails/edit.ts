// Rewrites strings inside a JSON value by path. `withEdits` makes a structural copy that copies
// only the objects and arrays on the edited paths (everything else is shared, the original is
// never touched); `editInPlace` is for values the caller already owns (parsed SSE frames).
import type { Path, PathKey } from './types.js';

export interface Edit {
  path: Path;
  value: unknown;
}

type Container = Record<PathKey, unknown>;

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

function shallowCopy(value: Container): Container {
  return (Array.isArray(value) ? [...value] : { ...value }) as Container;
}

/** Sets each edit's path in `root` (mutating it); paths through non-containers are skipped. */
export function editInPlace(root: unknown, edits: readonly Edit[]): void {
  for (const { path, value } of edits) {
    let node: unknown = root;
    for (let i = 0; i < path.length - 1 && isContainer(node); i++) node = node[path[i] as PathKey];
    const last = path[path.length - 1];
    if (isContainer(node) && last !== undefined) node[last] = value;
  }
}

/** A copy of `root` with the edits applied; only containers on edited paths are copied. */
export function withEdits<T>(root: T, edits: readonly Edit[]): T {
  if (!isContainer(root) || edits.length === 0) return root;
  const copies = new Set<Container>();
  const own = (c: Container): Container => {
    if (copies.has(c)) return c;
    const copy = shallowCopy(c);
    copies.add(copy);
    return copy;
  };
  const top = own(root);
  for (const { path, value } of edits) {
    let node = top;
    let ok = true;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i] as PathKey;
      const child = node[key];
      if (!isContainer(child)) {
        ok = false;
        break;
      }
      node = node[key] = own(child);
    }
    const last = path[path.length - 1];
    if (ok && last !== undefined) node[last] = value;
  }
  return top as T;
}
