// Text carried by one Messages stream event: `content_block_delta` deltas (`text_delta`,
// `input_json_delta`'s `partial_json`, `thinking_delta`), keyed by block index and delta kind so the
// pieces of one block are joined before scanning; whole copies in `content_block_start`'s block (a
// text block's initial text, a tool_use's input), `message_start`'s `message.content`, and the
// quoted text of a `citations_delta`. A tool input's deltas are JSON source text, scanned as such.
// `content_block_stop` says the block's deltas, whatever their kind, are complete (window mode).
import { addString, isObject } from '../json-walk.js';
import type { DeltaSlot, FrameTexts, TextSlot } from '../types.js';
import { addMessageOutput, addOutputBlock } from './texts.js';

/** Delta kind → the field holding its text. */
const DELTA_FIELDS: Readonly<Record<string, string>> = {
  text_delta: 'text',
  input_json_delta: 'partial_json',
  thinking_delta: 'thinking',
};

export function messagesFrameTexts(json: unknown): FrameTexts {
  const slots: TextSlot[] = [];
  const deltas: DeltaSlot[] = [];
  if (!isObject(json)) return { slots, deltas };
  switch (json.type) {
    case 'content_block_delta': {
      const delta = json.delta;
      if (!isObject(delta) || typeof delta.type !== 'string') break;
      const field = DELTA_FIELDS[delta.type];
      if (field !== undefined) {
        const text = delta[field];
        // the key names the delta kind, so a block's text and its tool JSON never mix
        if (typeof text === 'string') deltas.push({ key: `${String(json.index)}|${field}`, path: ['delta', field], text });
      } else if (delta.type === 'citations_delta' && isObject(delta.citation)) {
        addString(slots, delta.citation.cited_text, ['delta', 'citation', 'cited_text']);
      }
      break;
    }
    case 'content_block_start':
      addOutputBlock(slots, json.content_block, ['content_block']);
      break;
    case 'message_start':
      addMessageOutput(slots, json.message, ['message']);
      break;
    default:
      break;
  }
  return { slots, deltas };
}

/** `content_block_stop`: every delta key of that block is complete. */
export function messagesTextEnds(json: unknown): string[] {
  return isObject(json) && json.type === 'content_block_stop' ? [`${String(json.index)}|`] : [];
}
