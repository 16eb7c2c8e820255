// The checks every request passes before its route, buffered, streamed or a WebSocket handshake:
// the key (when the server has one: Bearer, or on the Messages wire also `x-api-key`), Anthropic's
// `anthropic-version` header on that wire, then the JSON style the request asked for
// (request-style.ts); and the `x-mock-output` override the answer will carry.
import type { IncomingHttpHeaders } from 'node:http';
import { ANTHROPIC_MISSING_KEY, ANTHROPIC_WRONG_KEY, MISSING_VERSION } from './anthropic-errors.js';
import type { Exchange, IncomingExchange, MockState, Wire } from './context.js';
import { MISSING_KEY, WRONG_KEY, type ErrorEnvelope } from './errors.js';
import type { JsonStyle } from './json-style.js';
import { headerText, MOCK_OUTPUT_HEADER } from './output-text.js';
import { chooseJsonStyle } from './request-style.js';

export interface Refusal {
  status: 400 | 401;
  envelope: ErrorEnvelope;
}

export interface Access {
  /** the server's style when the asked-for one does not exist */
  style: JsonStyle;
  outputOverride: string | undefined;
  /** set when the request must be answered with this error instead of its route */
  refusal: Refusal | undefined;
}

export interface Admission {
  /** the exchange in its JSON style and wire */
  ex: Exchange;
  refusal: Refusal | undefined;
}

function bearerMatches(apiKey: string, authorization: string): boolean {
  return authorization.length === apiKey.length + 7 && authorization.slice(0, 7).toLowerCase() === 'bearer ' && authorization.slice(7) === apiKey;
}

function authError(apiKey: string | undefined, headers: IncomingHttpHeaders, wire: Wire): ErrorEnvelope | undefined {
  if (apiKey === undefined) return undefined;
  const authorization = headers.authorization ?? '';
  const xApiKey = wire === 'anthropic' ? (headerText(headers['x-api-key']) ?? '') : '';
  if (bearerMatches(apiKey, authorization) || xApiKey === apiKey) return undefined;
  const sent = authorization.length > 0 || xApiKey.length > 0;
  if (wire === 'anthropic') return sent ? ANTHROPIC_WRONG_KEY : ANTHROPIC_MISSING_KEY;
  return sent ? WRONG_KEY : MISSING_KEY;
}

/** Key, then (Messages) `anthropic-version`, then the JSON style; `json` is the parsed body, if any. */
export function checkAccess(state: MockState, headers: IncomingHttpHeaders, json: unknown, wire: Wire): Access {
  const choice = chooseJsonStyle(headers, json, state.jsonStyle);
  const access: Access = { style: choice.style, outputOverride: headerText(headers[MOCK_OUTPUT_HEADER]), refusal: undefined };
  const denied = authError(state.apiKey, headers, wire);
  if (denied !== undefined) access.refusal = { status: 401, envelope: denied };
  else if (wire === 'anthropic' && headers['anthropic-version'] === undefined) access.refusal = { status: 400, envelope: MISSING_VERSION };
  else if (choice.problem !== undefined) access.refusal = { status: 400, envelope: choice.problem };
  return access;
}

export function admit(state: MockState, incoming: IncomingExchange, headers: IncomingHttpHeaders, wire: Wire = 'openai'): Admission {
  const access = checkAccess(state, headers, incoming.json, wire);
  const ex: Exchange = { ...incoming, style: access.style, wire, outputOverride: access.outputOverride };
  return { ex, refusal: access.refusal };
}
