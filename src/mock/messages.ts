// Anthropic Messages bodies: the `message` JSON and the event sequence of its stream
// (`message_start`, per content block start, `ping` after the first, deltas, stop, then
// `message_delta` with the stop reason and usage, and `message_stop`).
import type { Behaviour } from './behaviours.js';
import { newId } from './ids.js';
import { isObject, stringAt, type JsonObject } from './json.js';
import { answerText, messagesToolName, REASONING_SUMMARY } from './output-text.js';
import { lastUserText, messagesInputTexts } from './request-text.js';
import { countTokens, messageDeltaUsage, messagesUsage, type TokenCounts } from './usage.js';
import { splitDeltas } from './words.js';

/** `mock-reasoning`'s thinking block signature: opaque, fixed. */
export const THINKING_SIGNATURE = Buffer.from('aisix-mock thinking signature').toString('base64');

export type ContentBlock =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: JsonObject };

export interface MessageAnswer {
  id: string;
  model: string;
  content: ContentBlock[];
  stopReason: 'end_turn' | 'tool_use';
  tokens: TokenCounts;
  /** false for `mock-no-usage`: no `usage` key anywhere */
  usage: boolean;
}

/** `mock-tool`'s input: the answer text when it is a JSON object, else `{"input": text}`. */
function toolInput(text: string): JsonObject {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed)) return parsed;
  } catch {
    // an override that is not JSON: wrapped below
  }
  return { input: text };
}

function contentBlocks(behaviour: Behaviour, body: JsonObject, text: string): ContentBlock[] {
  if (behaviour.output === 'tool') return [{ type: 'tool_use', id: newId('toolu_'), name: messagesToolName(body), input: toolInput(text) }];
  const answer: ContentBlock = { type: 'text', text };
  if (behaviour.output !== 'reasoning') return [answer];
  return [{ type: 'thinking', thinking: REASONING_SUMMARY, signature: THINKING_SIGNATURE }, answer];
}

/** The text whose words are the output tokens: the text block, or the tool input's JSON. */
function outputText(content: readonly ContentBlock[]): string {
  let text = '';
  for (const block of content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use') text += JSON.stringify(block.input);
  }
  return text;
}

export function buildMessageAnswer(body: JsonObject, behaviour: Behaviour, override: string | undefined): MessageAnswer {
  const content = contentBlocks(behaviour, body, answerText(behaviour, body, lastUserText(body.messages), override));
  const tool = content[0]?.type === 'tool_use';
  return {
    id: newId('msg_'),
    model: stringAt(body, 'model') ?? behaviour.name,
    content,
    stopReason: tool ? 'tool_use' : 'end_turn',
    tokens: countTokens(messagesInputTexts(body), outputText(content), behaviour.extraTokens),
    usage: behaviour.usage,
  };
}

function messageShell(answer: MessageAnswer, content: unknown[], stopReason: string | null, usage: unknown): JsonObject {
  const message: JsonObject = {
    id: answer.id,
    type: 'message',
    role: 'assistant',
    model: answer.model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
  };
  if (answer.usage) message.usage = usage;
  return message;
}

/** The JSON reply of `POST /v1/messages`. */
export function messageObject(answer: MessageAnswer): JsonObject {
  return messageShell(answer, answer.content, answer.stopReason, messagesUsage(answer.tokens));
}

export interface MessageEvent {
  /** the SSE `event:` name, equal to `json.type` */
  type: string;
  json: JsonObject;
  /** a `content_block_delta`: paced by `mock-slow`, counted by cut/stall */
  delta: boolean;
}

/** A block as `content_block_start` opens it: empty text, empty thinking, `input: {}`. */
function emptyBlock(block: ContentBlock): JsonObject {
  if (block.type === 'text') return { type: 'text', text: '' };
  if (block.type === 'thinking') return { type: 'thinking', thinking: '', signature: '' };
  return { type: 'tool_use', id: block.id, name: block.name, input: {} };
}

function blockDeltas(block: ContentBlock): JsonObject[] {
  if (block.type === 'text') return splitDeltas(block.text).map((text) => ({ type: 'text_delta', text }));
  if (block.type === 'tool_use') return splitDeltas(JSON.stringify(block.input)).map((partial) => ({ type: 'input_json_delta', partial_json: partial }));
  const deltas: JsonObject[] = splitDeltas(block.thinking).map((thinking) => ({ type: 'thinking_delta', thinking }));
  deltas.push({ type: 'signature_delta', signature: block.signature });
  return deltas;
}

/** Every event of a streamed answer; `message_start` reports `output_tokens` 1 (0 for an empty answer). */
export function messageEvents(answer: MessageAnswer): MessageEvent[] {
  const events: MessageEvent[] = [];
  const add = (json: JsonObject, delta = false): void => {
    events.push({ type: String(json.type), json, delta });
  };
  const startUsage = messagesUsage(answer.tokens, Math.min(1, answer.tokens.output));
  add({ type: 'message_start', message: messageShell(answer, [], null, startUsage) });
  answer.content.forEach((block, index) => {
    add({ type: 'content_block_start', index, content_block: emptyBlock(block) });
    if (index === 0) add({ type: 'ping' });
    for (const delta of blockDeltas(block)) add({ type: 'content_block_delta', index, delta }, true);
    add({ type: 'content_block_stop', index });
  });
  const finish: JsonObject = { type: 'message_delta', delta: { stop_reason: answer.stopReason, stop_sequence: null } };
  if (answer.usage) finish.usage = messageDeltaUsage(answer.tokens);
  add(finish);
  add({ type: 'message_stop' });
  return events;
}
