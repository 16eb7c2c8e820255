// WebSocket mode on GET /v1/responses (DESIGN.md §11) through the real loader, gateway and mock,
// driven by the `ws` client: multi-turn with previous_response_id and store: false over one
// upstream socket, the model rewritten in what the upstream got, a blocked input frame (error
// event, the socket stays open, the next turn works), a held-back output masked before release,
// an upstream that breaks mid-answer (error + response.failed events), the client leaving
// mid-answer (499, upstream socket closed), 100 sockets opened and closed (no upstream socket
// left), a malformed frame, auth at the handshake, the 426 when disabled, and the bridge to a
// streamed POST when the upstream has no WebSocket mode. One request.finished per turn.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { RequestFinished } from '../../src/events/types.js';
import { eventually } from '../helpers/http.js';
import { CALLER_KEY, configYaml, DEFAULT_MODELS, keywordGuardrail, model, piiGuardrail, providerKey, startStack, type Stack } from '../helpers/stack.js';

type Event = Record<string, unknown> & { type: string };
const TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete', 'error']);

/** A client socket that keeps every event it received, in order. */
class Client {
  readonly events: Event[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.events.push(JSON.parse(String(data)) as Event);
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(url: string, key: string | null = CALLER_KEY): Promise<Client> {
    const headers: Record<string, string> = { 'openai-beta': 'responses_websockets=2026-02-06' };
    if (key !== null) headers.authorization = `Bearer ${key}`;
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/responses`, { headers });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new Client(socket)));
      socket.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`handshake ${res.statusCode}`), { status: res.statusCode, headers: res.headers })));
      socket.once('error', reject);
    });
  }

  /** Sends one frame; resolves with the events up to and including its terminal one. */
  async turn(frame: Record<string, unknown> | string): Promise<Event[]> {
    const from = this.events.length;
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify({ type: 'response.create', ...frame }));
    const deadline = Date.now() + 10_000;
    for (;;) {
      const seen = this.events.slice(from);
      const end = seen.findIndex((e) => TERMINAL.has(e.type));
      // an interrupted stream sends `error` and then `response.failed`: wait for the pair
      if (end >= 0 && (seen[end]?.type !== 'error' || seen[end + 1]?.type === 'response.failed' || (seen[end] as { status?: number }).status !== undefined)) {
        return seen.slice(0, seen[end]?.type === 'error' && seen[end + 1]?.type === 'response.failed' ? end + 2 : end + 1);
      }
      if (this.closed || Date.now() > deadline) throw new Error(`no terminal event (got ${seen.map((e) => e.type).join(', ')})`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

function outputText(events: Event[]): string {
  return events.filter((e) => e.type === 'response.output_text.delta').map((e) => String(e.delta)).join('');
}

function completed(events: Event[]): { id: string; status: string } {
  const done = events.find((e) => e.type === 'response.completed') as { response: { id: string; status: string } } | undefined;
  if (done === undefined) throw new Error(`no response.completed in ${events.map((e) => e.type).join(', ')}`);
  return done.response;
}

function wsFrames(stack: Stack): Record<string, unknown>[] {
  return stack.mock.requests().filter((r) => r.method === 'WS').map((r) => JSON.parse(r.body) as Record<string, unknown>);
}

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    yaml: configYaml({
      models: [...DEFAULT_MODELS, model('guarded-out', 'mock-echo')],
      guardrails: [
        keywordGuardrail('no-zebra', ['project-zebra'], { hook_point: 'input' }),
        piiGuardrail('emails-out', [['email', 'mask']], { hook_point: 'output' }),
      ],
      guardrail_attachments: [
        { guardrail_id: 'no-zebra', scope_type: 'env', priority: 1 },
        { guardrail_id: 'emails-out', scope_type: 'model', scope_id: 'guarded-out', priority: 1 },
      ],
    }),
  });
});

afterAll(async () => {
  await stack?.close();
});

describe('WebSocket mode', () => {
  it('runs turns over one upstream socket, previous_response_id with store: false included, one event per turn', async () => {
    const before = stack.events.length;
    const client = await Client.open(stack.url);
    const first = await client.turn({ model: 'gpt', input: 'first turn words', store: false });
    expect(outputText(first)).toBe('first turn words');
    const id = completed(first).id;
    const second = await client.turn({ model: 'gpt', input: 'second turn', store: false, previous_response_id: id });
    expect(completed(second).status).toBe('completed');
    expect(outputText(second)).toBe('second turn');
    await client.close();
    const sent = wsFrames(stack).slice(-2);
    expect(sent.map((f) => [f.type, f.model, f.previous_response_id ?? null])).toEqual([['response.create', 'mock-echo', null], ['response.create', 'mock-echo', id]]);
    await stack.until(() => stack.events.length >= before + 2, 'two turn events');
    const turns = stack.events.slice(before) as RequestFinished[];
    expect(turns.map((e) => [e.transport, e.route, e.alias, e.upstream_model, e.status, e.outcome, e.stream])).toEqual([
      ['websocket', '/v1/responses', 'gpt', 'mock-echo', 200, 'ok', true],
      ['websocket', '/v1/responses', 'gpt', 'mock-echo', 200, 'ok', true],
    ]);
    expect(turns[0]?.usage?.output_tokens).toBe(3);
    expect(turns[0]?.response_id).toBe(id);
    expect(turns[0]?.id).not.toBe(turns[1]?.id);
  });

  it('answers a blocked input frame with an error event, keeps the socket open, and the next turn works', async () => {
    const client = await Client.open(stack.url);
    const before = wsFrames(stack).length;
    const [error] = await client.turn({ model: 'gpt', input: 'tell me about project-zebra' });
    expect(error).toMatchObject({ type: 'error', status: 422, error: { type: 'content_filter', message: "request blocked by content policy (guardrail 'no-zebra')" } });
    expect(wsFrames(stack).length).toBe(before); // the upstream never saw it
    expect(client.closed).toBe(false);
    expect(outputText(await client.turn({ model: 'gpt', input: 'fine now' }))).toBe('fine now');
    await client.close();
  });

  it('refuses a malformed frame and an unknown event type with error events, socket open', async () => {
    const client = await Client.open(stack.url);
    const [bad] = await client.turn('{not json');
    expect(bad).toMatchObject({ type: 'error', status: 400, error: { type: 'invalid_request_error' } });
    const [other] = await client.turn(JSON.stringify({ type: 'session.update' }));
    expect(other).toMatchObject({ type: 'error', status: 400 });
    const [unknown] = await client.turn({ model: 'no-such-alias', input: 'x' });
    expect(unknown).toMatchObject({ type: 'error', status: 404, error: { type: 'model_not_found' } });
    expect(outputText(await client.turn({ model: 'gpt', input: 'still here' }))).toBe('still here');
    await client.close();
  });

  it('holds output for a block-mode output guardrail and releases it masked', async () => {
    const client = await Client.open(stack.url);
    const events = await client.turn({ model: 'guarded-out', input: 'x', metadata: { mock_output: 'write to ann@example.com today' } });
    // every output copy is masked (the request's metadata, echoed in the response object, is not output)
    const outputs = events.filter((e) => e.type !== 'response.created' && e.type !== 'response.in_progress').map((e) => JSON.stringify({ ...e, response: undefined }));
    expect(outputs.join('')).not.toContain('ann@example.com');
    expect(outputText(events)).toBe('write to [EMAIL_REDACTED] today');
    const final = events.find((e) => e.type === "response.completed") as unknown as { response: { output: unknown } };
    expect(JSON.stringify(final.response.output)).not.toContain('ann@example.com');
    expect(completed(events).status).toBe('completed');
    await client.close();
  });

  it('ends a turn the upstream broke off with error and response.failed events, and the socket goes on', async () => {
    const client = await Client.open(stack.url);
    const events = await client.turn({ model: 'cut', input: 'one two three four five six seven eight' });
    const [error, failed] = events.slice(-2);
    expect(error).toMatchObject({ type: 'error', code: 'upstream_stream_interrupted' });
    expect(failed).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: 'upstream_stream_interrupted' } } });
    expect(outputText(await client.turn({ model: 'gpt', input: 'after the cut' }))).toBe('after the cut');
    await client.close();
    const cut = stack.events.filter((e) => e.transport === 'websocket' && e.alias === 'cut').at(-1);
    expect(cut).toMatchObject({ outcome: 'upstream_error', error_code: 'upstream_stream_interrupted' });
  });

  it('a client leaving mid-answer is a 499 turn and its upstream socket is closed', async () => {
    const client = await Client.open(stack.url);
    client.socket.send(JSON.stringify({ type: 'response.create', model: 'slow', input: 'one two three four' }));
    await eventually(() => client.events.length > 0, 5_000);
    await client.close();
    await stack.until(() => stack.events.some((e) => e.transport === 'websocket' && e.alias === 'slow'), 'the slow turn event');
    expect(stack.events.find((e) => e.transport === 'websocket' && e.alias === 'slow')).toMatchObject({ status: 499, outcome: 'aborted' });
    expect(await eventually(() => stack.mock.openWebSockets() === 0, 5_000)).toBe(true);
  });

  it('opens and closes 100 sockets without leaving an upstream socket open', async () => {
    for (let i = 0; i < 100; i += 10) {
      const clients = await Promise.all(Array.from({ length: 10 }, () => Client.open(stack.url)));
      await Promise.all(clients.map((c, j) => c.turn({ model: 'gpt', input: `socket ${i + j}` })));
      await Promise.all(clients.map((c) => c.close()));
    }
    expect(await eventually(() => stack.mock.openWebSockets() === 0, 5_000)).toBe(true);
  });

  it('authenticates at the handshake', async () => {
    await expect(Client.open(stack.url, 'sk-wrong')).rejects.toMatchObject({ status: 401 });
    await expect(Client.open(stack.url, null)).rejects.toMatchObject({ status: 401 });
  });
});

describe('WebSocket mode: limits and accounts', () => {
  let own: Stack;
  beforeAll(async () => {
    own = await startStack({
      env: { SECOND_KEY: 'sk-second-account' },
      yaml: configYaml({
        proxy: { request_body_limit_bytes: 2_000 },
        provider_keys: [providerKey('mock'), { display_name: 'second', provider: 'openai', api_key: '${SECOND_KEY}', api_base: '${MOCK_URL}/v1' }],
        models: [...DEFAULT_MODELS, model('on-second', 'mock-echo', { provider_key: 'second' })],
      }),
    });
  });
  afterAll(async () => {
    await own?.close();
  });

  it('answers a frame over the body limit with a 413 error event, socket open', async () => {
    const client = await Client.open(own.url);
    const [error] = await client.turn({ model: 'gpt', input: 'x'.repeat(3_000) });
    expect(error).toMatchObject({ type: 'error', status: 413, error: { code: 'body_too_large' } });
    expect(outputText(await client.turn({ model: 'gpt', input: 'small' }))).toBe('small');
    await client.close();
  });

  it('sends a turn for a model on another provider key to that account, not to the first turn\'s', async () => {
    const client = await Client.open(own.url);
    await client.turn({ model: 'gpt', input: 'first account' });
    await client.turn({ model: 'on-second', input: 'second account' });
    await client.close();
    const handshakes = own.mock.requests().filter((r) => r.method === 'GET' && r.path === '/v1/responses').map((r) => r.headers.authorization);
    expect(handshakes.slice(-2)).toEqual(['Bearer sk-upstream-secret', 'Bearer sk-second-account']);
  });

  it('serves an upgrade to something else (h2c) as the plain request it is', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(new URL('/healthz', own.url), { headers: { connection: 'Upgrade, HTTP2-Settings', upgrade: 'h2c', 'http2-settings': 'AAMAAABkAAQAAP__' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
  });
});

describe('WebSocket mode switched off', () => {
  it('answers the upgrade 426 with Upgrade: websocket', async () => {
    const own = await startStack({ yaml: configYaml({ proxy: { websocket: false } }) });
    try {
      const err = (await Client.open(own.url).then(() => null, (e: unknown) => e)) as { status: number; headers: Record<string, string> };
      expect(err.status).toBe(426);
      expect(err.headers.upgrade).toBe('websocket');
      await own.until(() => own.events.length === 1, 'the refused handshake event');
      expect(own.events[0]).toMatchObject({ status: 426, error_code: 'websocket_disabled' });
    } finally {
      await own.close();
    }
  });
});

describe('an upstream without WebSocket mode', () => {
  let front: Server;
  let own: Stack;
  beforeAll(async () => {
    // plain HTTP in front of the first stack's mock: upgrades are not handled, so they reach the mock as GETs (404)
    front = createServer((req, res) => {
      const target = new URL(stack.mock.url);
      const headers = { ...req.headers, connection: 'close' };
      delete headers.upgrade;
      const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    own = await startStack({ yaml: configYaml({ provider_keys: [providerKey('mock', '${FRONT_URL}/v1')] }), env: { FRONT_URL: `http://127.0.0.1:${(front.address() as AddressInfo).port}` } });
  });
  afterAll(async () => {
    await own?.close();
    await new Promise<void>((resolve) => front?.close(() => resolve()));
  });

  it('bridges each response.create to a streamed POST /responses', async () => {
    const client = await Client.open(own.url);
    const events = await client.turn({ model: 'gpt', input: 'bridged words' });
    expect(outputText(events)).toBe('bridged words');
    expect(completed(events).status).toBe('completed');
    const posted = stack.mock.requests().filter((r) => r.method === 'POST' && r.path === '/v1/responses').at(-1);
    expect(JSON.parse(posted?.body ?? '{}')).toMatchObject({ model: 'mock-echo', input: 'bridged words', stream: true });
    expect(JSON.parse(posted?.body ?? '{}')).not.toHaveProperty('type');
    await client.close();
  });
});
