// The Conversations API routes, served from what the mock keeps in memory: create, retrieve, update
// (metadata) and delete a conversation; list (`limit`, `order`, `after`), add, retrieve and delete
// its items. Unknown ids answer 404 in OpenAI's envelope; a malformed body is a 400 first.
import type { Exchange, MockState } from './context.js';
import type { StoredConversation } from './conversation-store.js';
import { addedItems, metadataOf, newConversation } from './conversations.js';
import { conversationItemNotFound, conversationNotFound } from './errors.js';
import { listPage, parseListQuery } from './input-items.js';
import type { JsonObject } from './json.js';
import { sendJson } from './reply.js';

function found(state: MockState, ex: Exchange, id: string): StoredConversation | undefined {
  const stored = state.conversations.get(id);
  if (stored === undefined) sendJson(ex, 404, conversationNotFound(id));
  return stored;
}

/** `POST /v1/conversations` with `{items?, metadata?}` (an empty body is `{}`). */
export function createConversation(state: MockState, ex: Exchange, body: JsonObject): void {
  const items = addedItems(body.items, false);
  if ('problem' in items) return sendJson(ex, 400, items.problem);
  const metadata = metadataOf(body, false);
  if ('problem' in metadata) return sendJson(ex, 400, metadata.problem);
  const stored = newConversation(metadata.value, items.value);
  state.conversations.put(stored);
  sendJson(ex, 200, stored.conversation);
}

export function retrieveConversation(state: MockState, ex: Exchange, id: string): void {
  const stored = found(state, ex, id);
  if (stored !== undefined) sendJson(ex, 200, stored.conversation);
}

/** `POST /v1/conversations/{id}` with `{metadata}`: replaces the metadata. */
export function updateConversation(state: MockState, ex: Exchange, id: string, body: JsonObject): void {
  const metadata = metadataOf(body, true);
  if ('problem' in metadata) return sendJson(ex, 400, metadata.problem);
  const stored = found(state, ex, id);
  if (stored === undefined) return;
  stored.conversation.metadata = metadata.value;
  sendJson(ex, 200, stored.conversation);
}

export function deleteConversation(state: MockState, ex: Exchange, id: string): void {
  if (!state.conversations.delete(id)) return sendJson(ex, 404, conversationNotFound(id));
  sendJson(ex, 200, { id, object: 'conversation.deleted', deleted: true });
}

export function listConversationItems(state: MockState, ex: Exchange, id: string): void {
  const stored = found(state, ex, id);
  if (stored !== undefined) sendJson(ex, 200, listPage(stored.items, parseListQuery(new URLSearchParams(ex.query))));
}

/** `POST /v1/conversations/{id}/items` with `{items}`: a list of the added items, in order. */
export function createConversationItems(state: MockState, ex: Exchange, id: string, body: JsonObject): void {
  const items = addedItems(body.items, true);
  if ('problem' in items) return sendJson(ex, 400, items.problem);
  if (found(state, ex, id) === undefined) return;
  state.conversations.append(id, items.value);
  sendJson(ex, 200, listPage(items.value, { limit: items.value.length, order: 'asc', after: undefined }));
}

export function retrieveConversationItem(state: MockState, ex: Exchange, id: string, itemId: string): void {
  const stored = found(state, ex, id);
  if (stored === undefined) return;
  const item = stored.items.find((candidate) => candidate.id === itemId);
  if (item === undefined) return sendJson(ex, 404, conversationItemNotFound(itemId));
  sendJson(ex, 200, item);
}

/** `DELETE /v1/conversations/{id}/items/{item_id}`: answers the conversation. */
export function deleteConversationItem(state: MockState, ex: Exchange, id: string, itemId: string): void {
  const stored = found(state, ex, id);
  if (stored === undefined) return;
  if (!state.conversations.removeItem(id, itemId)) return sendJson(ex, 404, conversationItemNotFound(itemId));
  sendJson(ex, 200, stored.conversation);
}
