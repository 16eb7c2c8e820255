// Turns what a server said went wrong into an `ApiError`: the HTTP envelope
// `{"error":{message,type,param,code}}` (DESIGN.md §4), a non-JSON error body, an in-stream
// `error` event in its nested or flat form, or a failed response's `error` (responses-wire.md §4).
import { field, str } from '../protocols/json-fields.js';
import type { ApiError } from './types.js';

function fromObject(source: ApiError['source'], obj: unknown, fallback: string): ApiError {
  return {
    source,
    message: str(field(obj, 'message')) ?? fallback,
    type: str(field(obj, 'type')),
    code: str(field(obj, 'code')),
    param: str(field(obj, 'param')),
  };
}

/** An HTTP error reply: the envelope when there is one, else the first KB of the body. */
export function httpError(status: number, json: unknown, rawBody: string | null): ApiError {
  const envelope = field(json, 'error');
  if (typeof envelope === 'object' && envelope !== null) return fromObject('http', envelope, `HTTP ${status}`);
  const text = (rawBody ?? (json === undefined || json === null ? '' : JSON.stringify(json))).trim();
  return { source: 'http', message: text.slice(0, 1024) || `HTTP ${status}`, type: null, code: null, param: null };
}

/** An `event: error` frame: `{type:"error", error:{…}}` (nested) or `{type:"error", code, message}` (flat). */
export function streamError(json: unknown): ApiError {
  const nested = field(json, 'error');
  const error = fromObject('stream', typeof nested === 'object' && nested !== null ? nested : json, 'error in the stream');
  return error.type === 'error' ? { ...error, type: null } : error;
}

/** The `error` of a `failed` Response (`{code, message}`, no type). */
export function responseError(response: unknown): ApiError {
  return fromObject('response', field(response, 'error'), `the response ${str(field(response, 'status')) ?? 'failed'}`);
}
