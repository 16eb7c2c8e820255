// Turns a create body's `input` into the items `GET /v1/responses/{id}/input_items` lists:
// messages as full `type:"message"` items with `msg_…` ids, other items kept with an id added.
import { newId } from './ids.js';
import { isObject, stringAt, type JsonObject } from './json.js';

function messageContent(content: unknown, role: string): unknown {
  if (typeof content !== 'string') return content ?? [];
  return [{ type: role === 'assistant' ? 'output_text' : 'input_text', text: content }];
}

function toItem(raw: JsonObject): JsonObject {
  const id = stringAt(raw, 'id');
  const role = stringAt(raw, 'role');
  if (role === undefined) return { ...raw, id: id ?? newId('item_') };
  return {
    id: id ?? newId('msg_'),
    type: 'message',
    role,
    status: 'completed',
    content: messageContent(raw.content, role),
  };
}

export function inputItems(input: unknown): JsonObject[] {
  if (typeof input === 'string') return [toItem({ role: 'user', content: input })];
  if (!Array.isArray(input)) return [];
  const items: JsonObject[] = [];
  for (const raw of input) if (isObject(raw)) items.push(toItem(raw));
  return items;
}

export interface ListQuery {
  limit: number;
  order: 'asc' | 'desc';
  after: string | undefined;
}

/** OpenAI's list page: `limit` 1–100 (default 20), `order` default `desc`, `after` an item id. */
export function parseListQuery(query: URLSearchParams): ListQuery {
  const limit = Number(query.get('limit') ?? '20');
  return {
    limit: Number.isInteger(limit) ? Math.min(100, Math.max(1, limit)) : 20,
    order: query.get('order') === 'asc' ? 'asc' : 'desc',
    after: query.get('after') ?? undefined,
  };
}

export function listPage(items: readonly JsonObject[], q: ListQuery): JsonObject {
  const ordered = q.order === 'asc' ? [...items] : [...items].reverse();
  const start = q.after === undefined ? 0 : ordered.findIndex((item) => item.id === q.after) + 1;
  const data = ordered.slice(start, start + q.limit);
  const first = data[0];
  const last = data[data.length - 1];
  return {
    object: 'list',
    data,
    first_id: first === undefined ? null : first.id,
    last_id: last === undefined ? null : last.id,
    has_more: start + data.length < ordered.length,
  };
}
