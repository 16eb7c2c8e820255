// What the upstream receives for a model request (DESIGN.md §3, §4, §6): the caller's bytes with
// only the top-level `model` value changed (and chat's `stream_options` added, a mask's fields
// rewritten), whatever the JSON looks like — `model` first, middle or last, nested `model` keys,
// escaped keys and strings, Unicode, whitespace everywhere — and parsing to the object a
// parse-and-rewrite would give. Duplicate keys the proxy reads are refused before any upstream
// call. A capturing upstream below records the exact bytes of every request.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishedFor, requestIdOf } from '../helpers/finished.js';
import { rawRequest, type RawResponse } from '../helpers/http.js';
import { CALLER_KEY, configYaml, keywordGuardrail, model, piiGuardrail, startStack, type Stack } from '../helpers/stack.js';

interface Captured {
  path: string;
  bytes: Buffer;
  /** the request's content-length header (large spliced bodies go as slices under an exact one) */
  contentLength: string | undefined;
}

/** An upstream that keeps every request's bytes and answers each route with a small valid answer. */
async function startCapturingUpstream(): Promise<{ url: string; received: Captured[]; close(): Promise<void> }> {
  const received: Captured[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const path = req.url ?? '';
      received.push({ path, bytes, contentLength: req.headers['content-length'] });
      const body = JSON.parse(bytes.toString('utf8')) as { model?: string; stream?: boolean };
      if (body.model === 'fail-model') {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'down', type: 'server_error' } }));
      } else if (path.endsWith('/chat/completions') && body.stream === true) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'ok' }, finish_reason: 'stop' }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } })}\n\n`);
        res.end('data: [DONE]\n\n');
      } else if (path.endsWith('/chat/completions')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          id: 'c1', object: 'chat.completion', model: body.model, choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
        }));
      } else if (path.endsWith('/messages')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          id: 'msg_1', type: 'message', role: 'assistant', model: body.model, content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', usage: { input_tokens: 3, output_tokens: 1 },
        }));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          id: 'resp_1', object: 'response', status: 'completed', model: body.model, output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] }],
          usage: { input_tokens: 3, output_tokens: 1, total_tokens: 4 },
        }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

type Upstream = Awaited<ReturnType<typeof startCapturingUpstream>>;
let upstream: Upstream;
const stacks: Stack[] = [];

const PROVIDER_KEYS = [
  { display_name: 'cap', provider: 'openai', api_key: '${UPSTREAM_KEY}', api_base: '${CAP_URL}/v1' },
  { display_name: 'cap-anthropic', provider: 'anthropic', api_key: '${UPSTREAM_KEY}', api_base: '${CAP_URL}' },
];
const MODELS = [
  model('gpt', 'up-model', { provider_key: 'cap' }),
  model('broken', 'fail-model', { provider_key: 'cap' }),
  model('backup', 'backup-model', { provider_key: 'cap' }),
  { display_name: 'fo', routing: { targets: [{ model: 'broken' }, { model: 'backup' }] } },
  { display_name: 'sonnet', provider: 'anthropic', model_name: 'claude-up', provider_key: 'cap-anthropic' },
];

async function stackWith(guardrails: Record<string, unknown>[] = []): Promise<Stack> {
  const stack = await startStack({ yaml: configYaml({ provider_keys: PROVIDER_KEYS, models: MODELS, guardrails }), env: { CAP_URL: upstream.url } });
  stacks.push(stack);
  return stack;
}

beforeAll(async () => {
  upstream = await startCapturingUpstream();
});
afterAll(async () => {
  await Promise.all(stacks.map((s) => s.close()));
  await upstream.close();
});

/** Sends `text` as it is; returns the answer, its request.finished, and what the upstream received for it. */
async function send(stack: Stack, path: string, text: string | Buffer): Promise<{ res: RawResponse; sent: Captured[] }> {
  const before = upstream.received.length;
  const body = typeof text === 'string' ? text : text.toString('latin1');
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${CALLER_KEY}` };
  if (typeof text !== 'string') headers['content-length'] = String(text.length);
  const res = typeof text === 'string'
    ? await rawRequest(stack.url, { path, headers, body })
    : await rawBytesRequest(stack.url, path, headers, text);
  await finishedFor(stack, requestIdOf(res));
  return { res, sent: upstream.received.slice(before) };
}

/** rawRequest with a body given as bytes (invalid UTF-8 must reach the proxy as it is). */
async function rawBytesRequest(url: string, path: string, headers: Record<string, string>, bytes: Buffer): Promise<RawResponse> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

function parseAndRewrite(text: string, upstreamModel: string): unknown {
  const body = JSON.parse(text) as Record<string, unknown>;
  body.model = upstreamModel;
  return body;
}

const errorMessage = (res: RawResponse): string => (JSON.parse(res.body) as { error: { message: string } }).error.message;

describe('the forwarded body is the caller\'s bytes with only the model value changed', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await stackWith();
  });

  // @M@ marks the top-level model value: `"gpt"` as sent, `"up-model"` as forwarded
  const cases: [string, string][] = [
    ['model first', '{"model":@M@,"input":"hello","temperature":0.5}'],
    ['model in the middle', '{"input":"hello","model":@M@,"store":false}'],
    ['model last', '{"input":[{"role":"user","content":"hi"}],"model":@M@}'],
    ['nested objects and arrays with their own model keys', '{"metadata":{"model":"gpt","inner":{"model":"x"}},"tools":[{"model":"gpt"}],"model":@M@,"input":[{"model":"gpt","content":"model"}]}'],
    ['an escaped key', '{"input":"hi","mo\\u0064el":@M@}'],
    ['escaped quotes and backslashes in values', '{"instructions":"say \\"model\\": \\\\\\"gpt\\\\\\"","model":@M@,"input":"C:\\\\dir\\\\model\\\\"}'],
    ['Unicode around the model value', '{"input":"caf\u00e9 \u65e5\u672c\u8a9e \ud83d\ude80","model":@M@,"note":"\ud83d\ude00\u00e9","esc":"\\ud83d\\ude80"}'],
    ['whitespace and newlines everywhere', '\r\n {\n\t"input" :\n [ "a" ,\t"b" ] ,\r\n "model"\t:\n  @M@  ,\n "stream" : false\n }\n\n'],
  ];
  for (const [name, template] of cases) {
    it(name, async () => {
      const text = template.replace('@M@', '"gpt"');
      const { res, sent } = await send(stack, '/v1/responses', text);
      expect(res.status, res.body).toBe(200);
      expect(sent).toHaveLength(1);
      const got = sent[0] as Captured;
      expect(got.path).toBe('/v1/responses');
      expect(got.bytes.equals(Buffer.from(template.replace('@M@', '"up-model"'), 'utf8'))).toBe(true);
      expect(JSON.parse(got.bytes.toString('utf8'))).toStrictEqual(parseAndRewrite(text, 'up-model'));
    });
  }

  it('a large body (sent as slices) arrives byte-exact, under an exact content-length, on every failover target', async () => {
    const filler = JSON.stringify({ text: 'x\\"y é '.repeat(40_000) });
    const template = `{"input":[${filler},{"model":"fo"}],"model":@M@,"tail":${filler}}`;
    const { res, sent } = await send(stack, '/v1/responses', template.replace('@M@', '"fo"'));
    expect(res.status, res.body).toBe(200);
    expect(sent).toHaveLength(2);
    for (const [i, name] of ['"fail-model"', '"backup-model"'].entries()) {
      const want = Buffer.from(template.replace('@M@', name), 'utf8');
      expect(sent[i]?.bytes.equals(want)).toBe(true);
      expect(sent[i]?.contentLength).toBe(String(want.length));
    }
  });

  it('Messages: the same splice', async () => {
    const text = '{ "max_tokens": 16, "messages": [{"role":"user","content":"hi \u00e9"}], "model": "sonnet", "metadata": {"model":"sonnet"} }';
    const { res, sent } = await send(stack, '/v1/messages', text);
    expect(res.status, res.body).toBe(200);
    expect(sent[0]?.bytes.toString('utf8')).toBe(text.replace('"model": "sonnet"', '"model": "claude-up"'));
  });

  it('chat: stream_options.include_usage is added to the caller\'s bytes when a stream did not ask for usage', async () => {
    const text = '{"model":"gpt","stream":true,"messages":[{"role":"user","content":"hi"}]}';
    const { res, sent } = await send(stack, '/v1/chat/completions', text);
    expect(res.status).toBe(200);
    expect(sent[0]?.bytes.toString('utf8')).toBe('{"model":"up-model","stream":true,"messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}}');
    expect(res.body).not.toContain('"usage"'); // the chunk the client did not ask for is dropped
  });

  it('chat: a caller\'s own stream_options keep their other fields', async () => {
    const text = '{"model":"gpt","stream_options":{"include_obfuscation":false},"stream":true,"messages":[{"role":"user","content":"hi"}]}';
    const { sent } = await send(stack, '/v1/chat/completions', text);
    expect(sent[0]?.bytes.toString('utf8')).toBe('{"model":"up-model","stream_options":{"include_obfuscation":false,"include_usage":true},"stream":true,"messages":[{"role":"user","content":"hi"}]}');
  });

  it('a failover target with another upstream model gets that model, spliced into the same bytes', async () => {
    const text = '{"input":"hi","model":"fo","metadata":{"model":"fo"}}';
    const { res, sent } = await send(stack, '/v1/responses', text);
    expect(res.status, res.body).toBe(200);
    expect(sent.map((s) => s.bytes.toString('utf8'))).toStrictEqual([
      '{"input":"hi","model":"fail-model","metadata":{"model":"fo"}}',
      '{"input":"hi","model":"backup-model","metadata":{"model":"fo"}}',
    ]);
  });
});

describe('refused with today\'s 400s, the upstream never called', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await stackWith();
  });

  const refused: [string, string | Buffer, string][] = [
    ['a duplicate model key', '{"model":"gpt","input":"x","model":"other"}', 'request payload is invalid: duplicate key "model" in the request body'],
    ['a duplicate model key, one of them escaped', '{"mo\\u0064el":"other","model":"gpt"}', 'request payload is invalid: duplicate key "model" in the request body'],
    ['a duplicate stream key', '{"model":"gpt","stream":true,"input":"x","stream":false}', 'request payload is invalid: duplicate key "stream" in the request body'],
    ['malformed JSON', '{"model":"gpt","input":', 'request payload is invalid: invalid JSON request body'],
    ['a trailing comma', '{"model":"gpt","input":[1,2,],}', 'request payload is invalid: invalid JSON request body'],
    ['trailing garbage', '{"model":"gpt","input":"x"} {"model":"gpt"}', 'request payload is invalid: invalid JSON request body'],
    ['a non-object body', '[{"model":"gpt"}]', 'request payload is invalid: the body must be a JSON object'],
    ['invalid UTF-8', Buffer.concat([Buffer.from('{"model":"gpt","input":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]), 'request payload is invalid: the body is not valid UTF-8'],
    ['a model that is not a string', '{"model":{"name":"gpt"},"input":"x"}', 'request payload is invalid: `model` must be a string'],
  ];
  for (const [name, text, message] of refused) {
    it(name, async () => {
      const { res, sent } = await send(stack, '/v1/responses', text);
      expect(res.status).toBe(400);
      expect(errorMessage(res)).toBe(message);
      expect(sent).toHaveLength(0);
    });
  }

  it('chat and Messages refuse a duplicate model key the same way', async () => {
    for (const [path, text] of [
      ['/v1/chat/completions', '{"model":"gpt","messages":[{"role":"user","content":"x"}],"model":"gpt"}'],
      ['/v1/messages', '{"model":"sonnet","max_tokens":5,"messages":[{"role":"user","content":"x"}],"model":"sonnet"}'],
    ] as const) {
      const { res, sent } = await send(stack, path, text);
      expect(res.status).toBe(400);
      expect(res.body).toContain('duplicate key \\"model\\" in the request body');
      expect(sent).toHaveLength(0);
    }
  });

  it('a nested duplicate key passes when no guardrail reads the body (the upstream gets the bytes as sent)', async () => {
    const text = '{"model":"gpt","input":[{"role":"user","content":"a","content":"b"}]}';
    const { res, sent } = await send(stack, '/v1/responses', text);
    expect(res.status).toBe(200);
    expect(sent[0]?.bytes.toString('utf8')).toBe(text.replace('"gpt"', '"up-model"'));
  });
});

describe('with input guardrails', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await stackWith([
      keywordGuardrail('no-falcon', ['project falcon'], { hook_point: 'input' }),
      piiGuardrail('pii-in', ['email'], { hook_point: 'input' }),
    ]);
  });

  it('refuses a duplicate key in an object a guardrail reads: two `content` keys in one input message', async () => {
    const text = '{"model":"gpt","input":[{"role":"user","content":"about project falcon","content":"harmless"}]}';
    const { res, sent } = await send(stack, '/v1/responses', text);
    expect(res.status).toBe(400);
    expect(errorMessage(res)).toBe('request payload is invalid: duplicate key "content" in the request body');
    expect(sent).toHaveLength(0);
  });

  it('still forwards the caller\'s bytes, model spliced, when nothing was masked', async () => {
    const text = '{ "input": [ {"role":"user","content":"nothing to see \u00e9"} ],\n "model": "gpt" }';
    const { res, sent } = await send(stack, '/v1/responses', text);
    expect(res.status).toBe(200);
    expect(sent[0]?.bytes.toString('utf8')).toBe(text.replace('"gpt"', '"up-model"'));
  });

  it('a mask rewrites only the masked field: the rest stays the caller\'s bytes', async () => {
    const text = '{ "instructions" : "Be  brief." ,\n "input":[{"role":"user","content":"mail bob@example.org"}],\n "model":"gpt", "metadata" : { "note" : "carol@example.com" } }';
    const { res, sent } = await send(stack, '/v1/responses', text);
    expect(res.status).toBe(200);
    const expected = text
      .replace('[{"role":"user","content":"mail bob@example.org"}]', JSON.stringify([{ role: 'user', content: 'mail [EMAIL_REDACTED]' }]))
      .replace('"gpt"', '"up-model"');
    expect(sent[0]?.bytes.toString('utf8')).toBe(expected);
  });

  it('blocks on text the guardrail finds, whatever escapes carry it', async () => {
    const { res, sent } = await send(stack, '/v1/responses', '{"model":"gpt","input":"see pro\\u006aect falcon"}');
    expect(res.status).toBe(422);
    expect(sent).toHaveLength(0);
  });
});
