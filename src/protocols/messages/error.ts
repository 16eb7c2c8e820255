// Anthropic's error envelope `{"type":"error","error":{"type","message"}}` (DESIGN.md §4, §11),
// for the proxy's own errors on the Messages routes. The type is Anthropic's name for the status
// (400/415/422/426 invalid_request_error, 401 authentication_error, 403 permission_error, 404
// not_found_error, 413 request_too_large, 429 rate_limit_error, 500/502/504 api_error, 503
// overloaded_error); for another status an Anthropic type passes through (an upstream's 402
// billing_error), else the gateway's OpenAI-style type is translated, else the status class
// decides. Anthropic's envelope has no `param` or `code`. Upstream error bodies in this envelope
// are read by `readOpenAiError` (both envelopes keep `message` and `type` in a top-level `error`).
import type { ErrorFields } from '../types.js';

const BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  415: 'invalid_request_error',
  422: 'invalid_request_error',
  426: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  504: 'api_error',
  503: 'overloaded_error',
};

/** Anthropic's own error types (docs: API errors; the SDK's `ErrorType`). */
const ANTHROPIC_TYPES: ReadonlySet<string> = new Set([
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'timeout_error',
  'api_error',
  'overloaded_error',
]);

/** The gateway's OpenAI-style types (DESIGN.md §4), for errors rendered without a status. */
const BY_OPENAI_TYPE: Readonly<Record<string, string>> = {
  invalid_api_key: 'authentication_error',
  permission_denied: 'permission_error',
  model_not_found: 'not_found_error',
  content_filter: 'invalid_request_error',
  rate_limit_exceeded: 'rate_limit_error',
  budget_exceeded: 'rate_limit_error',
  upstream_error: 'api_error',
  timeout: 'api_error',
  internal_error: 'api_error',
  all_candidates_unavailable: 'overloaded_error',
};

export function anthropicErrorType(error: ErrorFields): string {
  const status = error.status;
  const byStatus = status === undefined ? undefined : BY_STATUS[status];
  if (byStatus !== undefined) return byStatus;
  if (status === undefined && error.code === 'body_too_large') return 'request_too_large';
  if (ANTHROPIC_TYPES.has(error.type)) return error.type;
  const translated = BY_OPENAI_TYPE[error.type];
  if (translated !== undefined) return translated;
  return status !== undefined && status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
}

export function renderAnthropicError(error: ErrorFields): string {
  return JSON.stringify({ type: 'error', error: { type: anthropicErrorType(error), message: error.message } });
}
