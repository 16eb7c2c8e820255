// Anthropic's error envelope `{"type":"error","error":{"type","message"},"request_id"}` with its type
// name per status, and the errors only the Messages routes answer (key, version, fields). The mock's
// errors are OpenAI envelopes everywhere; on the Messages wire reply.ts re-writes them into this one.
import { envelope, type ErrorEnvelope } from './errors.js';

export interface AnthropicErrorEnvelope {
  type: 'error';
  error: { type: string; message: string };
  request_id: string;
}

/** Anthropic's documented HTTP errors; other 4xx are `invalid_request_error`, other 5xx `api_error`. */
const TYPE_BY_STATUS = new Map<number, string>([
  [400, 'invalid_request_error'],
  [401, 'authentication_error'],
  [402, 'billing_error'],
  [403, 'permission_error'],
  [404, 'not_found_error'],
  [413, 'request_too_large'],
  [429, 'rate_limit_error'],
  [500, 'api_error'],
  [529, 'overloaded_error'],
]);

export function anthropicErrorType(status: number): string {
  return TYPE_BY_STATUS.get(status) ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** `error` (an OpenAI envelope) on Anthropic's wire: its message, the type named by `status`. */
export function anthropicEnvelope(status: number, error: ErrorEnvelope, requestId: string): AnthropicErrorEnvelope {
  return { type: 'error', error: { type: anthropicErrorType(status), message: error.error.message }, request_id: requestId };
}

const OPENAI_RATELIMIT = 'x-ratelimit-';

/**
 * An error's extra headers for Anthropic's wire: OpenAI's `x-ratelimit-<what>-<unit>` become
 * `anthropic-ratelimit-<unit>-<what>`; the rest (`retry-after`) are kept.
 */
export function anthropicHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  for (const name in headers) {
    const value = headers[name] ?? '';
    if (!name.startsWith(OPENAI_RATELIMIT)) {
      out[name] = value;
      continue;
    }
    const rest = name.slice(OPENAI_RATELIMIT.length);
    const dash = rest.indexOf('-');
    out[dash < 0 ? name : `anthropic-ratelimit-${rest.slice(dash + 1)}-${rest.slice(0, dash)}`] = value;
  }
  return out;
}

export const ANTHROPIC_MISSING_KEY = envelope('x-api-key header is required', 'authentication_error');

/** The key itself is never echoed back. */
export const ANTHROPIC_WRONG_KEY = envelope('invalid x-api-key', 'authentication_error');

export const MISSING_VERSION = envelope('anthropic-version: header is required', 'invalid_request_error');

export const ANTHROPIC_BAD_JSON = envelope('There was an error parsing the body of your request: it is not valid JSON.', 'invalid_request_error');

/** A required body field that is absent or of the wrong type, e.g. `model: Field required`. */
export function fieldRequired(field: string): ErrorEnvelope {
  return envelope(`${field}: Field required`, 'invalid_request_error');
}
