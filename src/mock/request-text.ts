// What the mock reads from a request body: the text it echoes (the last user message) and the
// text it counts as input tokens, for `/v1/responses` bodies, chat `messages` and Anthropic
// Messages bodies (`system` and content blocks).
import { isObject, stringAt, type JsonObject } from './json.js';

/** Text of a message `content`: a string, or its text parts joined with "\n". */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  let first = true;
  for (const part of content) {
    if (!isObject(part)) continue;
    const piece = stringAt(part, 'text');
    if (piece === undefined) continue;
    text = first ? piece : text + '\n' + piece;
    first = false;
  }
  return text;
}

/** The echo source: a string `input`, else the last `role:"user"` item's text, else "". */
export function lastUserText(items: unknown): string {
  if (typeof items === 'string') return items;
  if (!Array.isArray(items)) return '';
  for (let i = items.length - 1; i >= 0; i--) {
    const item: unknown = items[i];
    if (isObject(item) && item.role === 'user') return contentText(item.content);
  }
  return '';
}

/**
 * Every text the mock counts as input on `/v1/responses` (and `input_tokens`): `instructions`,
 * a string `input`, each input item's `content` text and each tool result's `output` text.
 */
export function responsesInputTexts(body: JsonObject): string[] {
  const texts: string[] = [];
  const instructions = stringAt(body, 'instructions');
  if (instructions !== undefined) texts.push(instructions);
  const input = body.input;
  if (typeof input === 'string') texts.push(input);
  else if (Array.isArray(input)) for (const item of input) pushItemText(texts, item);
  return texts;
}

function pushItemText(texts: string[], item: unknown): void {
  if (typeof item === 'string') texts.push(item);
  if (!isObject(item)) return;
  if (item.content !== undefined) texts.push(contentText(item.content));
  if (item.output !== undefined) texts.push(contentText(item.output));
}

/** Every chat message's `content` text. */
export function chatInputTexts(body: JsonObject): string[] {
  const texts: string[] = [];
  const messages = body.messages;
  if (!Array.isArray(messages)) return texts;
  for (const message of messages) {
    if (isObject(message) && message.content !== undefined) texts.push(contentText(message.content));
  }
  return texts;
}

/**
 * Every text the mock counts as input on `/v1/messages` (and `count_tokens`): `system` (a string
 * or text blocks), each message's text blocks (or string content) and each `tool_result`'s content.
 */
export function messagesInputTexts(body: JsonObject): string[] {
  const texts: string[] = [];
  if (body.system !== undefined) texts.push(contentText(body.system));
  const messages = body.messages;
  if (!Array.isArray(messages)) return texts;
  for (const message of messages) {
    if (!isObject(message)) continue;
    const content = message.content;
    texts.push(contentText(content));
    if (!Array.isArray(content)) continue;
    for (const block of content) {
      if (isObject(block) && block.type === 'tool_result' && block.content !== undefined) texts.push(contentText(block.content));
    }
  }
  return texts;
}
