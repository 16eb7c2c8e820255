// Side readers for relayed SSE streams: they see each complete frame (the bytes themselves are
// forwarded untouched elsewhere) and note the response id, the first content delta, the last
// sequence number, the terminal event and its usage. JSON is parsed only for the few frames that
// carry those facts, never for every delta.
import type { SseFrame } from '../sse/frame-parser.js';
import type { Usage } from '../events/types.js';
import { field, parseJson as parse, str } from '../wire/json-fields.js';
import { scanLeadingId, scanUsage } from '../wire/scan-json.js';
import { chatUsage, responsesUsage } from '../wire/usage.js';

export interface StreamTap {
  onFrame(frame: SseFrame): void;
  /** a terminal event (or `[DONE]`) was seen: the stream ended properly */
  readonly terminal: boolean;
  readonly usage: Usage | null;
  readonly responseId: string | null;
  /** set when the stream carried an in-band error (`error` event, `response.failed`) */
  readonly inBandError: { type: string; code: string | null; message: string } | null;
  /** the next sequence number an appended frame should carry */
  nextSequence(): number;
  /** a chat chunk that carries only usage (the one the proxy may have asked for) */
  isUsageOnly(frame: SseFrame): boolean;
}

const SEQ = '"sequence_number":';

/** The `sequence_number` a frame carries, read without parsing the whole frame. */
function sequenceOf(frame: SseFrame | null): number | null {
  if (frame === null) return null;
  const at = frame.data.lastIndexOf(SEQ);
  if (at < 0) return null;
  const value = Number.parseInt(frame.data.slice(at + SEQ.length, at + SEQ.length + 12), 10);
  return Number.isNaN(value) ? null : value;
}
const RESPONSES_TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/** Tap for `/v1/responses` streams. `onFirstDelta` fires once, on the first `*.delta` frame. */
export function createResponsesTap(onFirstDelta: () => void): StreamTap {
  let lastSeq = -1;
  let deltaSeen = false;
  // the last frames seen: their sequence numbers are read only if the proxy must append a frame
  let recent: SseFrame | null = null;
  let before: SseFrame | null = null;
  const tap = {
    terminal: false,
    usage: null as Usage | null,
    responseId: null as string | null,
    inBandError: null as StreamTap['inBandError'],
    nextSequence: () => Math.max(lastSeq, sequenceOf(recent) ?? sequenceOf(before) ?? -1) + 1,
    isUsageOnly: () => false,
    onFrame(frame: SseFrame): void {
      before = recent;
      recent = frame;
      let type = frame.event;
      let json: unknown;
      if (type === null) {
        json = parse(frame.data);
        type = str(field(json, 'type'));
      }
      if (type === null) return;
      if (!deltaSeen && type.endsWith('.delta')) {
        deltaSeen = true;
        onFirstDelta();
      }
      if (json === undefined && type === 'response.created' && scanCreated(frame)) return;
      if (json === undefined && tap.responseId !== null && scanTerminal(type, frame)) return;
      if (type === 'response.created' || RESPONSES_TERMINAL.has(type) || type === 'error') {
        json ??= parse(frame.data);
        const seq = field(json, 'sequence_number');
        if (typeof seq === 'number') lastSeq = Math.max(lastSeq, seq);
        // a terminal frame whose JSON does not parse (cut short) does not end the stream properly
        if (json !== undefined) readFacts(type, json);
      }
    },
  };
  /** The id of `response.created`, read by scanning (the frame carries the whole response). */
  function scanCreated(frame: SseFrame): boolean {
    const data = frame.data;
    const at = data.indexOf('"response":');
    const id = at < 0 ? undefined : scanLeadingId(data, at + 11);
    if (id === undefined) return false;
    tap.responseId = id;
    return true;
  }
  /** A completed/incomplete frame read by scanning for its usage: the frame can be large. */
  function scanTerminal(type: string, frame: SseFrame): boolean {
    if (type !== 'response.completed' && type !== 'response.incomplete') return false;
    const data = frame.data;
    if (data.charCodeAt(data.length - 1) !== 125) return false; // cut short: let the parse decide
    const usage = scanUsage(data);
    if (usage === undefined) return false;
    tap.terminal = true;
    tap.usage = responsesUsage(usage) ?? tap.usage;
    return true;
  }
  function readFacts(type: string, json: unknown): void {
    const response = field(json, 'response');
    tap.responseId = str(field(response, 'id')) ?? tap.responseId;
    if (type === 'response.created') return;
    tap.terminal = true;
    tap.usage = responsesUsage(field(response, 'usage')) ?? tap.usage;
    // keep the first failure signal: an `error` event is more precise than the `response.failed` after it
    if ((type === 'error' || type === 'response.failed') && tap.inBandError === null) {
      // OpenAI nests the error object in `error` events; the published schema has it flat
      const error = type === 'error' ? (field(json, 'error') ?? { code: field(json, 'code'), message: field(json, 'message') }) : field(response, 'error');
      tap.inBandError = {
        type: str(field(error, 'type')) ?? 'upstream_error',
        code: str(field(error, 'code')),
        message: str(field(error, 'message')) ?? 'the upstream reported an error in the stream',
      };
    }
  }
  return tap;
}

/** Tap for chat completion streams (`data:` chunks ending with `[DONE]`). */
export function createChatTap(onFirstDelta: () => void): StreamTap {
  let deltaSeen = false;
  const tap = {
    terminal: false,
    usage: null as Usage | null,
    responseId: null as string | null,
    inBandError: null as StreamTap['inBandError'],
    nextSequence: () => 0,
    onFrame(frame: SseFrame): void {
      const data = frame.data;
      if (data === '[DONE]') {
        tap.terminal = true;
        return;
      }
      const needsParse = tap.responseId === null || !deltaSeen || data.includes('"usage":{') || frame.event === 'error';
      if (!needsParse) return;
      const json = parse(data);
      tap.responseId ??= str(field(json, 'id'));
      const usage = chatUsage(field(json, 'usage'));
      if (usage !== null) tap.usage = usage;
      if (frame.event === 'error' || field(json, 'error') !== undefined) {
        const error = field(json, 'error');
        tap.terminal = true;
        tap.inBandError = { type: str(field(error, 'type')) ?? 'upstream_error', code: str(field(error, 'code')), message: str(field(error, 'message')) ?? 'upstream error' };
      }
      if (!deltaSeen && hasContentDelta(json)) {
        deltaSeen = true;
        onFirstDelta();
      }
    },
    isUsageOnly(frame: SseFrame): boolean {
      if (!frame.data.includes('"usage":{')) return false;
      const json = parse(frame.data);
      const choices = field(json, 'choices');
      return Array.isArray(choices) && choices.length === 0 && field(json, 'usage') !== null;
    },
  };
  return tap;
}

function hasContentDelta(chunk: unknown): boolean {
  const choices = field(chunk, 'choices');
  if (!Array.isArray(choices)) return false;
  return choices.some((c) => {
    const delta = field(c, 'delta');
    const content = field(delta, 'content');
    return (typeof content === 'string' && content !== '') || Array.isArray(field(delta, 'tool_calls'));
  });
}
