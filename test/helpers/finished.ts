// Finds the request.finished event of one request by its x-aisix-request-id, so tests in a shared
// stack never depend on event counts or order.
import type { RequestFinished } from '../../src/events/types.js';
import type { RawResponse } from './http.js';

export interface EventSource {
  events: readonly RequestFinished[];
}

/** Resolves with the one request.finished event for `id`; rejects after `timeoutMs`. */
export async function finishedFor(source: EventSource, id: string, timeoutMs = 5_000): Promise<RequestFinished> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = source.events.find((e) => e.id === id);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no request.finished event for request ${id}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every request.finished event for `id` seen so far (a request must have exactly one). */
export function finishedEventsFor(source: EventSource, id: string): RequestFinished[] {
  return source.events.filter((e) => e.id === id);
}

/** The request id the gateway stamped on a raw response (fails the test if it is missing). */
export function requestIdOf(res: RawResponse): string {
  const id = res.headers['x-aisix-request-id'];
  if (typeof id !== 'string' || id === '') throw new Error(`response ${res.status} has no x-aisix-request-id`);
  return id;
}

/** The event of a raw response, after checking it is the only one for that request. */
export async function onlyFinishedFor(source: EventSource, res: RawResponse): Promise<RequestFinished> {
  const id = requestIdOf(res);
  const event = await finishedFor(source, id);
  await new Promise((r) => setTimeout(r, 20));
  const all = finishedEventsFor(source, id);
  if (all.length !== 1) throw new Error(`request ${id} produced ${all.length} request.finished events`);
  return event;
}
