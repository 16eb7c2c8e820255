// OpenAI's HTTP error envelope `{"error":{"message","type","param","code"}}` (all four keys, null
// when empty), and the envelopes the mock itself answers with. They are values: the reply writes
// them in the request's JSON style (json-style.ts).
import { JSON_STYLES } from './json-style.js';

export interface ErrorEnvelope {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function envelope(message: string, type: string, param: string | null = null, code: string | null = null): ErrorEnvelope {
  return { error: { message, type, param, code } };
}

export function responseNotFound(id: string): ErrorEnvelope {
  return envelope(`Response with id '${id}' not found.`, 'invalid_request_error');
}

export function conversationNotFound(id: string): ErrorEnvelope {
  return envelope(`Conversation with id '${id}' not found.`, 'invalid_request_error');
}

export function conversationItemNotFound(id: string): ErrorEnvelope {
  return envelope(`Item with id '${id}' not found.`, 'invalid_request_error');
}

/** A `previous_response_id` the mock does not know (WebSocket frames, `/v1/responses/compact`). */
export function previousNotFound(id: string): ErrorEnvelope {
  return envelope(`Previous response with id '${id}' not found.`, 'invalid_request_error', 'previous_response_id', 'previous_response_not_found');
}

export function invalidUrl(method: string, path: string): ErrorEnvelope {
  return envelope(`Invalid URL (${method} ${path})`, 'invalid_request_error');
}

/** A JSON-style choice (`x-mock-json-style` header or `metadata.mock_json_style`) that is not one of JSON_STYLES. */
export function invalidJsonStyle(where: string, param: string | null, value: unknown): ErrorEnvelope {
  const got = typeof value === 'string' ? `'${value}'` : `a ${value === null ? 'null' : typeof value}`;
  const allowed = JSON_STYLES.map((style) => `'${style}'`).join(', ');
  return envelope(
    `Invalid value for ${where}: ${got}. Supported values are: ${allowed} (case-insensitive).`,
    'invalid_request_error',
    param,
    'invalid_value',
  );
}

export const BAD_JSON = envelope(
  'We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)',
  'invalid_request_error',
);

/** A required body field that is absent, e.g. `missingParameter('input')`. */
export function missingParameter(param: string): ErrorEnvelope {
  return envelope(`Missing required parameter: '${param}'.`, 'invalid_request_error', param, 'missing_required_parameter');
}

/** A body field that is present but unusable; `why` ends the message (`'input' must be …`). */
export function invalidParameter(param: string, why: string): ErrorEnvelope {
  return envelope(`Invalid value for '${param}': ${why}`, 'invalid_request_error', param, 'invalid_value');
}

export const MISSING_MODEL = missingParameter('model');

export const MISSING_KEY = envelope(
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
  'invalid_request_error',
  null,
  'invalid_api_key',
);

/** The key itself is never echoed back. */
export const WRONG_KEY = envelope('Incorrect API key provided.', 'invalid_request_error', null, 'invalid_api_key');

export const SERVER_ERROR = envelope(
  'The server had an error while processing your request. Sorry about that!',
  'server_error',
);
