// Public shapes of the fake OpenAI upstream (`aisix mock`): its start options, the handle a test
// gets back, and one entry of its in-memory request log.
import type { JsonStyle } from './json-style.js';

export interface MockOptions {
  /** listen host, default 127.0.0.1 */
  host?: string;
  /** listen port, default 0 (a free one) */
  port?: number;
  /** when set, every request must carry `Authorization: Bearer <apiKey>` */
  apiKey?: string;
  /**
   * how JSON bodies and SSE `data:` lines are written, default `compact`; a request's
   * `x-mock-json-style` header (or `metadata.mock_json_style`) overrides it
   */
  jsonStyle?: JsonStyle;
}

export interface RecordedRequest {
  method: string;
  /** the request target, query string included */
  path: string;
  /** lower-case names; repeated headers joined with ", " */
  headers: Record<string, string>;
  body: string;
  /** the parsed body, or undefined when it is empty or not JSON */
  json: unknown | undefined;
  /** arrival time, epoch milliseconds */
  time: number;
}

export interface MockServer {
  /** `http://host:port`, no trailing slash */
  url: string;
  port: number;
  /** the request log, oldest first (the last 10,000 requests; `/_mock/*` calls are not logged) */
  requests(): readonly RecordedRequest[];
  clearRequests(): void;
  /** client sockets open right now */
  openConnections(): number;
  /** client sockets accepted since start */
  connectionsSeen(): number;
  /** stops listening and destroys every open socket */
  close(): Promise<void>;
}
