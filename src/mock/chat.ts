// Chat Completions bodies: the `chat.completion` JSON and the `chat.completion.chunk` sequence of
// a stream (role chunk, content or tool-call deltas, finish chunk, optional usage chunk).
import type { Behaviour } from './behaviours.js';
import { newId, unixNow } from './ids.js';
import { stringAt, type JsonObject } from './json.js';
import { answerText, toolName } from './output-text.js';
import { chatInputTexts, lastUserText } from './request-text.js';
import { chatUsage, countTokens, type ChatUsage } from './usage.js';
import { splitDeltas } from './words.js';

export interface ChatAnswer {
  id: string;
  created: number;
  model: string;
  /** the content, or for `mock-tool` the call's arguments */
  text: string;
  tool: { id: string; name: string } | undefined;
  usage: ChatUsage | undefined;
}

/** `override` is the `x-mock-output` header. */
export function buildChatAnswer(body: JsonObject, behaviour: Behaviour, override: string | undefined): ChatAnswer {
  const text = answerText(behaviour, body, lastUserText(body.messages), override);
  const tokens = countTokens(chatInputTexts(body), text, behaviour.extraTokens);
  return {
    id: newId('chatcmpl-'),
    created: unixNow(),
    model: stringAt(body, 'model') ?? behaviour.name,
    text,
    tool: behaviour.output === 'tool' ? { id: newId('call_'), name: toolName(body) } : undefined,
    usage: behaviour.usage ? chatUsage(tokens) : undefined,
  };
}

function message(answer: ChatAnswer): JsonObject {
  if (answer.tool === undefined) return { role: 'assistant', content: answer.text, refusal: null, annotations: [] };
  const call = { id: answer.tool.id, type: 'function', function: { name: answer.tool.name, arguments: answer.text } };
  return { role: 'assistant', content: null, refusal: null, annotations: [], tool_calls: [call] };
}

export function chatCompletion(answer: ChatAnswer): JsonObject {
  const choice = { index: 0, message: message(answer), logprobs: null, finish_reason: answer.tool ? 'tool_calls' : 'stop' };
  const completion: JsonObject = {
    id: answer.id,
    object: 'chat.completion',
    created: answer.created,
    model: answer.model,
    choices: [choice],
  };
  if (answer.usage !== undefined) completion.usage = answer.usage;
  completion.service_tier = 'default';
  completion.system_fingerprint = null;
  return completion;
}

export interface ChatChunk {
  json: JsonObject;
  /** carries model text (content or arguments) */
  delta: boolean;
}

function deltaChunks(answer: ChatAnswer): JsonObject[] {
  const tool = answer.tool;
  const first = tool
    ? { role: 'assistant', content: null, tool_calls: [{ index: 0, id: tool.id, type: 'function', function: { name: tool.name, arguments: '' } }] }
    : { role: 'assistant', content: '', refusal: null };
  const deltas: JsonObject[] = [first];
  for (const piece of splitDeltas(answer.text)) {
    deltas.push(tool ? { tool_calls: [{ index: 0, function: { arguments: piece } }] } : { content: piece });
  }
  return deltas;
}

/** The chunks of a stream; `includeUsage` adds `usage:null` to each and a final usage chunk. */
export function chatChunks(answer: ChatAnswer, includeUsage: boolean): ChatChunk[] {
  const base = { id: answer.id, object: 'chat.completion.chunk', created: answer.created, model: answer.model, service_tier: 'default', system_fingerprint: null };
  const withUsage = includeUsage && answer.usage !== undefined;
  const chunk = (delta: JsonObject, finish: string | null): JsonObject => {
    const json: JsonObject = { ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
    if (withUsage) json.usage = null;
    return json;
  };
  const chunks = deltaChunks(answer).map((delta, i): ChatChunk => ({ json: chunk(delta, null), delta: i > 0 }));
  chunks.push({ json: chunk({}, answer.tool ? 'tool_calls' : 'stop'), delta: false });
  if (withUsage) chunks.push({ json: { ...base, choices: [], usage: answer.usage }, delta: false });
  return chunks;
}
