// The Messages stream grammar, read on the side of a relayed stream: `message_start` (the message
// id `msg_…` and the first usage counts), `content_block_delta` (the first one is the first content
// delta), `message_delta` (the cumulative usage: output tokens, and input/cache counts when it
// carries them — a later number replaces an earlier one), `message_stop` (the terminal event), and
// `event: error` frames (`{"type":"error","error":{type,message}}`): an in-band error, after which
// Anthropic sends nothing more and its SDK stops reading, so it ends the stream too. `ping` and the
// block start/stop frames carry nothing the tap needs. Frames have no sequence numbers. Only the
// few frames that carry those facts are parsed (deltas are recognised by their `event:` line).
import type { Usage } from '../../events/types.js';
import type { SseFrame } from '../../sse/frame-parser.js';
import { field, parseJson, record, str } from '../json-fields.js';
import type { InBandError, StreamTap } from '../types.js';
import { messagesUsage, USAGE_FIELDS } from './usage.js';

export const TERMINAL_EVENT = 'message_stop';

export function createMessagesTap(onFirstDelta: () => void): StreamTap {
  let deltaSeen = false;
  // the usage counts seen so far (message_start's, then message_delta's over them)
  const counts: Record<string, number> = {};
  const tap = {
    terminal: false,
    usage: null as Usage | null,
    responseId: null as string | null,
    inBandError: null as InBandError | null,
    nextSequence: () => 0,
    isUsageOnly: () => false,
    onFrame(frame: SseFrame): void {
      let type = frame.event;
      let json: unknown;
      if (type === null) {
        // a `data:`-only frame: its JSON `type` names the event
        json = parseJson(frame.data);
        type = str(field(json, 'type'));
        if (type === null) return;
      }
      switch (type) {
        case 'content_block_delta':
          if (!deltaSeen) {
            deltaSeen = true;
            onFirstDelta();
          }
          return;
        case 'message_start':
          json ??= parseJson(frame.data);
          tap.responseId = str(field(field(json, 'message'), 'id')) ?? tap.responseId;
          return mergeUsage(field(field(json, 'message'), 'usage'));
        case 'message_delta':
          json ??= parseJson(frame.data);
          return mergeUsage(field(json, 'usage'));
        case TERMINAL_EVENT:
          json ??= parseJson(frame.data);
          // a frame whose JSON does not parse (cut short) does not end the stream properly
          if (json !== undefined) tap.terminal = true;
          return;
        case 'error':
          json ??= parseJson(frame.data);
          return readError(field(json, 'error'));
        default:
          return;
      }
    },
  };
  function mergeUsage(usage: unknown): void {
    const fields = record(usage);
    if (fields === null) return;
    for (const name of USAGE_FIELDS) {
      const value = fields[name];
      if (typeof value === 'number' && Number.isFinite(value)) counts[name] = value;
    }
    tap.usage = messagesUsage(counts);
  }
  function readError(error: unknown): void {
    tap.terminal = true;
    // keep the first failure: nothing should follow it, but if something does it is not more precise
    tap.inBandError ??= {
      type: str(field(error, 'type')) ?? 'api_error',
      code: null,
      message: str(field(error, 'message')) ?? 'the upstream reported an error in the stream',
    };
  }
  return tap;
}
