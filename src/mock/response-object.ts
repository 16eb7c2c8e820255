// Builds the `Response` object of `POST /v1/responses` (responses-wire.md §3): output items, usage,
// and the request fields OpenAI echoes back. The streamed events are derived from it.
import type { Behaviour } from './behaviours.js';
import { conversationIdOf } from './conversations.js';
import { newId, unixNow } from './ids.js';
import { echo, stringAt, type JsonObject } from './json.js';
import { answerText, REASONING_SUMMARY, toolName } from './output-text.js';
import { lastUserText, responsesInputTexts } from './request-text.js';
import { countTokens, responsesUsage, type ResponsesUsage } from './usage.js';

export interface OutputTextPart {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}

export interface MessageItem {
  id: string;
  type: 'message';
  status: 'in_progress' | 'completed';
  role: 'assistant';
  content: OutputTextPart[];
}

export interface FunctionCallItem {
  id: string;
  type: 'function_call';
  status: 'in_progress' | 'completed';
  call_id: string;
  name: string;
  arguments: string;
}

export interface SummaryPart {
  type: 'summary_text';
  text: string;
}

export interface ReasoningItem {
  id: string;
  type: 'reasoning';
  summary: SummaryPart[];
}

export type OutputItem = MessageItem | FunctionCallItem | ReasoningItem;

export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: string;
  completed_at: number | null;
  model: string;
  output: OutputItem[];
  usage?: ResponsesUsage | null;
  [field: string]: unknown;
}

export function textPart(text: string): OutputTextPart {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

function outputItems(behaviour: Behaviour, body: JsonObject, text: string): OutputItem[] {
  if (behaviour.output === 'tool') {
    const call: FunctionCallItem = {
      id: newId('fc_'),
      type: 'function_call',
      status: 'completed',
      call_id: newId('call_'),
      name: toolName(body),
      arguments: text,
    };
    return [call];
  }
  const message: MessageItem = { id: newId('msg_'), type: 'message', status: 'completed', role: 'assistant', content: [textPart(text)] };
  if (behaviour.output !== 'reasoning') return [message];
  const reasoning: ReasoningItem = { id: newId('rs_'), type: 'reasoning', summary: [{ type: 'summary_text', text: REASONING_SUMMARY }] };
  return [reasoning, message];
}

/** The request fields a real Response echoes, with OpenAI's defaults when the body omits them. */
function echoedFields(body: JsonObject): Record<string, unknown> {
  return {
    background: echo(body, 'background', false),
    error: null,
    incomplete_details: null,
    instructions: echo(body, 'instructions', null),
    max_output_tokens: echo(body, 'max_output_tokens', null),
    max_tool_calls: echo(body, 'max_tool_calls', null),
    parallel_tool_calls: echo(body, 'parallel_tool_calls', true),
    previous_response_id: echo(body, 'previous_response_id', null),
    prompt_cache_key: echo(body, 'prompt_cache_key', null),
    reasoning: echo(body, 'reasoning', { effort: null, summary: null }),
    safety_identifier: echo(body, 'safety_identifier', null),
    service_tier: 'default',
    store: echo(body, 'store', true),
    temperature: echo(body, 'temperature', 1),
    text: echo(body, 'text', { format: { type: 'text' }, verbosity: 'medium' }),
    tool_choice: echo(body, 'tool_choice', 'auto'),
    tools: echo(body, 'tools', []),
    top_logprobs: echo(body, 'top_logprobs', 0),
    top_p: echo(body, 'top_p', 1),
    truncation: echo(body, 'truncation', 'disabled'),
    user: echo(body, 'user', null),
    metadata: echo(body, 'metadata', {}),
  };
}

/**
 * A completed Response for `body` (`model` echoed as sent); no `usage` key for `mock-no-usage`;
 * `conversation: {"id"}` when the create names one. `override` is the `x-mock-output` header. A
 * WebSocket warmup (`generate: false`) has no output.
 */
export function buildResponse(body: JsonObject, behaviour: Behaviour, override: string | undefined): ResponseObject {
  const generate = body.generate !== false;
  const text = generate ? answerText(behaviour, body, lastUserText(body.input), override) : '';
  const createdAt = unixNow();
  const response: ResponseObject = {
    id: newId('resp_'),
    object: 'response',
    created_at: createdAt,
    status: 'completed',
    completed_at: createdAt,
    model: stringAt(body, 'model') ?? behaviour.name,
    output: generate ? outputItems(behaviour, body, text) : [],
    ...echoedFields(body),
  };
  const conversation = conversationIdOf(body);
  if (conversation !== undefined) response.conversation = { id: conversation };
  if (behaviour.usage) {
    const tokens = countTokens(responsesInputTexts(body), text, behaviour.extraTokens);
    response.usage = responsesUsage(generate ? tokens : { ...tokens, output: 0, reasoning: 0 });
  }
  return response;
}

/** The snapshot `response.created` / `response.in_progress` carry: no output, usage null. */
export function inProgressCopy(response: ResponseObject): ResponseObject {
  const copy: ResponseObject = { ...response, status: 'in_progress', completed_at: null, output: [] };
  if ('usage' in response) copy.usage = null;
  return copy;
}
