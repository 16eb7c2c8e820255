// The allowRoute stage of passthrough routes (DESIGN.md §10): the caller's `allowed_routes` must
// admit the route by name (single-`*` globs; an empty list admits none), else 403
// `permission_denied` and the upstream is never contacted.
import { GatewayError } from '../errors.js';
import type { RequestContext } from '../routes/context.js';

export function allowRoute(ctx: RequestContext): void {
  const route = ctx.row.passthrough;
  if (route === null) throw new GatewayError('internal', `route ${ctx.row.name} is not a passthrough route`);
  if (!ctx.runtime.passthrough.allows(ctx.caller, route)) {
    throw new GatewayError('forbidden', `API key is not allowed to use route "${route.name}"`);
  }
}
