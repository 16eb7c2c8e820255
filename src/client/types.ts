// The data a Responses API call hands back: options in, status/headers/body or events, the error
// (HTTP envelope, in-stream `error` event or failed response), usage and timings out.
// Data only: no printing. `sendResponsesRequest` (responses.ts) is the one producer.
import type { Dispatcher } from 'undici';
import type { Usage } from '../events/types.js';

export type { Usage } from '../events/types.js';

/** One SSE frame of a Responses stream: its event name and its `data:` parsed as JSON. */
export interface StreamEvent {
  /** the `event:` line, else the data's `type`, else null */
  type: string | null;
  /** the raw `data:` text */
  data: string;
  /** the parsed data, or undefined when it is not JSON */
  json: unknown;
}

export interface ResponsesRequest {
  /** base URL of an OpenAI-compatible server, e.g. `http://127.0.0.1:3000` (no `/v1`) */
  url: string;
  /** sent as `Authorization: Bearer <key>`; omitted when null or empty */
  apiKey?: string | null;
  model: string;
  input: string;
  stream: boolean;
  /** deadline for the whole call, headers and body (0 or undefined: none) */
  timeoutMs?: number;
  /** every `response.output_text.delta`, as it arrives (streams only) */
  onDelta?: (text: string) => void;
  /** every frame, as it arrives (streams only) */
  onEvent?: (event: StreamEvent) => void;
  /** an undici dispatcher (default: undici's global one) */
  dispatcher?: Dispatcher;
}

/** An error as the server described it: the HTTP envelope, an in-stream event or a failed response. */
export interface ApiError {
  /** where it came from */
  source: 'http' | 'stream' | 'response';
  message: string;
  type: string | null;
  code: string | null;
  param: string | null;
}

export interface Timings {
  /** request sent → response headers */
  headersMs: number;
  /** request sent → first `response.output_text.delta` (streams), else null */
  ttftMs: number | null;
  /** request sent → body fully read */
  totalMs: number;
}

export interface ResponsesResult {
  status: number;
  /** lower-case names; repeated headers joined with `, ` */
  headers: Record<string, string>;
  /** the proxy's `x-aisix-request-id`, else the upstream's `x-request-id`, else null */
  requestId: string | null;
  stream: boolean;
  /** the parsed JSON body (non-stream, and every HTTP error with a JSON body), else null */
  json: unknown;
  /** the body text when it is not JSON (e.g. a `text/plain` error), else null */
  rawBody: string | null;
  /** every frame received (streams), in order */
  events: StreamEvent[];
  /** the Response object: the JSON body, or the terminal event's `response` */
  response: Record<string, unknown> | null;
  /** the output text: the deltas (streams) or the message text of the JSON body */
  text: string;
  /** the terminal event seen (streams), e.g. `response.completed`; null when the stream broke off */
  terminal: string | null;
  usage: Usage | null;
  /** the upstream model the response names */
  model: string | null;
  error: ApiError | null;
  timings: Timings;
}
