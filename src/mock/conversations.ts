// What the Conversations API keeps and answers with: the `conversation` object, the items a create
// or an items call adds (messages as full `type:"message"` items with ids, as input_items lists
// them), and the link from `POST /v1/responses` (and WebSocket `response.create`): a create's
// `conversation` ("conv_…" or {"id"}) must exist, and its input and output items are appended.
import type { MockState } from './context.js';
import { itemsChars, type ConversationObject, type StoredConversation } from './conversation-store.js';
import { conversationNotFound, invalidParameter, missingParameter, type ErrorEnvelope } from './errors.js';
import { newId, unixNow } from './ids.js';
import { inputItems } from './input-items.js';
import { isObject, stringAt, type JsonObject } from './json.js';
import type { ResponseObject } from './response-object.js';

/** At most this many items per conversation create or items create, as OpenAI allows. */
export const MAX_ADDED_ITEMS = 20;

const ITEMS_SHAPE = `expected an array of at most ${MAX_ADDED_ITEMS} item objects.`;
const METADATA_SHAPE = 'expected an object or null.';
const CONVERSATION_SHAPE = "expected a conversation id string or an object with a string 'id'.";

/** A refusal of a conversation request before anything is kept. */
export interface ConversationRefusal {
  status: 400 | 404;
  envelope: ErrorEnvelope;
}

/** A request field read and checked: its value, or the 400 that refuses it. */
export type Checked<T> = { value: T } | { problem: ErrorEnvelope };

/** `items` of a conversation or items create as list items with ids, or the 400 for another shape. */
export function addedItems(raw: unknown, required: boolean): Checked<JsonObject[]> {
  if (raw === undefined || raw === null) return required ? { problem: missingParameter('items') } : { value: [] };
  if (!Array.isArray(raw) || raw.length > MAX_ADDED_ITEMS || !raw.every(isObject)) return { problem: invalidParameter('items', ITEMS_SHAPE) };
  return { value: inputItems(raw) };
}

/** `metadata` as sent (null kept), `{}` when absent on a create, or the 400 for another shape. */
export function metadataOf(body: JsonObject, required: boolean): Checked<unknown> {
  const metadata = body.metadata;
  if (metadata === undefined) return required ? { problem: missingParameter('metadata') } : { value: {} };
  return metadata === null || isObject(metadata) ? { value: metadata } : { problem: invalidParameter('metadata', METADATA_SHAPE) };
}

export function newConversation(metadata: unknown, items: JsonObject[]): StoredConversation {
  const conversation: ConversationObject = { id: newId('conv_'), object: 'conversation', created_at: unixNow(), metadata };
  return { conversation, items, size: itemsChars(items) + JSON.stringify(metadata).length };
}

/** A create's `conversation`: its id, undefined when absent or null, or the 400 for another shape. */
export function conversationRef(body: JsonObject): string | undefined | ErrorEnvelope {
  const ref = body.conversation;
  if (ref === undefined || ref === null) return undefined;
  if (typeof ref === 'string') return ref;
  const id = isObject(ref) ? stringAt(ref, 'id') : undefined;
  return id ?? invalidParameter('conversation', CONVERSATION_SHAPE);
}

/** The create's conversation id when it names one (the Response echoes it as `conversation: {"id"}`). */
export function conversationIdOf(body: JsonObject): string | undefined {
  const ref = conversationRef(body);
  return typeof ref === 'string' ? ref : undefined;
}

/** A create's `conversation` checked: 400 for its shape, 404 when the mock does not keep it. */
export function conversationRefusal(state: MockState, body: JsonObject): ConversationRefusal | undefined {
  const ref = conversationRef(body);
  if (ref === undefined) return undefined;
  if (typeof ref !== 'string') return { status: 400, envelope: ref };
  return state.conversations.get(ref) === undefined ? { status: 404, envelope: conversationNotFound(ref) } : undefined;
}

/** Appends a created response's turn to its conversation: the input items, then the output items. */
export function appendTurn(state: MockState, body: JsonObject, input: readonly JsonObject[], response: ResponseObject): void {
  const id = conversationIdOf(body);
  if (id === undefined) return;
  const output: JsonObject[] = response.output.map((item) => ({ ...item }));
  state.conversations.append(id, [...input, ...output]);
}
