// Derives the SSE event sequence of a Response (responses-wire.md §4 ordering): created,
// in_progress, per output item added … deltas … done, then completed. Used for live streams and
// for `GET /v1/responses/{id}?stream=true` replays, so both carry the same events.
import type { FunctionCallItem, MessageItem, OutputItem, ReasoningItem, ResponseObject } from './response-object.js';
import { inProgressCopy, textPart } from './response-object.js';
import { splitDeltas } from './words.js';

export interface StreamEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}

const PAD = 'Zq81mKp0sT3vXy7W';

/** OpenAI's `obfuscation` padding, made deterministic: it pads short deltas towards 16 chars. */
function obfuscation(delta: string): string {
  return PAD.slice(0, Math.max(1, PAD.length - delta.length));
}

class EventList {
  readonly events: StreamEvent[] = [];
  constructor(private readonly obfuscate: boolean) {}

  add(type: string, fields: Record<string, unknown>): void {
    this.events.push({ type, sequence_number: this.events.length, ...fields });
  }

  /** one delta event per piece of `text` */
  deltas(type: string, fields: Record<string, unknown>, text: string): void {
    for (const delta of splitDeltas(text)) {
      if (this.obfuscate) this.add(type, { ...fields, delta, obfuscation: obfuscation(delta) });
      else this.add(type, { ...fields, delta });
    }
  }
}

function messageEvents(list: EventList, item: MessageItem, index: number): void {
  const at = { item_id: item.id, output_index: index, content_index: 0 };
  list.add('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', content: [] } });
  for (const part of item.content) {
    list.add('response.content_part.added', { ...at, part: textPart('') });
    list.deltas('response.output_text.delta', { ...at, logprobs: [] }, part.text);
    list.add('response.output_text.done', { ...at, text: part.text, logprobs: [] });
    list.add('response.content_part.done', { ...at, part });
  }
  list.add('response.output_item.done', { output_index: index, item });
}

function functionCallEvents(list: EventList, item: FunctionCallItem, index: number): void {
  const at = { item_id: item.id, output_index: index };
  list.add('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', arguments: '' } });
  list.deltas('response.function_call_arguments.delta', at, item.arguments);
  list.add('response.function_call_arguments.done', { ...at, name: item.name, arguments: item.arguments });
  list.add('response.output_item.done', { output_index: index, item });
}

function reasoningEvents(list: EventList, item: ReasoningItem, index: number): void {
  list.add('response.output_item.added', { output_index: index, item: { ...item, summary: [] } });
  item.summary.forEach((part, summaryIndex) => {
    const at = { item_id: item.id, output_index: index, summary_index: summaryIndex };
    list.add('response.reasoning_summary_part.added', { ...at, part: { type: 'summary_text', text: '' } });
    list.deltas('response.reasoning_summary_text.delta', at, part.text);
    list.add('response.reasoning_summary_text.done', { ...at, text: part.text });
    list.add('response.reasoning_summary_part.done', { ...at, part });
  });
  list.add('response.output_item.done', { output_index: index, item });
}

function itemEvents(list: EventList, item: OutputItem, index: number): void {
  if (item.type === 'message') messageEvents(list, item, index);
  else if (item.type === 'function_call') functionCallEvents(list, item, index);
  else reasoningEvents(list, item, index);
}

/** Every event of a streamed `response`, `sequence_number` from 0 with no gaps. */
export function responseEvents(response: ResponseObject, obfuscate: boolean): StreamEvent[] {
  const list = new EventList(obfuscate);
  const snapshot = inProgressCopy(response);
  list.add('response.created', { response: snapshot });
  list.add('response.in_progress', { response: snapshot });
  response.output.forEach((item, index) => itemEvents(list, item, index));
  list.add('response.completed', { response });
  return list.events;
}
