// A `status` fault as an answer (DESIGN.md §12): the status with an OpenAI-style error envelope —
// `429` as OpenAI's rate limit (`requests` / `rate_limit_exceeded`), 5xx as `server_error`, other
// 4xx as `invalid_request_error` — and `Retry-After` when the rule gives `retry_after_s`. At the
// client it is the answer itself (in the route's envelope: Anthropic's on Messages); at the
// upstream it is the reply the attempt got, so retries, failover and error mapping apply.
import type { Fault } from '../../config/types.js';
import { renderOpenAiError, type Protocol } from '../../protocols/index.js';
import { GatewayError } from '../errors.js';
import type { UpstreamReply } from '../stages/upstream-reply.js';
import { replyFromBytes } from '../stages/upstream-reply.js';

type StatusFault = Extract<Fault, { kind: 'status' }>;

interface Envelope {
  status: number;
  message: string;
  type: string;
  code: string | undefined;
  headers: Record<string, string>;
}

function envelopeOf(fault: StatusFault, source: string): Envelope {
  const { status } = fault;
  const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return {
    status,
    message: `aisix fault: injected status ${status} (${source})`,
    type,
    code: status === 429 ? 'rate_limit_exceeded' : undefined,
    headers: fault.retryAfterS === null ? {} : { 'retry-after': String(fault.retryAfterS) },
  };
}

/** The client's answer to a `status` fault at the client. */
export function statusError(fault: StatusFault, source: string): GatewayError {
  const e = envelopeOf(fault, source);
  return new GatewayError('injected_fault', e.message, { status: e.status, type: e.type, errorCode: e.code, headers: e.headers });
}

/** The upstream reply of an attempt a `status` fault at the upstream answered. */
export function statusReply(fault: StatusFault, source: string, protocol: Protocol | null): UpstreamReply {
  const e = envelopeOf(fault, source);
  const fields = { message: e.message, type: e.type, code: e.code, status: e.status };
  const body = protocol === null ? renderOpenAiError(fields) : protocol.renderError(fields);
  return replyFromBytes(e.status, { 'content-type': 'application/json', ...e.headers }, Buffer.from(body));
}
