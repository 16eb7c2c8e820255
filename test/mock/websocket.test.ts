// Responses WebSocket mode (`GET /v1/responses`, Upgrade) driven by the `ws` client: the same events
// as the SSE stream, one JSON text frame each; previous_response_id chains with store: false within
// a connection; error events that keep the socket open; the handshake's key check; the request log;
// faults (cut, warmup); and the open_websockets count going back to 0.
import type { IncomingMessage } from 'node:http';
import { WebSocket, type RawData } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { eventually, parseSse, postJson, words } from './helpers.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  await mock.close();
});

interface ServerEvent {
  type: string;
  sequence_number?: number;
  response?: { id: string; status: string; output: { type: string; content?: { text: string }[] }[]; previous_response_id: string | null; store: boolean; usage?: { output_tokens: number; input_tokens: number } };
  status?: number;
  error?: { type: string; code: string | null; message: string; param: string | null };
  headers?: Record<string, string>;
  delta?: string;
}

/** A connected client that keeps every frame it gets, with waits for the next ones. */
class Client {
  readonly frames: string[] = [];
  private waiters: (() => void)[] = [];
  readonly closed: Promise<number>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: RawData) => {
      this.frames.push(String(data));
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Events from `from` until one of type `until` (inclusive). */
  async events(from: number, until: (event: ServerEvent) => boolean, ms = 3000): Promise<ServerEvent[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const events = this.frames.slice(from).map((text) => JSON.parse(text) as ServerEvent);
      const end = events.findIndex(until);
      if (end >= 0) return events.slice(0, end + 1);
      if (Date.now() > deadline) throw new Error(`no matching event in ${JSON.stringify(events.map((e) => e.type))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Sends a frame and collects its answer: up to `response.completed` or an `error` event. */
  async turn(frame: unknown): Promise<ServerEvent[]> {
    const from = this.frames.length;
    this.send(frame);
    return this.events(from, (e) => e.type === 'response.completed' || e.type === 'error');
  }
}

function wsUrl(server: MockServer, path = '/v1/responses'): string {
  return server.url.replace(/^http/, 'ws') + path;
}

function connect(server: MockServer, headers: Record<string, string> = {}, path?: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(server, path), { headers });
    ws.once('open', () => resolve(new Client(ws)));
    ws.once('error', reject);
  });
}

/** The HTTP answer of a refused handshake. */
function refusedHandshake(server: MockServer, headers: Record<string, string>, path?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(server, path), { headers });
    ws.once('open', () => reject(new Error('upgraded')));
    ws.once('error', () => undefined);
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
  });
}

function create(model: string, input: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'response.create', model, input, ...extra };
}

function outputText(event: ServerEvent | undefined): string {
  return event?.response?.output.map((item) => item.content?.map((part) => part.text).join('') ?? '').join('') ?? '';
}

describe('Responses WebSocket mode', () => {
  it('answers response.create with the SSE stream\'s events, one JSON text frame each', async () => {
    const client = await connect(mock, { 'OpenAI-Beta': 'responses_websockets=2026-02-06' });
    try {
      const input = 'Tell me about the lighthouse keeper and her cat';
      const events = await client.turn(create('mock-echo', input));
      const sse = parseSse(await (await postJson(mock, '/v1/responses', { model: 'mock-echo', input, stream: true })).text());
      expect(events.map((e) => e.type)).toEqual(sse.map((f) => f.event));
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
      expect(client.frames.every((frame) => frame.startsWith('{'))).toBe(true);
      const last = events.at(-1);
      expect(last?.response?.status).toBe('completed');
      expect(outputText(last)).toBe(input);
      expect(events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('')).toBe(input);
      expect(last?.response?.usage?.output_tokens).toBe(words(input));
    } finally {
      client.ws.close();
    }
  });

  it('chains previous_response_id with store: false within the connection, not across connections', async () => {
    const client = await connect(mock);
    try {
      const first = (await client.turn(create('mock-echo', 'first turn', { store: false }))).at(-1);
      const firstId = first?.response?.id ?? '';
      expect(firstId).toMatch(/^resp_/);
      expect(first?.response?.store).toBe(false);
      const second = (await client.turn(create('mock-echo', [{ role: 'user', content: 'second turn' }], { store: false, previous_response_id: firstId }))).at(-1);
      expect(second?.type).toBe('response.completed');
      expect(second?.response?.previous_response_id).toBe(firstId);
      expect(outputText(second)).toBe('second turn');
      expect((await fetch(`${mock.url}/v1/responses/${firstId}`)).status).toBe(404);

      const unknown = await client.turn(create('mock-echo', 'x', { previous_response_id: 'resp_nope' }));
      expect(unknown).toEqual([
        {
          type: 'error',
          status: 400,
          error: { type: 'invalid_request_error', code: 'previous_response_not_found', message: "Previous response with id 'resp_nope' not found.", param: 'previous_response_id' },
        },
      ]);
      const other = await connect(mock);
      try {
        const elsewhere = await other.turn(create('mock-echo', 'x', { previous_response_id: firstId, store: false }));
        expect(elsewhere[0]?.error?.code).toBe('previous_response_not_found');
      } finally {
        other.ws.close();
      }
      const stored = (await client.turn(create('mock-echo', 'stored turn'))).at(-1)?.response?.id ?? '';
      const fresh = await connect(mock);
      try {
        expect((await fresh.turn(create('mock-echo', 'x', { previous_response_id: stored }))).at(-1)?.type).toBe('response.completed');
      } finally {
        fresh.ws.close();
      }
    } finally {
      client.ws.close();
    }
  });

  it('answers an error model with an error event and keeps the socket open', async () => {
    const client = await connect(mock);
    try {
      const rateLimited = await client.turn(create('mock-error-429', 'hi'));
      expect(rateLimited).toHaveLength(1);
      expect(rateLimited[0]).toMatchObject({ type: 'error', status: 429, error: { code: 'rate_limit_exceeded' }, headers: { 'retry-after': '7' } });
      const server = await client.turn(create('mock-error-500', 'hi'));
      expect(server[0]).toMatchObject({ type: 'error', status: 500, error: { type: 'server_error' } });
      expect(server[0]?.headers).toBeUndefined();
      const text = await client.turn(create('mock-error-text', 'hi'));
      expect(text[0]).toMatchObject({ type: 'error', status: 400, error: { type: 'invalid_request_error' } });
      const after = await client.turn(create('mock-echo', 'still here'));
      expect(outputText(after.at(-1))).toBe('still here');
      expect(client.ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      client.ws.close();
    }
  });

  it('answers a malformed frame, an unknown type and a missing model with 400 error events', async () => {
    const client = await connect(mock);
    try {
      expect((await client.turn('{"type":"response.create",'))[0]).toMatchObject({ type: 'error', status: 400, error: { code: 'invalid_json' } });
      expect((await client.turn('[1,2]'))[0]).toMatchObject({ type: 'error', status: 400 });
      expect((await client.turn({ type: 'response.cancel' }))[0]).toMatchObject({ type: 'error', status: 400, error: { param: 'type', code: 'invalid_value' } });
      expect((await client.turn({ type: 'response.create', input: 'x' }))[0]).toMatchObject({ type: 'error', status: 400, error: { param: 'model', code: 'missing_required_parameter' } });
      expect((await client.turn(create('mock-echo', 'ok now'))).at(-1)?.type).toBe('response.completed');
    } finally {
      client.ws.close();
    }
  });

  it('logs the handshake and every frame, with the handshake headers', async () => {
    const fresh = await startMock();
    try {
      const client = await connect(fresh, { Authorization: 'Bearer sk-proxy', 'OpenAI-Beta': 'responses_websockets=2026-02-06' }, '/v1/responses?beta=true');
      const frame = create('mock-echo', 'logged words', { store: false });
      await client.turn(frame);
      await client.turn('not json');
      client.ws.close();
      await client.closed;
      const log = fresh.requests();
      expect(log.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/responses?beta=true', 'WS /v1/responses?beta=true', 'WS /v1/responses?beta=true']);
      expect(log[0]?.headers.upgrade).toBe('websocket');
      expect(log[1]?.body).toBe(JSON.stringify(frame));
      expect(log[1]?.json).toEqual(frame);
      expect(log[1]?.headers.authorization).toBe('Bearer sk-proxy');
      expect(log[1]?.headers['openai-beta']).toBe('responses_websockets=2026-02-06');
      expect(log[1]?.rawHeaders).toContainEqual(['OpenAI-Beta', 'responses_websockets=2026-02-06']);
      expect(log[2]?.body).toBe('not json');
      expect(log[2]?.json).toBeUndefined();
    } finally {
      await fresh.close();
    }
  });

  it('counts open WebSockets in /_mock/stats and goes back to 0 when clients close', async () => {
    const fresh = await startMock();
    try {
      const clients = await Promise.all([connect(fresh), connect(fresh)]);
      expect(fresh.openWebSockets()).toBe(2);
      const stats = (await (await fetch(fresh.url + '/_mock/stats')).json()) as { open_websockets: number };
      expect(stats.open_websockets).toBe(2);
      for (const client of clients) client.ws.close();
      expect(await Promise.all(clients.map((client) => client.closed))).toEqual([1005, 1005]);
      expect(await eventually(() => fresh.openWebSockets() === 0)).toBe(true);
      expect(((await (await fetch(fresh.url + '/_mock/stats')).json()) as { open_websockets: number }).open_websockets).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it('mock-cut closes the socket mid-answer, without a close frame or response.completed', async () => {
    const client = await connect(mock);
    const from = client.frames.length;
    client.send(create('mock-cut', 'one two three four five six seven eight'));
    expect(await client.closed).toBe(1006);
    const types = client.frames.slice(from).map((text) => (JSON.parse(text) as ServerEvent).type);
    expect(types).toContain('response.output_text.delta');
    expect(types).not.toContain('response.completed');
  });

  it('generate: false warms up: a completed response with no output that later turns chain from', async () => {
    const client = await connect(mock);
    try {
      const warm = await client.turn(create('mock-echo', [], { generate: false, store: false, instructions: 'Be brief and kind.' }));
      expect(warm.map((e) => e.type)).toEqual(['response.created', 'response.in_progress', 'response.completed']);
      expect(warm.at(-1)?.response?.output).toEqual([]);
      expect(warm.at(-1)?.response?.usage).toMatchObject({ input_tokens: 4, output_tokens: 0 });
      const next = await client.turn(create('mock-echo', 'go', { previous_response_id: warm.at(-1)?.response?.id }));
      expect(outputText(next.at(-1))).toBe('go');
    } finally {
      client.ws.close();
    }
  });

  it('mock-reset resets the socket; mock-hang never answers until the client leaves', async () => {
    const reset = await connect(mock);
    reset.send(create('mock-reset', 'x'));
    expect(await reset.closed).toBe(1006);
    expect(reset.frames).toEqual([]);
    const fresh = await startMock();
    try {
      const hung = await connect(fresh);
      hung.send(create('mock-hang', 'x'));
      hung.send(create('mock-echo', 'queued behind the hang'));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(hung.frames).toEqual([]);
      hung.ws.close();
      await hung.closed;
      expect(await eventually(() => fresh.openWebSockets() === 0)).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it('mock-bad-sse sends one frame that is not JSON, then carries on to response.completed', async () => {
    const client = await connect(mock);
    try {
      client.send(create('mock-bad-sse', 'one two three four'));
      expect(await eventually(() => client.frames.some((frame) => frame.includes('"response.completed"')))).toBe(true);
      const broken = client.frames.filter((frame) => {
        try {
          JSON.parse(frame);
          return false;
        } catch {
          return true;
        }
      });
      expect(broken).toEqual(['{"type":"response.output_text.delta","sequence_number":']);
    } finally {
      client.ws.close();
    }
  });

  it('writes frames in the handshake\'s x-mock-json-style', async () => {
    const client = await connect(mock, { 'x-mock-json-style': 'spaced' });
    try {
      await client.turn(create('mock-echo', 'spaced out'));
      expect(client.frames[0]).toMatch(/^\{"type": "response.created", "sequence_number": 0, /);
    } finally {
      client.ws.close();
    }
  });

  it('takes x-mock-output from the handshake', async () => {
    const client = await connect(mock, { 'x-mock-output': 'project falcon is internal-only' });
    try {
      expect(outputText((await client.turn(create('mock-echo', 'ignored'))).at(-1))).toBe('project falcon is internal-only');
    } finally {
      client.ws.close();
    }
  });
});

describe('WebSocket handshake', () => {
  it('refuses a missing or wrong key with HTTP 401 before upgrading, and upgrades with the right one', async () => {
    const locked = await startMock({ apiKey: 'sk-upstream-secret' });
    try {
      const none = await refusedHandshake(locked, {});
      expect(none.status).toBe(401);
      expect((JSON.parse(none.body) as { error: { code: string } }).error.code).toBe('invalid_api_key');
      const wrong = await refusedHandshake(locked, { Authorization: 'Bearer sk-wrong' });
      expect(wrong.status).toBe(401);
      expect(wrong.body).not.toContain('sk-wrong');
      expect(locked.openWebSockets()).toBe(0);
      const client = await connect(locked, { Authorization: 'Bearer sk-upstream-secret' });
      expect((await client.turn(create('mock-echo', 'hi'))).at(-1)?.type).toBe('response.completed');
      client.ws.close();
      await client.closed;
    } finally {
      await locked.close();
    }
  });

  it('answers an upgrade on another path with 404 Invalid URL', async () => {
    const res = await refusedHandshake(mock, {}, '/v1/chat/completions');
    expect(res.status).toBe(404);
    expect((JSON.parse(res.body) as { error: { message: string } }).error.message).toBe('Invalid URL (GET /v1/chat/completions)');
  });
});
