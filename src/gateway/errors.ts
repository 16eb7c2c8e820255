// Every error the gateway answers with, as a stable code with its status, type and outcome
// (DESIGN.md §4). No other module decides a status or an error type; the route's protocol puts
// the error in its envelope (relay/error.ts renders it).
import type { Outcome } from '../events/types.js';
import { renderOpenAiError, type Protocol } from '../protocols/index.js';

export type GatewayErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'key_expired'
  | 'key_disabled'
  | 'forbidden'
  | 'model_not_found'
  | 'unknown_route'
  | 'host_not_allowed'
  | 'origin_not_allowed'
  | 'unsupported_media_type'
  | 'websocket_disabled'
  | 'too_many_websockets'
  | 'unknown_response'
  | 'body_too_large'
  | 'provider_rejected'
  | 'blocked_input'
  | 'blocked_output'
  | 'upstream_status'
  | 'upstream_connection'
  | 'upstream_timeout'
  | 'upstream_redirect'
  | 'all_candidates_unavailable'
  | 'rate_limited'
  | 'budget_exceeded'
  | 'invalid_upstream_body'
  | 'replay_miss'
  | 'injected_fault'
  | 'internal';

interface ErrorShape {
  status: number;
  type: string;
  code?: string;
  outcome: Outcome;
}

const SHAPES: Record<GatewayErrorCode, ErrorShape> = {
  bad_request: { status: 400, type: 'invalid_request_error', outcome: 'bad_request' },
  unauthorized: { status: 401, type: 'invalid_api_key', outcome: 'unauthorized' },
  key_expired: { status: 401, type: 'invalid_api_key', code: 'api_key_expired', outcome: 'unauthorized' },
  key_disabled: { status: 401, type: 'invalid_api_key', code: 'api_key_disabled', outcome: 'unauthorized' },
  forbidden: { status: 403, type: 'permission_denied', outcome: 'forbidden' },
  model_not_found: { status: 404, type: 'model_not_found', outcome: 'not_found' },
  unknown_route: { status: 404, type: 'invalid_request_error', code: 'unknown_route', outcome: 'not_found' },
  unknown_response: { status: 404, type: 'invalid_request_error', outcome: 'not_found' },
  host_not_allowed: { status: 403, type: 'permission_denied', code: 'host_not_allowed', outcome: 'forbidden' },
  origin_not_allowed: { status: 403, type: 'permission_denied', code: 'origin_not_allowed', outcome: 'forbidden' },
  unsupported_media_type: { status: 415, type: 'invalid_request_error', code: 'unsupported_media_type', outcome: 'bad_request' },
  websocket_disabled: { status: 426, type: 'invalid_request_error', code: 'websocket_disabled', outcome: 'bad_request' },
  too_many_websockets: { status: 503, type: 'service_unavailable', code: 'too_many_websockets', outcome: 'unavailable' },
  body_too_large: { status: 413, type: 'invalid_request_error', code: 'body_too_large', outcome: 'too_large' },
  provider_rejected: { status: 400, type: 'invalid_request_error', outcome: 'provider_rejected' },
  blocked_input: { status: 422, type: 'content_filter', outcome: 'blocked_input' },
  blocked_output: { status: 422, type: 'content_filter', outcome: 'blocked_output' },
  upstream_status: { status: 502, type: 'upstream_error', outcome: 'upstream_error' },
  upstream_connection: { status: 502, type: 'upstream_error', code: 'connection_failed', outcome: 'upstream_error' },
  upstream_timeout: { status: 504, type: 'timeout', outcome: 'timeout' },
  all_candidates_unavailable: { status: 503, type: 'all_candidates_unavailable', outcome: 'unavailable' },
  rate_limited: { status: 429, type: 'rate_limit_exceeded', outcome: 'rate_limited' },
  budget_exceeded: { status: 429, type: 'budget_exceeded', outcome: 'rate_limited' },
  upstream_redirect: { status: 502, type: 'upstream_error', code: 'upstream_redirect', outcome: 'upstream_error' },
  invalid_upstream_body: { status: 502, type: 'upstream_error', code: 'invalid_upstream_body', outcome: 'upstream_error' },
  replay_miss: { status: 404, type: 'invalid_request_error', code: 'replay_miss', outcome: 'replay_miss' },
  // a `status` fault at the client: status, type and code come with it (faults/status.ts)
  injected_fault: { status: 503, type: 'server_error', outcome: 'upstream_error' },
  internal: { status: 500, type: 'internal_error', outcome: 'internal_error' },
};

export interface ErrorOverrides {
  status?: number;
  type?: string;
  errorCode?: string;
  param?: string;
  headers?: Record<string, string>;
  rawBody?: string;
}

/** A failure the gateway answers itself; `overrides` carry upstream-provided status/type/code. */
export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly status: number;
  readonly type: string;
  readonly errorCode: string | undefined;
  readonly param: string | undefined;
  readonly outcome: Outcome;
  readonly headers: Readonly<Record<string, string>>;
  /** an upstream envelope relayed as received instead of rendering a new one */
  readonly rawBody: string | undefined;

  constructor(code: GatewayErrorCode, message: string, overrides: ErrorOverrides = {}) {
    super(message);
    const shape = SHAPES[code];
    this.name = 'GatewayError';
    this.code = code;
    this.status = overrides.status ?? shape.status;
    this.type = overrides.type ?? shape.type;
    this.errorCode = overrides.errorCode ?? shape.code;
    this.param = overrides.param;
    this.outcome = shape.outcome;
    this.headers = overrides.headers ?? {};
    this.rawBody = overrides.rawBody;
  }

  /** The body to send: the relayed upstream envelope, or one rendered in the route's envelope. */
  body(protocol: Protocol | null = null): string {
    if (this.rawBody !== undefined) return this.rawBody;
    const fields = { message: this.message, type: this.type, param: this.param, code: this.errorCode, status: this.status };
    return protocol === null ? renderOpenAiError(fields) : protocol.renderError(fields);
  }
}
