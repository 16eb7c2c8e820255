// The checks every request passes before its route, buffered or streamed: the bearer key (when
// the server has one), then the JSON style the request asked for (request-style.ts).
import type { IncomingHttpHeaders } from 'node:http';
import type { Exchange, IncomingExchange, MockState } from './context.js';
import { MISSING_KEY, WRONG_KEY, type ErrorEnvelope } from './errors.js';
import { chooseJsonStyle } from './request-style.js';

export interface Refusal {
  status: 400 | 401;
  envelope: ErrorEnvelope;
}

export interface Admission {
  /** the exchange in its JSON style (the server's when the asked-for one does not exist) */
  ex: Exchange;
  /** set when the request must be answered with this error instead of its route */
  refusal: Refusal | undefined;
}

function authError(apiKey: string | undefined, authorization: string | undefined): ErrorEnvelope | undefined {
  if (apiKey === undefined) return undefined;
  if (authorization === undefined || authorization.length === 0) return MISSING_KEY;
  const ok = authorization.length === apiKey.length + 7 && authorization.slice(0, 7).toLowerCase() === 'bearer ' && authorization.slice(7) === apiKey;
  return ok ? undefined : WRONG_KEY;
}

export function admit(state: MockState, incoming: IncomingExchange, headers: IncomingHttpHeaders): Admission {
  const choice = chooseJsonStyle(headers, incoming.json, state.jsonStyle);
  const ex: Exchange = { ...incoming, style: choice.style };
  const denied = authError(state.apiKey, headers.authorization);
  if (denied !== undefined) return { ex, refusal: { status: 401, envelope: denied } };
  if (choice.problem !== undefined) return { ex, refusal: { status: 400, envelope: choice.problem } };
  return { ex, refusal: undefined };
}
