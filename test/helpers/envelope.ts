// The one assertion for gateway error answers: status, JSON content type, the exact OpenAI
// envelope (absent `param`/`code` must be absent, not null), a request id, no secret in the body,
// and the request's single request.finished event agreeing with what was sent.
import { expect } from 'vitest';
import type { Outcome, RequestFinished } from '../../src/events/types.js';
import { onlyFinishedFor, type EventSource } from './finished.js';
import { jsonOf, type RawResponse } from './http.js';
import { CALLER_KEY, UPSTREAM_KEY } from './stack.js';

export interface ExpectedError {
  message: string | ReturnType<typeof expect.stringContaining>;
  type: string;
  param?: string;
  code?: string;
}

export async function expectErrorResponse(
  source: EventSource,
  res: RawResponse,
  status: number,
  error: ExpectedError,
  outcome: Outcome,
): Promise<RequestFinished> {
  expect(res.status, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(jsonOf(res)).toStrictEqual({ error });
  expect(res.body).not.toContain(CALLER_KEY);
  expect(res.body).not.toContain(UPSTREAM_KEY);
  const event = await onlyFinishedFor(source, res);
  expect(event).toMatchObject({ status, outcome, error_type: error.type, error_code: error.code ?? null });
  return event;
}
