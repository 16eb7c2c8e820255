// Captured exchanges for the inspector tests, shaped as the gateway's capture store fills them
// (src/events/capture.ts): a Responses stream with reasoning, text and a tool call, a chat
// completion, an Anthropic Messages answer, an upstream error, a truncated body, and an in-memory
// capture source over them (InspectorCaptures: get, and whether capture is on).
import type { CapturedBody, CapturedExchange } from '../../src/events/capture.js';
import type { InspectorCaptures } from '../../src/reporters/tui/capture-lookup.js';
import { T0 } from '../reporters/tui/fixtures.js';

export function textBody(text: string, bytes = Buffer.byteLength(text), truncated = false): CapturedBody {
  return { text, encoding: 'utf8', bytes, truncated };
}

export const jsonBody = (value: unknown): CapturedBody => textBody(JSON.stringify(value));

const TIME = new Date(T0).toISOString();

export function sse(events: { event: string; data: unknown }[]): string {
  return events.map((e) => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`).join('');
}

export function responsesStream(id = 'req_stream'): CapturedExchange {
  const request = {
    model: 'gpt-5',
    stream: true,
    instructions: 'You are a weather bot. Answer briefly.',
    input: [
      { role: 'user', content: [{ type: 'input_text', text: 'What is the weather in Paris?' }] },
    ],
    tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
    reasoning: { effort: 'high', summary: 'auto' },
    temperature: 0.2,
    max_output_tokens: 400,
  };
  const frames = sse([
    { event: 'response.created', data: { type: 'response.created', response: { id: 'resp_abc', status: 'in_progress' } } },
    { event: 'response.reasoning_summary_text.delta', data: { type: 'response.reasoning_summary_text.delta', delta: 'The user wants weather; call the tool.' } },
    { event: 'response.output_text.delta', data: { type: 'response.output_text.delta', delta: 'Let me check ' } },
    { event: 'response.output_text.delta', data: { type: 'response.output_text.delta', delta: 'the weather.' } },
    { event: 'response.function_call_arguments.done', data: { type: 'response.function_call_arguments.done', arguments: '{"city":"Paris"}' } },
    { event: 'response.completed', data: { type: 'response.completed', response: { id: 'resp_abc', status: 'completed' } } },
  ]);
  return {
    id,
    time: TIME,
    request: {
      method: 'POST',
      url: '/v1/responses',
      headers: { authorization: '[REDACTED]', 'content-type': 'application/json', accept: 'text/event-stream', 'user-agent': 'OpenAI/JS 6.9.0', host: '127.0.0.1:4000' },
      body: jsonBody(request),
    },
    response: {
      status: 200,
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-aisix-request-id': id },
      body: textBody(frames),
      assembled: {
        text: 'Let me check the weather.',
        reasoning: 'The user wants weather; call the tool.',
        tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      },
    },
    timings: { queue_ms: 3, upstream_headers_ms: 250, first_token_ms: 480, total_ms: 1200 },
  };
}

export function chatCompletion(id = 'req_chat'): CapturedExchange {
  const request = {
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'Say hi\nin two lines' },
    ],
    temperature: 0,
    max_tokens: 50,
  };
  const answer = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hi.\nHello.' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 },
  };
  return {
    id,
    time: TIME,
    request: {
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: '[REDACTED]', 'content-type': 'application/json', 'content-length': '140', connection: 'keep-alive', 'accept-encoding': 'gzip' },
      body: jsonBody(request),
    },
    response: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: jsonBody(answer),
      assembled: { text: 'Hi.\nHello.', reasoning: '', tool_calls: [] },
    },
    timings: { queue_ms: 1, upstream_headers_ms: 90, first_token_ms: null, total_ms: 120 },
  };
}

export function messagesAnswer(id = 'req_msg'): CapturedExchange {
  const request = {
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    system: [{ type: 'text', text: 'You are Claude Code.' }],
    messages: [{ role: 'user', content: [{ type: 'text', text: "What's in README.md? It's short." }] }],
    tools: [{ name: 'Read', input_schema: { type: 'object' } }, { name: 'Bash', input_schema: { type: 'object' } }],
    thinking: { type: 'enabled', budget_tokens: 2048 },
  };
  const answer = {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    content: [
      { type: 'thinking', thinking: 'I should read the file.' },
      { type: 'text', text: 'I will read it.' },
      { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { file_path: 'README.md' } },
    ],
    stop_reason: 'tool_use',
  };
  return {
    id,
    time: TIME,
    request: {
      method: 'POST',
      url: '/v1/messages?beta=true',
      headers: {
        'x-api-key': '[REDACTED]',
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'interleaved-thinking-2025-05-14',
        'user-agent': 'claude-cli/2.1',
      },
      body: jsonBody(request),
    },
    response: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: jsonBody(answer),
      assembled: { text: 'I will read it.', reasoning: 'I should read the file.', tool_calls: [{ id: 'toolu_1', name: 'Read', arguments: '{"file_path":"README.md"}' }] },
    },
    timings: { queue_ms: 2, upstream_headers_ms: 300, first_token_ms: null, total_ms: 900 },
  };
}

export function upstreamError(id = 'req_err'): CapturedExchange {
  const envelope = { error: { message: 'The upstream returned 500.', type: 'api_error', code: 'upstream_error', param: null } };
  return {
    id,
    time: TIME,
    request: {
      method: 'POST',
      url: '/v1/responses',
      headers: { authorization: '[REDACTED]', 'content-type': 'application/json' },
      body: jsonBody({ model: 'demo-error', input: 'fail please' }),
    },
    response: { status: 502, headers: { 'content-type': 'application/json' }, body: jsonBody(envelope), assembled: null },
    timings: { queue_ms: 1, upstream_headers_ms: 40, first_token_ms: null, total_ms: 45 },
  };
}

/** A request whose body was cut at 64 bytes of its 5,000. */
export function truncatedRequest(id = 'req_cut'): CapturedExchange {
  const whole = JSON.stringify({ model: 'gpt', input: 'x'.repeat(4950) });
  return {
    id,
    time: TIME,
    request: {
      method: 'POST',
      url: '/v1/responses',
      headers: { authorization: '[REDACTED]', 'content-type': 'application/json' },
      body: textBody(whole.slice(0, 64), Buffer.byteLength(whole), true),
    },
    response: { status: 200, headers: { 'content-type': 'application/json' }, body: jsonBody({ id: 'resp_1', output: [] }), assembled: { text: 'ok', reasoning: '', tool_calls: [] } },
    timings: { queue_ms: 1, upstream_headers_ms: 10, first_token_ms: null, total_ms: 20 },
  };
}

/** A chat request carrying ~1 MiB of text in many lines, answered briefly. */
export function hugeRequest(id = 'req_huge'): CapturedExchange {
  const lines = Array.from({ length: 16_000 }, (_, i) => `line ${String(i).padStart(5, '0')} ${'lorem ipsum '.repeat(5)}`);
  lines.push('THE-VERY-END');
  const ex = chatCompletion(id);
  ex.request.body = jsonBody({ model: 'gpt-4o', messages: [{ role: 'user', content: lines.join('\n') }] });
  return ex;
}

/** A WebSocket turn as the gateway captures it: the upgrade request with the `response.create` frame as its body. */
export function webSocketTurn(id = 'req_turn'): CapturedExchange {
  const frame = { type: 'response.create', model: 'gpt', input: "it's over the socket" };
  const events = [
    { type: 'response.created', response: { id: 'resp_ws', status: 'in_progress' } },
    { type: 'response.output_text.delta', delta: "it's over the socket" },
    { type: 'response.completed', response: { id: 'resp_ws', status: 'completed' } },
  ];
  return {
    id,
    time: TIME,
    request: {
      method: 'GET',
      url: '/v1/responses',
      headers: { authorization: '[REDACTED]', host: '127.0.0.1:4000', connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' },
      body: jsonBody(frame),
    },
    response: { status: 101, headers: {}, body: textBody(events.map((e) => `${JSON.stringify(e)}\n`).join('')), assembled: { text: "it's over the socket", reasoning: '', tool_calls: [] } },
    timings: { queue_ms: 1, upstream_headers_ms: 20, first_token_ms: 30, total_ms: 40 },
  };
}

/** A capture source over `exchanges`, capturing (enabled) unless told otherwise; `delete` drops one as capture_keep would. */
export function captureSource(...exchanges: CapturedExchange[]): InspectorCaptures & { add(ex: CapturedExchange): void; delete(id: string): void; setEnabled(on: boolean): void } {
  const map = new Map(exchanges.map((e) => [e.id, e]));
  let on = true;
  return {
    get: (id) => map.get(id),
    enabled: () => on,
    add: (ex) => void map.set(ex.id, ex),
    delete: (id) => void map.delete(id),
    setEnabled: (value) => void (on = value),
  };
}
