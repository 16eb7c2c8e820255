// Where guardrail text lives in Anthropic Messages bodies (`POST /v1/messages`, count_tokens):
// the request's `system` (a string or text blocks) and every message's `content` (a string or
// content blocks: `text`, `tool_result` content, replayed `tool_use` inputs, plain-text documents,
// search results); the answer's `content[]` (`text` blocks and their citations' quoted text,
// `thinking` text, `tool_use` inputs). A tool input is an arbitrary JSON value: every string inside
// it is its own slot, at its own path, so a mask is written back into the object where it was found
// (keys, numbers and booleans are not text). Replayed `thinking` blocks are not scanned on input:
// they carry the upstream's signature, which any rewrite would break.
import { addString, isObject } from '../json-walk.js';
import type { Path, PathKey, TextSlot } from '../types.js';

/**
 * Below this many levels inside a tool input, a subtree is one slot: its strings joined with
 * newlines, at the subtree's path (a mask there replaces the subtree with the masked string). It
 * keeps the walk linear on hostile nesting, where a path per string would cost depth² per input.
 */
export const MAX_INPUT_DEPTH = 64;

type Entry = [PathKey, unknown];

function childrenOf(node: object): Entry[] {
  return Array.isArray(node) ? node.map((v: unknown, i): Entry => [i, v]) : Object.entries(node);
}

/** Every string inside a JSON value, in document order, joined with newlines. */
function joinedStrings(root: object): string {
  const parts: string[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') parts.push(node);
    else if (typeof node === 'object' && node !== null) {
      const entries = childrenOf(node);
      for (let i = entries.length - 1; i >= 0; i--) stack.push((entries[i] as Entry)[1]);
    }
  }
  return parts.join('\n');
}

/** Every non-empty string inside a JSON value, each with its own path (walked without recursion). */
export function addJsonStrings(out: TextSlot[], value: unknown, path: Path): void {
  const stack: [unknown, Path, number][] = [[value, path, 0]];
  while (stack.length > 0) {
    const [node, at, depth] = stack.pop() as [unknown, Path, number];
    if (typeof node === 'string') {
      addString(out, node, at);
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= MAX_INPUT_DEPTH) {
      addString(out, joinedStrings(node), at);
      continue;
    }
    const entries = childrenOf(node);
    // pushed in reverse so slots come out in document order
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as Entry;
      stack.push([child, [...at, key], depth + 1]);
    }
  }
}

/** A document block's text when it is simple: a plain-text source, a content source, title, context. */
function addDocument(out: TextSlot[], block: Record<string, unknown>, path: Path): void {
  const source = block.source;
  if (isObject(source)) {
    if (source.type === 'text') addString(out, source.data, [...path, 'source', 'data']);
    else if (source.type === 'content') addRequestContent(out, source.content, [...path, 'source', 'content']);
  }
  addString(out, block.title, [...path, 'title']);
  addString(out, block.context, [...path, 'context']);
}

/** One request content block (also the blocks inside a tool result or a content document). */
function addRequestBlock(out: TextSlot[], block: unknown, path: Path): void {
  if (!isObject(block)) return;
  switch (block.type) {
    case 'text':
      return addString(out, block.text, [...path, 'text']);
    case 'tool_result':
      return addRequestContent(out, block.content, [...path, 'content']);
    case 'tool_use':
    case 'server_tool_use':
      return addJsonStrings(out, block.input, [...path, 'input']);
    case 'document':
      return addDocument(out, block, path);
    case 'search_result':
      return addRequestContent(out, block.content, [...path, 'content']);
    default:
      return;
  }
}

/** A content field: a string, or an array of content blocks. */
function addRequestContent(out: TextSlot[], content: unknown, path: Path): void {
  if (typeof content === 'string') return addString(out, content, path);
  if (Array.isArray(content)) content.forEach((block: unknown, i) => addRequestBlock(out, block, [...path, i]));
}

/** Every client-supplied text of a Messages (or count_tokens) request body. */
export function messagesRequestSlots(body: Record<string, unknown>): TextSlot[] {
  const out: TextSlot[] = [];
  addRequestContent(out, body.system, ['system']);
  if (Array.isArray(body.messages)) {
    body.messages.forEach((message: unknown, i) => {
      if (isObject(message)) addRequestContent(out, message.content, ['messages', i, 'content']);
    });
  }
  return out;
}

/** The quoted source text of a text block's citations (a copy the answer carries). */
function addCitations(out: TextSlot[], citations: unknown, path: Path): void {
  if (!Array.isArray(citations)) return;
  citations.forEach((c: unknown, i) => {
    if (isObject(c)) addString(out, c.cited_text, [...path, i, 'cited_text']);
  });
}

/** One answer content block: text (and citations), thinking, tool inputs. */
export function addOutputBlock(out: TextSlot[], block: unknown, path: Path): void {
  if (!isObject(block)) return;
  switch (block.type) {
    case 'text':
      addString(out, block.text, [...path, 'text']);
      return addCitations(out, block.citations, [...path, 'citations']);
    case 'thinking':
      return addString(out, block.thinking, [...path, 'thinking']);
    case 'tool_use':
    case 'server_tool_use':
      return addJsonStrings(out, block.input, [...path, 'input']);
    default:
      return;
  }
}

/** Every output text of a Message object (a JSON reply, or `message_start`'s `message`). */
export function addMessageOutput(out: TextSlot[], message: unknown, path: Path): void {
  if (!isObject(message) || !Array.isArray(message.content)) return;
  message.content.forEach((block: unknown, i) => addOutputBlock(out, block, [...path, 'content', i]));
}

export function messagesOutputSlots(json: unknown): TextSlot[] {
  const out: TextSlot[] = [];
  addMessageOutput(out, json, []);
  return out;
}
