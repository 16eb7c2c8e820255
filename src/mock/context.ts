// The two objects every handler receives: the server-wide state (store, log, key, counters) and
// one exchange (the parsed request plus the response to write).
import type { ServerResponse } from 'node:http';
import type { RequestLog } from './request-log.js';
import type { ResponseStore } from './store.js';

export interface MockState {
  readonly store: ResponseStore;
  readonly log: RequestLog;
  readonly apiKey: string | undefined;
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
}
