// Short labels derived from events, shared by every reporter (line, TUI, test-request) so the same
// fact reads the same everywhere — e.g. `BLOCKED input no-codenames`, `FAULT cut`, `replayed`.
import type { GuardrailHit, RequestFinished } from './types.js';

/** The guardrail hit that blocked the request, if any. */
export function blockingHit(event: Pick<RequestFinished, 'guardrails' | 'outcome'>): GuardrailHit | null {
  if (event.outcome !== 'blocked_input' && event.outcome !== 'blocked_output') return null;
  return event.guardrails.find((hit) => hit.action === 'block') ?? null;
}

/** `BLOCKED input <name>` / `BLOCKED output <name>`; a hold-back over its cap has no name. */
export function blockedLabel(event: Pick<RequestFinished, 'guardrails' | 'outcome'>): string | null {
  if (event.outcome !== 'blocked_input' && event.outcome !== 'blocked_output') return null;
  const stage = event.outcome === 'blocked_input' ? 'input' : 'output';
  const hit = blockingHit(event);
  return hit === null ? `BLOCKED ${stage} (over hold-back cap)` : `BLOCKED ${stage} ${hit.name}`;
}

/** Names of guardrails that only observed (monitor mode) or masked. */
export function softHits(event: Pick<RequestFinished, 'guardrails'>, action: 'monitor' | 'mask'): string[] {
  return [...new Set(event.guardrails.filter((h) => h.action === action).map((h) => h.name))];
}

/** `3 tries` when retries or failover made more than one upstream attempt, else null. */
export function triesLabel(event: Pick<RequestFinished, 'attempts'>): string | null {
  return event.attempts.length > 1 ? `${event.attempts.length} tries` : null;
}

/** `via <target>` when a routing model's target served the answer, else null. */
export function servedByLabel(event: Pick<RequestFinished, 'served_by'>): string | null {
  return event.served_by === null ? null : `via ${event.served_by}`;
}

/** `cached` when the answer came from a cache policy, else null. */
export function cacheLabel(event: Pick<RequestFinished, 'cache'>): string | null {
  return event.cache === 'hit' ? 'cached' : null;
}

/** `RATE LIMITED` for a request a rate limit refused, else null. */
export function rateLimitedLabel(event: Pick<RequestFinished, 'outcome'>): string | null {
  return event.outcome === 'rate_limited' ? 'RATE LIMITED' : null;
}

/** `FAULT <kind>` when an injected fault acted on the request (DESIGN.md §12), else null. */
export function faultLabel(event: Pick<RequestFinished, 'fault'>): string | null {
  return event.fault === null ? null : `FAULT ${event.fault}`;
}

/** `replayed` / `recorded` when the answer came from, or went on, a tape; else null. */
export function tapeLabel(event: Pick<RequestFinished, 'tape'>): string | null {
  return event.tape;
}

/** The marks after a request's numbers, in order: an injected fault, tries, the serving target, a cache hit, a tape. */
export function routeMarks(event: Pick<RequestFinished, 'attempts' | 'served_by' | 'cache' | 'fault' | 'tape'>): string[] {
  return [faultLabel(event), triesLabel(event), servedByLabel(event), cacheLabel(event), tapeLabel(event)].filter((m): m is string => m !== null);
}
