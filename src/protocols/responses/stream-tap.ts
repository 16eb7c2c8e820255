// The Responses stream grammar, read on the side of a relayed stream (responses-wire.md §4): the
// response id (`response.created`), the first `*.delta`, the last sequence number, the terminal
// events (`response.completed` / `.incomplete` / `.failed`, `error`) and the terminal usage. JSON
// is parsed only for the few frames that carry those facts; large frames are scanned.
import type { Usage } from '../../events/types.js';
import type { SseFrame } from '../../sse/frame-parser.js';
import { field, parseJson as parse, str } from '../json-fields.js';
import { scanLeadingId, scanNumberAfterKey, scanUsage } from '../scan-json.js';
import type { InBandError, StreamTap } from '../types.js';
import { responsesUsage } from './usage.js';

/** The events that end a Responses stream properly (an `error` event ends it too, as a failure). */
export const TERMINAL_EVENTS: ReadonlySet<string> = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/** The `sequence_number` a frame carries, read without parsing the whole frame. */
function sequenceOf(frame: SseFrame | null): number | null {
  return frame === null ? null : scanNumberAfterKey(frame.data, '"sequence_number"');
}

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
    inBandError: null as InBandError | null,
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
      if (type === 'response.created' || TERMINAL_EVENTS.has(type) || type === 'error') {
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
    const id = scanLeadingId(frame.data, frame.data.indexOf('"response"'), true);
    if (id === undefined) return false;
    tap.responseId = id;
    return true;
  }
  /** A completed/incomplete frame read by scanning for its usage: the frame can be large. */
  function scanTerminal(type: string, frame: SseFrame): boolean {
    if (type !== 'response.completed' && type !== 'response.incomplete') return false;
    const data = frame.data.trimEnd();
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
