// Shared test helpers for the TUI: synthetic events and a manual clock/timer for the store.
import type { RequestFinished, RequestStarted, Usage } from '../../../src/events/types.js';
import type { StoreClock } from '../../../src/reporters/tui/request-store.js';

export const T0 = Date.parse('2025-01-02T12:01:07.000Z');

export function startedEvent(id: string, overrides: Partial<RequestStarted> = {}): RequestStarted {
  return { id, time: new Date(T0).toISOString(), method: 'POST', path: '/v1/responses', ...overrides };
}

export function usage(input: number, output: number, extra: Partial<Usage> = {}): Usage {
  return { input_tokens: input, output_tokens: output, total_tokens: input + output, cached_tokens: 0, reasoning_tokens: 0, cache_creation_tokens: 0, ...extra };
}

export function finishedEvent(id: string, overrides: Partial<RequestFinished> = {}): RequestFinished {
  return {
    id,
    time: new Date(T0).toISOString(),
    method: 'POST',
    route: '/v1/responses',
    caller: 'local-dev',
    alias: 'demo',
    provider: 'mock',
    upstream_model: 'mock-echo',
    stream: false,
    status: 200,
    outcome: 'ok',
    error_type: null,
    error_code: null,
    error_message: null,
    guardrails: [],
    usage: usage(13, 9),
    cost_usd: 0.000123,
    latency_ms: 412,
    upstream_ms: 300,
    ttft_ms: null,
    upstream_request_id: `up_${id}`,
    response_id: `resp_${id}`,
    transport: 'http',
    attempts: [{ target: 'demo', status: 200, error_code: null, ms: 300 }],
    served_by: null,
    cache: null,
    tape: null,
    fault: null,
    cost_source: 'config',
    ...overrides,
  };
}

export const blockedInput = (id: string): RequestFinished =>
  finishedEvent(id, {
    status: 422,
    outcome: 'blocked_input',
    error_type: 'invalid_request_error',
    error_code: 'content_blocked',
    error_message: 'The request was blocked by a guardrail.',
    guardrails: [{ name: 'no-codenames', stage: 'input', action: 'block', rule: 'project falcon' }],
    usage: null,
    cost_usd: null,
    upstream_ms: null,
    upstream_request_id: null,
    response_id: null,
  });

export const blockedOutput = (id: string): RequestFinished =>
  finishedEvent(id, {
    status: 422,
    outcome: 'blocked_output',
    error_type: 'invalid_request_error',
    error_code: 'content_blocked',
    error_message: 'The response was blocked by a guardrail.',
    guardrails: [{ name: 'no-secrets', stage: 'output', action: 'block', rule: 'api_key' }],
  });

export const upstream5xx = (id: string): RequestFinished =>
  finishedEvent(id, {
    status: 502,
    outcome: 'upstream_error',
    error_type: 'api_error',
    error_code: 'upstream_error',
    error_message: 'The upstream returned 500.',
    usage: null,
    cost_usd: null,
  });

export const unauthorized = (id: string): RequestFinished =>
  finishedEvent(id, {
    status: 401,
    outcome: 'unauthorized',
    caller: null,
    alias: null,
    provider: null,
    upstream_model: null,
    error_type: 'invalid_request_error',
    error_code: 'invalid_api_key',
    error_message: 'Incorrect API key provided.',
    usage: null,
    cost_usd: null,
    upstream_ms: null,
    upstream_request_id: null,
    response_id: null,
  });

export const aborted = (id: string): RequestFinished =>
  finishedEvent(id, { status: 499, outcome: 'aborted', stream: true, usage: null, cost_usd: null, ttft_ms: 120 });

export const monitored = (id: string): RequestFinished =>
  finishedEvent(id, { guardrails: [{ name: 'pii-watch', stage: 'input', action: 'monitor', rule: 'email' }] });

export const streamed = (id: string): RequestFinished => finishedEvent(id, { stream: true, ttft_ms: 180 });

/** A manual clock: timers run only when the test advances time. */
export function manualClock(start = T0): StoreClock & { advance(ms: number): void; pending(): number } {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimer(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimer(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fn();
      }
      now = end;
    },
    pending: () => timers.size,
  };
}
