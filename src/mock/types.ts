// Public shapes of the fake upstream (`aisix mock`): its start options, the handle a test gets
// back, and one entry of its in-memory request log.
import type { JsonStyle } from './json-style.js';

export interface MockOptions {
  /** listen host, default 127.0.0.1 */
  host?: string;
  /** listen port, default 0 (a free one) */
  port?: number;
  /** when set, every request must carry `Authorization: Bearer <apiKey>` (Messages: or `x-api-key`) */
  apiKey?: string;
  /**
   * how JSON bodies and SSE `data:` lines are written, default `compact`; a request's
   * `x-mock-json-style` header (or `metadata.mock_json_style`) overrides it
   */
  jsonStyle?: JsonStyle;
}

export interface RecordedRequest {
  /** the HTTP method, or `WS` for a frame a Responses WebSocket client sent */
  method: string;
  /** the request target, query string included (a WebSocket frame: its handshake's) */
  path: string;
  /**
   * lower-case names; repeated headers joined with ", " (Node keeps only the first of some, e.g.
   * `authorization`); a WebSocket frame carries its handshake's
   */
  headers: Record<string, string>;
  /** every header line exactly as received: `[name, value]` in order, original case, repeats kept */
  rawHeaders: [string, string][];
  /** the body as text (a WebSocket frame: its text); `/mock-passthrough/*` keeps only the first 64 KiB (`bodyTruncated`) */
  body: string;
  /** the parsed body, or undefined when it is empty, not JSON or truncated */
  json: unknown | undefined;
  /** `/mock-passthrough/*` only: the body's length in bytes, counted as it streams in */
  bodyBytes?: number;
  /** `/mock-passthrough/*` only: true when `body` holds only the first 64 KiB */
  bodyTruncated?: boolean;
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
  /** client sockets with a request still being answered (idle pooled sockets are not counted) */
  busyConnections(): number;
  /** Responses WebSocket connections open right now */
  openWebSockets(): number;
  /** stops listening and destroys every open socket */
  close(): Promise<void>;
}
