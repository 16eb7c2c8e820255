// The two objects every handler receives: the server-wide state (store, log, key, counters,
// default JSON style) and one exchange (the parsed request, its JSON style, the response to write).
import type { ServerResponse } from 'node:http';
import type { JsonStyle } from './json-style.js';
import type { RequestLog } from './request-log.js';
import type { ResponseStore } from './store.js';

export interface MockState {
  readonly store: ResponseStore;
  readonly log: RequestLog;
  readonly apiKey: string | undefined;
  /** the style of every JSON answer unless a request picks another (request-style.ts) */
  readonly jsonStyle: JsonStyle;
  /** calls seen per behaviour name (`mock-burst-500` counts its own) */
  readonly calls: Map<string, number>;
  openConnections(): number;
  connectionsSeen(): number;
}

export interface Exchange {
  readonly res: ServerResponse;
  readonly method: string;
  /** path without the query string */
  readonly pathname: string;
  /** the query string without `?`, '' when absent */
  readonly query: string;
  readonly body: string;
  /** parsed body, undefined when empty or not JSON */
  readonly json: unknown;
  /** Date.now() when the request arrived */
  readonly arrival: number;
  /** how every JSON body and SSE `data:` line of the answer is written */
  readonly style: JsonStyle;
}

/** An exchange as the server reads it, before dispatch picks its JSON style. */
export type IncomingExchange = Omit<Exchange, 'style'>;
