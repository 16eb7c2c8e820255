// Usage as the request.finished event carries it, from a usage object the client received or
// straight from the mock (asked directly, without the proxy) for the same body.
import type { ResponseUsage } from 'openai/resources/responses/responses';
import type { Usage } from '../../src/events/types.js';
import { jsonOf, rawRequest } from './http.js';

/** The event's usage shape for a Responses usage object. */
export function eventUsage(u: ResponseUsage): Usage {
  return {
    input_tokens: u.input_tokens,
    output_tokens: u.output_tokens,
    total_tokens: u.total_tokens,
    cached_tokens: u.input_tokens_details.cached_tokens,
    reasoning_tokens: u.output_tokens_details.reasoning_tokens,
    cache_creation_tokens: 0,
  };
}

/** What the mock reports as usage for `body` (sent as non-streaming JSON, straight to the mock). */
export async function directUsage(mockUrl: string, body: Record<string, unknown>): Promise<Usage> {
  const res = await rawRequest(mockUrl, {
    path: '/v1/responses',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: false }),
  });
  if (res.status !== 200) throw new Error(`mock answered ${res.status}: ${res.body}`);
  return eventUsage((jsonOf(res) as { usage: ResponseUsage }).usage);
}
