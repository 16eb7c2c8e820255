// An Anthropic Messages answer put together for a reader (DESIGN.md §13): from a `message`, its
// `text` blocks, its `thinking` blocks (the reasoning) and its `tool_use` / `server_tool_use`
// blocks (`input` serialised as the arguments); from a stream, each block opened by
// `content_block_start` and filled by `content_block_delta` — `text_delta`, `thinking_delta`,
// `input_json_delta` pieces joined per block index (a tool block with no pieces keeps its start's
// `input`).
import { AnswerBuilder, text } from '../answer-builder.js';
import { isObject, type JsonObject } from '../json-walk.js';
import type { AnswerSource } from '../types.js';
import type { AssembledAnswer } from '../../events/capture.js';

const TOOL_BLOCKS = new Set(['tool_use', 'server_tool_use']);

function addBlock(b: AnswerBuilder, block: unknown, index: string): void {
  if (!isObject(block)) return;
  if (block.type === 'text') b.addText(block.text);
  else if (block.type === 'thinking') b.addReasoning(index, block.thinking);
  else if (typeof block.type === 'string' && TOOL_BLOCKS.has(block.type)) {
    const call = b.call(index);
    call.id = text(block.id);
    call.name = text(block.name) ?? '';
    call.arguments = block.input === undefined ? '' : JSON.stringify(block.input);
  }
}

function fromMessage(json: unknown): AssembledAnswer | null {
  const b = new AnswerBuilder();
  if (isObject(json) && json.type === 'message' && Array.isArray(json.content)) {
    b.seen = true;
    json.content.forEach((block: unknown, i) => addBlock(b, block, String(i)));
  }
  return b.build();
}

function addDelta(b: AnswerBuilder, frame: JsonObject, streamed: Set<string>): void {
  const delta = frame.delta;
  if (!isObject(delta)) return;
  const index = String(frame.index);
  if (delta.type === 'text_delta') b.addText(delta.text);
  else if (delta.type === 'thinking_delta') b.addReasoning(index, delta.thinking);
  else if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
    const call = b.call(index);
    // the pieces replace the start's `input` (`{}` while it streams)
    if (!streamed.has(index)) {
      streamed.add(index);
      call.arguments = '';
    }
    call.arguments += delta.partial_json;
  }
}

function fromFrames(frames: readonly unknown[]): AssembledAnswer | null {
  const b = new AnswerBuilder();
  const streamed = new Set<string>();
  for (const frame of frames) {
    if (!isObject(frame) || typeof frame.type !== 'string') continue;
    if (frame.type === 'content_block_start') addBlock(b, frame.content_block, String(frame.index));
    else if (frame.type === 'content_block_delta') addDelta(b, frame, streamed);
    else if (!frame.type.startsWith('message_') && frame.type !== 'content_block_stop' && frame.type !== 'ping') continue;
    b.seen = true;
  }
  return b.build();
}

export function assembleMessages(answer: AnswerSource): AssembledAnswer | null {
  return 'json' in answer ? fromMessage(answer.json) : fromFrames(answer.frames);
}
