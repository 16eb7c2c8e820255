// What a wire protocol module provides (DESIGN.md §8): every field name of its format lives in
// its module — the model and stream fields, the texts guardrails scan (request, response, stream
// frames), the stream grammar (terminal events, ids, usage, in-band errors, the frames the proxy
// appends when an upstream stream breaks) and the error envelope. The gateway, the guardrails and
// the client ask a Protocol; none of them knows a field name. Protocols import nothing of theirs.
import type { AssembledAnswer } from '../events/capture.js';
import type { Usage } from '../events/types.js';
import type { SseFrame } from '../sse/frame-parser.js';

export type PathKey = string | number;
export type Path = readonly PathKey[];

/** A string found inside a JSON value, and where it sits. */
export interface TextSlot {
  readonly path: Path;
  readonly text: string;
}

export interface DeltaSlot extends TextSlot {
  /** deltas with the same key are one text, in arrival order */
  readonly key: string;
}

/** What one parsed stream frame contributes to the scanned text: whole copies and deltas. */
export interface FrameTexts {
  slots: TextSlot[];
  deltas: DeltaSlot[];
}

export type FrameExtractor = (json: unknown) => FrameTexts;

export interface InBandError {
  type: string;
  code: string | null;
  message: string;
}

/** A side reader of a relayed stream: sees each complete frame, never changes the bytes. */
export interface StreamTap {
  onFrame(frame: SseFrame): void;
  /** a terminal event (or `[DONE]`) was seen: the stream ended properly */
  readonly terminal: boolean;
  readonly usage: Usage | null;
  readonly responseId: string | null;
  /** set when the stream carried an in-band error */
  readonly inBandError: InBandError | null;
  /** the next sequence number an appended frame should carry */
  nextSequence(): number;
  /** a frame the proxy asked for that the client did not (chat's usage-only chunk) */
  isUsageOnly(frame: SseFrame): boolean;
}

/** An error as the gateway renders it, before a protocol puts it in its envelope. */
export interface ErrorFields {
  message: string;
  type: string;
  param?: string | undefined;
  code?: string | undefined;
  /** the HTTP status the error is sent with (envelopes that name types by status read it) */
  status?: number | undefined;
}

/** Ids a request body names that the proxy binds to callers (DESIGN.md §3). */
export interface ReferencedIds {
  responses: string[];
  conversations: string[];
}

/** The JSON type of a value, as its first byte tells it. */
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

/**
 * A request body's top-level fields as protocols read and write them, without the whole body being
 * parsed (gateway/body/request-body.ts): a field is parsed when it is read, and a write is spliced
 * into the caller's bytes. Field names stay in the protocol modules.
 */
export interface BodyFields {
  /** the field's value (parsed on first read); undefined when the body has no such field */
  get(key: string): unknown;
  /** the field's JSON type, read without parsing it; undefined when absent */
  kind(key: string): JsonKind | undefined;
  /** an array or object field with no elements (false for anything else) */
  isEmpty(key: string): boolean;
  /** replaces the field's value, or adds the field */
  set(key: string, value: unknown): void;
}

/** What `assemble` reads: a JSON answer, or a stream's events (SSE `data:` or WebSocket frames) parsed, in order. */
export type AnswerSource = { readonly json: unknown } | { readonly frames: readonly unknown[] };

export interface Protocol {
  readonly name: 'responses' | 'chat' | 'embeddings' | 'moderations' | 'messages';
  /** the requested model (`model` field), as sent: the caller's type, unchecked */
  model(body: BodyFields): unknown;
  /** rewrites the model field to the upstream model id */
  setModel(body: BodyFields, upstreamModel: string): void;
  /** streaming is decided by the body, never by `Accept` */
  isStream(body: BodyFields): boolean;
  /** the 400 message for a body this protocol refuses before any upstream call, else null */
  invalidRequest(body: BodyFields): string | null;
  /** every client-supplied text of a request body, parsed whole (input guardrails, previews) */
  requestSlots(body: Record<string, unknown>): TextSlot[];
  /** every output text of a non-streaming answer */
  outputSlots(json: unknown): TextSlot[];
  /** the texts one stream frame carries */
  frameTexts: FrameExtractor;
  /** the answer's usage object, normalised; null when there is none (never estimated) */
  readUsage(usage: unknown): Usage | null;
  /** a tap for one relayed stream; `onFirstDelta` fires once, on the first content delta */
  createTap(onFirstDelta: () => void): StreamTap;
  /** streams: asks the upstream for usage when the client did not; true when it did so */
  requestStreamUsage(body: BodyFields): boolean;
  /**
   * the frames appended when an upstream stream breaks before its terminal event: an error frame,
   * and a terminal failure frame where the grammar has one (the id is the tap's, when it saw one)
   */
  interruptedFrames(message: string, sequence: number, responseId: string | null): string;
  /**
   * window mode (DESIGN.md §3): the frames that end a stream the output guardrails blocked after
   * part of it was sent — a `content_filter` error frame, and a terminal failure frame where the
   * grammar has one (`sequence`: the next number after the last frame the client got)
   */
  blockedFrames(message: string, sequence: number, responseId: string | null): string;
  /**
   * window mode: the delta keys (of `frameTexts`) whose text a stream frame says is complete; an
   * entry ending in `|` names every key it starts. Absent: keys complete with the stream.
   */
  textEnds?(json: unknown): string[];
  /** response and conversation ids named by a request body */
  referencedIds(body: BodyFields): ReferencedIds;
  /** the error body in this protocol's envelope */
  renderError(error: ErrorFields): string;
  /** the upstream's request-id header (passed back to the client, recorded as upstream_request_id) */
  readonly requestIdHeader: 'x-request-id' | 'request-id';
  /** the answer put together for a reader (text, reasoning, tool calls); null when it is not one of this format's answers */
  assemble(answer: AnswerSource): AssembledAnswer | null;
}
