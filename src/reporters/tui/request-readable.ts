// A readable rendering of a model request body for the detail view: sampling settings, tools by
// name, instructions/system, then the conversation as `role: text` — for chat completions
// (messages), Responses (input items) and Anthropic Messages. The protocol is told by the route,
// else by the body's shape. Anything it does not know is named by its type, never dropped
// silently; the pretty-printed JSON follows it in the view anyway.
import { LineSink } from './detail-line.js';
import { arr, isRecord, num, rec, str, type JsonRecord } from './json-read.js';

export type RequestProtocol = 'chat' | 'responses' | 'messages';

/** Which model protocol a request body speaks, by its path, else its shape; null when none. */
export function requestProtocol(url: string, body: unknown): RequestProtocol | null {
  if (!isRecord(body)) return null;
  const path = url.split('?')[0] ?? url;
  if (/\/chat\/completions$/.test(path)) return 'chat';
  if (/\/responses$/.test(path)) return 'responses';
  if (/\/messages$/.test(path)) return 'messages';
  if ('input' in body && 'model' in body) return 'responses';
  if (Array.isArray(body.messages)) return 'max_tokens' in body || 'system' in body ? 'messages' : 'chat';
  return null;
}

/** The readable lines of a known model request body (into `out`). */
export function readableRequest(out: LineSink, protocol: RequestProtocol, body: JsonRecord): void {
  const settings = settingsOf(body);
  if (settings !== '') out.line(settings);
  const tools = arr(body.tools).map(toolName);
  if (tools.length > 0) out.line(`tools: ${tools.join(', ')}`);
  if (protocol === 'chat') for (const m of arr(body.messages)) chatMessage(out, m);
  else if (protocol === 'responses') responsesInput(out, body);
  else messagesRequest(out, body);
}

function settingsOf(b: JsonRecord): string {
  const parts: string[] = [];
  const add = (label: string, v: unknown): void => {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') parts.push(`${label} ${typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)}`);
  };
  add('model', b.model);
  add('stream', b.stream);
  add('temperature', b.temperature);
  add('top_p', b.top_p);
  add('top_k', b.top_k);
  add('max tokens', b.max_output_tokens ?? b.max_completion_tokens ?? b.max_tokens);
  add('reasoning effort', rec(b.reasoning)?.effort ?? b.reasoning_effort);
  const thinking = rec(b.thinking);
  if (thinking) add('thinking', num(thinking.budget_tokens) !== undefined ? `${String(thinking.type ?? 'on')} ${String(thinking.budget_tokens)}` : thinking.type);
  add('tool choice', typeof b.tool_choice === 'string' ? b.tool_choice : str(rec(b.tool_choice)?.type));
  add('previous response', b.previous_response_id);
  add('seed', b.seed);
  add('n', b.n);
  return parts.join('  ');
}

function toolName(t: unknown): string {
  const tool = rec(t);
  if (!tool) return '?';
  return str(tool.name) ?? str(rec(tool.function)?.name) ?? str(tool.type) ?? '?';
}

/** The text of a content value: a string, or parts whose text is joined; other parts by `[type]`. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined || content === null ? '' : JSON.stringify(content);
  return content
    .map((part) => {
      const p = rec(part);
      if (!p) return String(part);
      const text = str(p.text) ?? str(p.refusal) ?? str(p.thinking);
      if (text !== undefined) return text;
      if (p.type === 'tool_result') return `[tool_result ${str(p.tool_use_id) ?? ''}] ${contentText(p.content)}`;
      if (p.type === 'tool_use') return `[tool_use ${str(p.name) ?? '?'}] ${JSON.stringify(p.input ?? {})}`;
      return `[${str(p.type) ?? 'part'}]`;
    })
    .join('\n');
}

function chatMessage(out: LineSink, m: unknown): void {
  const msg = rec(m);
  if (!msg) return;
  const role = str(msg.role) ?? '?';
  const label = role === 'tool' ? `tool (${str(msg.tool_call_id) ?? '?'})` : role;
  const text = contentText(msg.content);
  const calls = arr(msg.tool_calls);
  if (text !== '' || calls.length === 0) out.labelled(label, text);
  for (const c of calls) {
    const call = rec(c);
    const fn = rec(call?.function);
    out.labelled(`${role} tool call ${str(fn?.name) ?? '?'} (${str(call?.id) ?? '?'})`, str(fn?.arguments) ?? '');
  }
}

function responsesInput(out: LineSink, b: JsonRecord): void {
  const instructions = str(b.instructions);
  if (instructions !== undefined) out.labelled('instructions', instructions);
  if (typeof b.input === 'string') return out.labelled('user', b.input);
  for (const item of arr(b.input)) {
    const it = rec(item);
    if (!it) continue;
    const type = str(it.type) ?? 'message';
    if (type === 'message') out.labelled(str(it.role) ?? '?', contentText(it.content));
    else if (type === 'function_call' || type === 'custom_tool_call') out.labelled(`${type} ${str(it.name) ?? '?'} (${str(it.call_id) ?? '?'})`, str(it.arguments) ?? str(it.input) ?? '');
    else if (type === 'function_call_output' || type === 'custom_tool_call_output') out.labelled(`${type} (${str(it.call_id) ?? '?'})`, contentText(it.output));
    else if (type === 'reasoning') out.labelled('reasoning', arr(it.summary).map((s) => str(rec(s)?.text) ?? '').join('\n'));
    else out.line(`[${type}]`, 'dim');
  }
}

function messagesRequest(out: LineSink, b: JsonRecord): void {
  if (b.system !== undefined) out.labelled('system', contentText(b.system));
  for (const m of arr(b.messages)) {
    const msg = rec(m);
    if (msg) out.labelled(str(msg.role) ?? '?', contentText(msg.content));
  }
}
