// Fault and framing models: cut, stall, hang, reset, slow, bad SSE, huge bodies, and the framings
// (CRLF, byte by byte, data-only) the SDK must still parse; sockets are released afterwards.
import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { collect, eventually, parseSse, postJson, sdk } from './helpers.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  await mock.close();
});

const INPUT = 'one two three four five six seven eight nine ten';

function joinedDeltas(events: readonly ResponseStreamEvent[]): string {
  return events.map((e) => (e.type === 'response.output_text.delta' ? e.delta : '')).join('');
}

/** A mock of its own, so pooled keep-alive sockets of other tests do not count. */
async function withFreshMock(run: (fresh: MockServer) => Promise<void>): Promise<void> {
  const fresh = await startMock();
  try {
    await run(fresh);
  } finally {
    await fresh.close();
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('connection faults', () => {
  it('mock-cut: the SDK stream throws after some deltas and no terminal event', async () => {
    const events: ResponseStreamEvent[] = [];
    const stream = await sdk(mock).responses.create({ model: 'mock-cut', input: INPUT, stream: true });
    const err = await rejection((async () => {
      for await (const event of stream) events.push(event);
    })());
    expect(err).toBeInstanceOf(Error);
    expect(events.some((e) => e.type === 'response.output_text.delta')).toBe(true);
    expect(events.some((e) => e.type === 'response.completed' || e.type === 'response.output_text.done')).toBe(false);
    expect(INPUT.startsWith(joinedDeltas(events))).toBe(true);
    expect(joinedDeltas(events).length).toBeLessThan(INPUT.length);
  });

  it('mock-cut: a JSON call loses its connection before any header', async () => {
    const err = await rejection(sdk(mock).responses.create({ model: 'mock-cut', input: INPUT }));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('mock-reset: the connection is reset before headers', async () => {
    const err = await rejection(postJson(mock, '/v1/chat/completions', { model: 'mock-reset', messages: [] }));
    expect(err).toBeInstanceOf(TypeError);
  });

  it('mock-stall: some deltas, then silence on an open socket, released when the client leaves', () =>
    withFreshMock(async (fresh) => {
      const agent = new Agent();
      const body = JSON.stringify({ model: 'mock-stall', input: INPUT, stream: true });
      const res = await request(fresh.url + '/v1/responses', { method: 'POST', body, dispatcher: agent });
      let text = '';
      res.body.setEncoding('utf8');
      res.body.on('data', (chunk: string) => (text += chunk));
      expect(await eventually(() => text.includes('response.output_text.delta'))).toBe(true);
      const seen = text.length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(text.length).toBe(seen);
      expect(res.body.readableEnded).toBe(false);
      expect(text).not.toContain('response.completed');
      expect(fresh.openConnections()).toBe(1);
      res.body.destroy();
      expect(await eventually(() => fresh.openConnections() === 0)).toBe(true);
      await agent.close();
    }));

  it('mock-hang: no headers until the SDK gives up', async () => {
    mock.clearRequests();
    const started = Date.now();
    const err = await rejection(sdk(mock).responses.create({ model: 'mock-hang', input: 'hi' }, { timeout: 300 }));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(mock.requests().map((r) => r.path)).toEqual(['/v1/responses']);
  });

  it('mock-hang: the socket is released when the client aborts', () =>
    withFreshMock(async (fresh) => {
      const agent = new Agent();
      const body = JSON.stringify({ model: 'mock-hang', input: 'hi' });
      const err = await rejection(request(fresh.url + '/v1/responses', { method: 'POST', body, dispatcher: agent, signal: AbortSignal.timeout(200) }));
      expect(err).toBeInstanceOf(Error);
      expect(await eventually(() => fresh.openConnections() === 0)).toBe(true);
      expect(fresh.connectionsSeen()).toBeGreaterThanOrEqual(1);
      await agent.close();
    }));

  it('mock-slow: waits 500 ms before the first byte and 100 ms between deltas', async () => {
    let started = Date.now();
    await sdk(mock).responses.create({ model: 'mock-slow', input: 'a b' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    started = Date.now();
    const res = await postJson(mock, '/v1/responses', { model: 'mock-slow', input: 'a b c d', stream: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    const frames = parseSse(await res.text());
    expect(frames.filter((f) => f.event === 'response.output_text.delta')).toHaveLength(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450 + 3 * 90);
  });
});

describe('framing variants the SDK must parse', () => {
  async function sdkText(model: string): Promise<{ types: string[]; text: string; final: string }> {
    const events = await collect(await sdk(mock).responses.create({ model, input: INPUT, stream: true }));
    const helper = await sdk(mock).responses.stream({ model, input: INPUT }).finalResponse();
    return { types: events.map((e) => e.type), text: joinedDeltas(events), final: helper.output_text };
  }

  it('mock-crlf uses \\r\\n line endings only, and parses like mock-echo', async () => {
    const raw = await (await postJson(mock, '/v1/responses', { model: 'mock-crlf', input: INPUT, stream: true })).text();
    expect(raw).toContain('\r\n\r\n');
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const echo = await sdkText('mock-echo');
    expect(await sdkText('mock-crlf')).toEqual(echo);
  });

  it('mock-data-only has no event: lines, and parses like mock-echo', async () => {
    const raw = await (await postJson(mock, '/v1/responses', { model: 'mock-data-only', input: INPUT, stream: true })).text();
    expect(raw).not.toContain('event:');
    expect(parseSse(raw).length).toBeGreaterThan(10);
    expect(await sdkText('mock-data-only')).toEqual(await sdkText('mock-echo'));
  });

  it('mock-bytewise arrives in many tiny chunks, and parses like mock-echo', async () => {
    const res = await postJson(mock, '/v1/responses', { model: 'mock-bytewise', input: 'hi', stream: true });
    if (res.body === null) throw new Error('no body');
    let chunks = 0;
    let bytes = 0;
    for await (const chunk of res.body) {
      chunks += 1;
      bytes += chunk.length;
    }
    expect(chunks).toBeGreaterThan(50);
    expect(bytes / chunks).toBeLessThan(8);
    expect(await sdkText('mock-bytewise')).toEqual(await sdkText('mock-echo'));
  });

  it('mock-bad-sse has one unparsable frame, then carries on to response.completed', async () => {
    const raw = await (await postJson(mock, '/v1/responses', { model: 'mock-bad-sse', input: INPUT, stream: true })).text();
    const frames = parseSse(raw);
    const parsed: { type: string; sequence_number: number }[] = [];
    let broken = 0;
    for (const frame of frames) {
      try {
        parsed.push(JSON.parse(frame.data) as { type: string; sequence_number: number });
      } catch {
        broken += 1;
      }
    }
    expect(broken).toBe(1);
    expect(parsed[parsed.length - 1]?.type).toBe('response.completed');
    expect(parsed.map((e) => e.sequence_number)).toEqual(parsed.map((_, i) => i));
  });
});

describe('huge bodies', () => {
  it('mock-huge JSON is a 20 MB body', async () => {
    const res = await postJson(mock, '/v1/responses', { model: 'mock-huge', input: 'x' });
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(20_000_000);
    const body = (await res.json()) as { output: { content: { text: string }[] }[] };
    expect(body.output[0]?.content[0]?.text.length).toBeGreaterThanOrEqual(20 * 1024 * 1024);
  });

  it('mock-huge stream stops writing when the client leaves mid-stream', () =>
    withFreshMock(async (fresh) => {
      const agent = new Agent();
      const body = JSON.stringify({ model: 'mock-huge', input: 'x', stream: true });
      const res = await request(fresh.url + '/v1/responses', { method: 'POST', body, dispatcher: agent });
      let received = 0;
      for await (const chunk of res.body) {
        received += (chunk as Buffer).length;
        if (received > 200_000) break;
      }
      expect(received).toBeGreaterThan(200_000);
      expect(await eventually(() => fresh.openConnections() === 0, 5000)).toBe(true);
      await agent.close();
    }));
});
