// Builds the answer of `POST /v1/responses/compact`: `{"id":"resp_…","object":"response.compaction",
// "created_at","output","usage"}`, whose `output` is, as OpenAI's, every user message of the
// compacted context (the previous response's input, then this input) followed by one `compaction`
// item. Its `encrypted_content` is the mock's stand-in for the opaque blob: the summary text (the
// echo text, or an override) as base64 UTF-8, so a test can read it back.
import type { Behaviour } from './behaviours.js';
import { newId, unixNow } from './ids.js';
import { inputItems } from './input-items.js';
import type { JsonObject } from './json.js';
import { answerText, mockOutputOverride } from './output-text.js';
import { lastUserText, responsesInputTexts } from './request-text.js';
import { countTokens, responsesUsage, type ResponsesUsage } from './usage.js';

export interface CompactionItem {
  id: string;
  type: 'compaction';
  encrypted_content: string;
}

export interface CompactedResponse {
  id: string;
  object: 'response.compaction';
  created_at: number;
  output: (JsonObject | CompactionItem)[];
  usage?: ResponsesUsage;
}

/** The mock's `encrypted_content` for a summary: its UTF-8 bytes in base64. */
export function sealSummary(text: string): string {
  return Buffer.from(text).toString('base64');
}

/** The summary: an override, the long/huge filler, else the echo text (`mock-tool` makes no call here). */
function summaryText(behaviour: Behaviour, body: JsonObject, echoText: string, header: string | undefined): string {
  if (behaviour.output !== 'tool') return answerText(behaviour, body, echoText, header);
  return header ?? mockOutputOverride(body) ?? echoText;
}

/**
 * The compaction of `previous` (a stored response's input items, oldest first) plus `body.input`;
 * usage counts the body's input as a create would, the summary as output; none for `mock-no-usage`.
 */
export function buildCompaction(body: JsonObject, behaviour: Behaviour, header: string | undefined, previous: readonly JsonObject[]): CompactedResponse {
  const items = [...previous, ...inputItems(body.input)];
  const summary = summaryText(behaviour, body, lastUserText(items), header);
  const compaction: CompactionItem = { id: newId('cmp_'), type: 'compaction', encrypted_content: sealSummary(summary) };
  const compacted: CompactedResponse = {
    id: newId('resp_'),
    object: 'response.compaction',
    created_at: unixNow(),
    output: [...items.filter((item) => item.role === 'user'), compaction],
  };
  if (behaviour.usage) compacted.usage = responsesUsage(countTokens(responsesInputTexts(body), summary, behaviour.extraTokens));
  return compacted;
}
