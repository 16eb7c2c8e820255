// OpenAI's HTTP error envelope `{"error":{"message","type","param","code"}}` (all four keys, null
// when empty), and the envelopes the mock itself answers with.

export function envelope(message: string, type: string, param: string | null = null, code: string | null = null): string {
  return JSON.stringify({ error: { message, type, param, code } });
}

export function responseNotFound(id: string): string {
  return envelope(`Response with id '${id}' not found.`, 'invalid_request_error');
}

export function invalidUrl(method: string, path: string): string {
  return envelope(`Invalid URL (${method} ${path})`, 'invalid_request_error');
}

export const BAD_JSON = envelope(
  'We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)',
  'invalid_request_error',
);

export const MISSING_MODEL = envelope("Missing required parameter: 'model'.", 'invalid_request_error', 'model', 'missing_required_parameter');

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
