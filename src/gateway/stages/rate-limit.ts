// The rateLimit stage (DESIGN.md §3, §10), after guard (an input-guardrail block never gets here, so
// it uses no quota) and before dispatch: the caller's and the requested model's `rate_limit` from
// the runtime this request took, counted in the gateway's RateLimits. Over a request or token
// limit → 429 with `Retry-After` (seconds to the window's end); over concurrency → 429 without.
// Admitted: the concurrency hold lasts until the response closes, when the recorded usage (a
// stream's terminal usage) is charged to the token windows. Chat answers carry the caller's
// `x-ratelimit-*` headers.
import { GatewayError } from '../errors.js';
import type { RequestContext } from '../routes/context.js';
import type { Bucket } from '../runtime/rate-limits.js';

const MESSAGES = {
  requests: 'request limit exceeded (requests)',
  tokens: 'token limit exceeded (tokens)',
  concurrency: 'concurrency limit exceeded',
} as const;

export function rateLimit(ctx: RequestContext): void {
  const { caller, plan, client, record, row } = ctx;
  const model = plan?.resolved?.model ?? null;
  const key: Bucket | null = caller !== null && caller.rateLimit !== null ? { scope: 'key', name: caller.name, limit: caller.rateLimit } : null;
  const buckets: Bucket[] = key === null ? [] : [key];
  if (model !== null && model.rateLimit !== null) buckets.push({ scope: 'model', name: model.name, limit: model.rateLimit });
  if (buckets.length === 0) return;
  const limits = ctx.services.rateLimits;
  const verdict = limits.admit(buckets);
  if (!verdict.ok) {
    const headers: Record<string, string> = verdict.retryAfterS === null ? {} : { 'retry-after': String(verdict.retryAfterS) };
    throw new GatewayError('rate_limited', MESSAGES[verdict.kind], { headers });
  }
  const { ticket } = verdict;
  const end = (): void => {
    ticket.release();
    const usage = record.usage;
    if (row.countsUsage && usage !== null) ticket.charge(usage.total_tokens || usage.input_tokens + usage.output_tokens);
  };
  client.onEnd(end); // at once if the client left while the body was read
  if (key !== null && row.protocol?.name === 'chat') {
    for (const [name, value] of Object.entries(limits.headers(key))) client.setHeader(name, value);
  }
}
