// The passthrough routes of one runtime (DESIGN.md §10): enabled `passthrough_routes` by
// `path_prefix`, matched on path-segment boundaries (`/raw` takes `/raw` and `/raw/…`, never
// `/rawer`), the longest prefix first; and each caller's compiled `allowed_routes` globs.
import type { ApiKey, PassthroughRoute } from '../../config/types.js';
import { anyGlob, compileGlob, type Glob } from './glob.js';

export interface PassthroughMatch {
  readonly route: PassthroughRoute;
  /** the path below the prefix: '' or `/…` */
  readonly rest: string;
}

export interface PassthroughIndex {
  match(path: string): PassthroughMatch | null;
  /** whether the caller's `allowed_routes` admits the route (empty admits none) */
  allows(caller: ApiKey | null, route: PassthroughRoute): boolean;
}

export function indexPassthrough(routes: readonly PassthroughRoute[], keys: readonly ApiKey[]): PassthroughIndex {
  const enabled = routes.filter((r) => r.enabled).sort((a, b) => b.pathPrefix.length - a.pathPrefix.length);
  const allowed = new Map<ApiKey, readonly Glob[]>(keys.map((k) => [k, k.allowedRoutes.map(compileGlob)]));
  return {
    match(path) {
      for (const route of enabled) {
        const prefix = route.pathPrefix;
        if (path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47 /* / */)) {
          return { route, rest: path.slice(prefix.length) };
        }
      }
      return null;
    },
    allows: (caller, route) => caller !== null && anyGlob(allowed.get(caller) ?? [], route.name),
  };
}
