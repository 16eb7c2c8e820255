// The captured exchange of one request (DESIGN.md §13, `proxy.capture_bodies`): what the client
// sent and what it got back, secrets redacted, for the inspector (TUI detail view, export as curl).
// Data only, shared by the gateway (which fills a bounded store) and the UI (which reads it by
// request id); neither imports the other. Field names are snake_case like the events'.

/** A body as captured: text (UTF-8, or base64 when it is not text), cut at `proxy.capture_max_bytes`. */
export interface CapturedBody {
  /** the body's text, or its base64 when `encoding` is `base64` */
  text: string;
  encoding: 'utf8' | 'base64';
  /** the whole body's size in bytes (before any cut) */
  bytes: number;
  /** true when `text` holds only the first `capture_max_bytes` bytes */
  truncated: boolean;
}

/** One tool call of an answer, as the protocol spells it (Responses function_call, chat tool_calls, Messages tool_use). */
export interface CapturedToolCall {
  id: string | null;
  name: string;
  /** the arguments as sent (a JSON text; Messages' `input` object serialised) */
  arguments: string;
}

/** An answer put together from its frames (streams) or read from its JSON: what a reader wants to see. */
export interface AssembledAnswer {
  /** the output text, deltas joined in order */
  text: string;
  /** reasoning summaries / thinking text, joined */
  reasoning: string;
  tool_calls: CapturedToolCall[];
}

export interface CapturedExchange {
  id: string;
  /** ISO time the request arrived */
  time: string;
  request: {
    method: string;
    /** the path and query as the client sent them */
    url: string;
    /** header names lower-case; credentials (Authorization, x-api-key, cookies, …) replaced by `[REDACTED]` */
    headers: Record<string, string>;
    body: CapturedBody | null;
  };
  response: {
    status: number;
    headers: Record<string, string>;
    /** the bytes the client got (an SSE stream as its frames; a WebSocket turn as its event frames, one JSON per line) */
    body: CapturedBody | null;
    /** the answer assembled from `body` by the route's protocol; null where there is none (errors, non-model routes) */
    assembled: AssembledAnswer | null;
  };
  /** milliseconds; null where the request never reached that point */
  timings: {
    /** arrival → the first upstream call started (body read, auth, guardrails, queueing) */
    queue_ms: number | null;
    /** the upstream call → its response headers */
    upstream_headers_ms: number | null;
    /** arrival → the first content delta sent (streams) */
    first_token_ms: number | null;
    /** arrival → last byte sent */
    total_ms: number;
  };
}

/** The read side the UI gets: a bounded store of the latest exchanges. */
export interface CaptureSource {
  get(id: string): CapturedExchange | undefined;
}
