// The two objects every handler receives: the server-wide state (response and conversation stores,
// log, key, counters, default JSON style) and one exchange (the parsed request, its JSON style and wire, the response
// to write).
import type { ServerResponse } from 'node:http';
import type { JsonStyle } from './json-style.js';
import type { ConversationStore } from './conversation-store.js';
import type { RequestLog } from './request-log.js';
import type { ResponseStore } from './store.js';

export interface MockState {
  readonly store: ResponseStore;
  readonly conversations: ConversationStore;
  readonly log: RequestLog;
  readonly apiKey: string | undefined;
  /** the style of every JSON answer unless a request picks another (request-style.ts) */
  readonly jsonStyle: JsonStyle;
  /** calls seen per behaviour name (`mock-burst-500` counts its own) */
  readonly calls: Map<string, number>;
  openConnections(): number;
  connectionsSeen(): number;
  /** Responses WebSocket connections open right now */
  openWebSockets(): number;
}

/** Whose API a route imitates: its error envelope, auth header and reply headers. */
export type Wire = 'openai' | 'anthropic';

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
  readonly wire: Wire;
  /** the `x-mock-output` header: replaces the output text of a model answer */
  readonly outputOverride: string | undefined;
}

/** An exchange as the server reads it, before access.ts picks its JSON style and reads its headers. */
export type IncomingExchange = Omit<Exchange, 'style' | 'wire' | 'outputOverride'>;
