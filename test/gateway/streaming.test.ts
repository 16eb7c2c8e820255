// Streams through the proxy (DESIGN.md §3 "Streams (live path)"): odd framings arrive intact with
// usage recorded; a stream that breaks or goes idle ends with the appended `error` frame; a
// client that leaves mid-stream yields one `aborted` event and closes the upstream socket.
import { request } from 'node:http';
import type { ResponseStreamEvent, ResponseUsage } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishedEventsFor, finishedFor, onlyFinishedFor } from '../helpers/finished.js';
import { eventually, postResponses, startFixedUpstream, type RawResponse } from '../helpers/http.js';
import { deltaText, frameJson, lastSequence, parseSse, type RawFrame } from '../helpers/sse.js';
import { CALLER_KEY, configYaml, DEFAULT_MODELS, model, providerKey, startStack, type Stack } from '../helpers/stack.js';
import { eventUsage } from '../helpers/usage.js';
import type { RequestFinished } from '../../src/events/types.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    yaml: configYaml({
      models: [
        ...DEFAULT_MODELS,
        model('stall-idle', 'mock-stall', { stream_timeout: 300 }),
        model('stall-idle-later', 'mock-stall', { stream_timeout: 2_000 }),
      ],
    }),
  });
});
afterAll(() => stack.close());

const INPUT = 'the quick brown fox jumps over the lazy dog again and again';

async function streamRaw(alias: string, input = INPUT): Promise<{ res: RawResponse; frames: RawFrame[] }> {
  const res = await postResponses(stack.url, { model: alias, input, stream: true });
  expect(res.status, res.body.slice(0, 500)).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
  return { res, frames: parseSse(res.body) };
}

interface Completed {
  id: string;
  output: { type: string; content?: { type: string; text: string }[] }[];
  usage: ResponseUsage;
}

/** Checks a complete Responses stream: JSON frames, gap-free sequence numbers, created … completed. */
function expectCompleteStream(frames: RawFrame[]): Completed {
  const events = frameJson(frames);
  expect(events.map((e) => e.sequence_number)).toEqual(events.map((_e, i) => i));
  expect(events[0]?.type).toBe('response.created');
  expect(events.at(-1)?.type).toBe('response.completed');
  expect(events.filter((e) => e.type === 'error')).toEqual([]);
  for (const f of frames) if (f.event !== null) expect(f.event).toBe((JSON.parse(f.data) as { type: string }).type);
  return (events.at(-1) as { response: Completed }).response;
}

function outputText(response: Completed): string {
  return response.output.flatMap((item) => item.content ?? []).filter((c) => c.type === 'output_text').map((c) => c.text).join('');
}

describe('live streams arrive intact', () => {
  it.each([
    ['one byte per write (frames split at every byte)', 'bytewise'],
    ['\\r\\n line endings', 'crlf'],
    ['data:-only frames', 'data-only'],
    ['plain framing', 'gpt'],
  ])('relays a stream written with %s, and records its usage', async (_label, alias) => {
    const { res, frames } = await streamRaw(alias);
    const completed = expectCompleteStream(frames);
    expect(deltaText(frames)).toBe(INPUT);
    expect(outputText(completed)).toBe(INPUT);
    expect(res.body).not.toContain('[DONE]');
    const event = await onlyFinishedFor(stack, res);
    expect(event).toMatchObject({ status: 200, outcome: 'ok', stream: true, alias, response_id: completed.id, error_type: null, error_code: null });
    expect(event.usage).toStrictEqual(eventUsage(completed.usage));
    expect(event.ttft_ms).not.toBeNull();
    expect(event.ttft_ms!).toBeLessThanOrEqual(event.latency_ms);
  });

  it('passes \\r\\n line endings through unchanged (no re-framing)', async () => {
    const { res } = await streamRaw('crlf');
    expect(res.body).toContain('\r\n\r\n');
    expect(res.body.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('passes data:-only frames through without adding event: lines', async () => {
    const { res, frames } = await streamRaw('data-only');
    expect(res.body).not.toMatch(/^event:/m);
    expect(frames.every((f) => f.event === null)).toBe(true);
  });

  it('relays a 500 KB stream whose terminal frame alone is several hundred KB', async () => {
    const { res, frames } = await streamRaw('long', 'go');
    const completed = expectCompleteStream(frames);
    expect(Math.max(...frames.map((f) => f.data.length))).toBeGreaterThan(300_000);
    expect(res.body.length).toBeGreaterThan(500_000);
    const text = deltaText(frames);
    expect(text.length).toBeGreaterThan(300_000);
    expect(outputText(completed)).toBe(text);
    const event = await onlyFinishedFor(stack, res);
    expect(event).toMatchObject({ outcome: 'ok', status: 200, response_id: completed.id });
    expect(event.usage).toStrictEqual(eventUsage(completed.usage));
    expect(event.usage!.output_tokens).toBeGreaterThan(10_000);
  });

  it('passes an unparseable frame through and still reads the terminal usage', async () => {
    const { res, frames } = await streamRaw('bad-sse');
    const broken = frames.filter((f) => {
      try {
        JSON.parse(f.data);
        return false;
      } catch {
        return true;
      }
    });
    expect(broken).toHaveLength(1);
    const good = frames.filter((f) => !broken.includes(f));
    const completed = (frameJson(good).at(-1) as { type: string; response: Completed });
    expect(completed.type).toBe('response.completed');
    const event = await onlyFinishedFor(stack, res);
    expect(event).toMatchObject({ outcome: 'ok', status: 200 });
    expect(event.usage).toStrictEqual(eventUsage(completed.response.usage));
  });

  it.each(['bytewise', 'crlf', 'data-only', 'long'])('gives the official SDK the full text and usage of the %s stream', async (alias) => {
    const { data: stream, response } = await stack.client().responses.create({ model: alias, input: INPUT, stream: true }).withResponse();
    let text = '';
    let usage: ResponseUsage | null | undefined;
    let last: ResponseStreamEvent | undefined;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') usage = event.response.usage;
      last = event;
    }
    expect(last?.type).toBe('response.completed');
    if (alias !== 'long') expect(text).toBe(INPUT);
    const event = await finishedFor(stack, response.headers.get('x-aisix-request-id') ?? '');
    expect(event.usage).toStrictEqual(eventUsage(usage!));
  });
});

describe('what decides and shapes a stream', () => {
  it('streams only when the body says so, whatever Accept says', async () => {
    const res = await postResponses(stack.url, { model: 'gpt', input: 'hi' }, { authorization: `Bearer ${CALLER_KEY}`, accept: 'text/event-stream' });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(await onlyFinishedFor(stack, res)).toMatchObject({ stream: false, outcome: 'ok' });
  });

  it('returns the upstream model name, not the alias, in JSON and streamed responses', async () => {
    const json = await stack.client().responses.create({ model: 'gpt', input: 'which model' });
    expect(json.model).toBe('mock-echo');
    const { frames } = await streamRaw('gpt');
    expect(expectCompleteStream(frames)).toMatchObject({ model: 'mock-echo' });
  });
});

describe('streams that break before their terminal event', () => {
  /** The appended error frame must follow the last sequence number the client saw. */
  function expectInterrupted(frames: RawFrame[], message: RegExp): void {
    const [error, failed] = frames.slice(-2);
    const before = frames.slice(0, -2);
    expect(before.length).toBeGreaterThan(1);
    const seen = frameJson(before);
    expect(seen.map((e) => e.sequence_number)).toEqual(seen.map((_e, i) => i));
    expect(seen.some((e) => e.type === 'response.output_text.delta')).toBe(true);
    expect(seen.some((e) => typeof e.type === 'string' && ['response.completed', 'response.incomplete', 'response.failed'].includes(e.type))).toBe(false);
    expect(error?.event).toBe('error');
    const errorJson = JSON.parse(error?.data ?? '') as { message: string };
    expect(errorJson).toStrictEqual({
      type: 'error',
      code: 'upstream_stream_interrupted',
      message: expect.stringMatching(message),
      sequence_number: lastSequence(before) + 1,
    });
    // then the terminal failure, with the same reason, for clients that only read terminal events
    expect(failed?.event).toBe('response.failed');
    const created = seen.find((e) => e.type === 'response.created') as { response: { id: string } } | undefined;
    expect(JSON.parse(failed?.data ?? '')).toMatchObject({
      type: 'response.failed',
      sequence_number: lastSequence(before) + 2,
      response: { id: created?.response.id, status: 'failed', error: { code: 'upstream_stream_interrupted', message: errorJson.message } },
    });
  }

  async function expectInterruptedEvent(res: RawResponse): Promise<void> {
    const event = await onlyFinishedFor(stack, res);
    expect(event).toMatchObject({
      status: 200, stream: true, outcome: 'upstream_error', error_type: 'upstream_error', error_code: 'upstream_stream_interrupted', usage: null,
    });
  }

  it('ends a stream the upstream cut with an error frame numbered after the last one seen', async () => {
    const { res, frames } = await streamRaw('cut');
    expectInterrupted(frames, /./);
    await expectInterruptedEvent(res);
  });

  it('ends a stream that went idle past the model stream timeout with the same error frame', async () => {
    // the model's 300 ms (named in the frame), not the proxy's 10 s: the same stall under a
    // 2 s stream_timeout, sent once the first one reached the upstream, must be cut after it
    const id = 'stall-idle-1';
    const send = (alias: string, requestId: string) =>
      postResponses(stack.url, { model: alias, input: INPUT, stream: true }, { authorization: `Bearer ${CALLER_KEY}`, 'x-aisix-request-id': requestId });
    const stalled = send('stall-idle', id);
    expect(await eventually(() => stack.mock.requests().some((r) => r.headers['x-aisix-request-id'] === id))).toBe(true);
    const later = send('stall-idle-later', `${id}-later`);
    const res = await stalled;
    expect(res.status).toBe(200);
    expectInterrupted(parseSse(res.body), /300 ms/);
    await expectInterruptedEvent(res);
    expectInterrupted(parseSse((await later).body), /2000 ms/);
    await finishedFor(stack, `${id}-later`);
    expect(stack.events.map((e) => e.id).filter((e) => e.startsWith(id))).toEqual([id, `${id}-later`]);
  });

  it('lets the official SDK see the error event, then response.failed with the same reason, as the last events of a cut stream', async () => {
    const stream = await stack.client().responses.create({ model: 'cut', input: INPUT, stream: true });
    const types: string[] = [];
    let last: ResponseStreamEvent | undefined;
    for await (const event of stream) {
      types.push(event.type);
      last = event;
    }
    expect(types).toContain('response.output_text.delta');
    expect(types).not.toContain('response.completed');
    expect(types.slice(-2)).toEqual(['error', 'response.failed']);
    expect(last).toMatchObject({ type: 'response.failed', sequence_number: types.length - 1, response: { status: 'failed', error: { code: 'upstream_stream_interrupted' } } });
  });
});

describe('streams from a hand-written upstream', () => {
  const frame = (data: Record<string, unknown>): string => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;
  const usage = { input_tokens: 3, output_tokens: 2, total_tokens: 5, input_tokens_details: { cached_tokens: 1 }, output_tokens_details: { reasoning_tokens: 0 } };
  const head =
    frame({ type: 'response.created', sequence_number: 0, response: { id: 'resp_hand1', status: 'in_progress', output: [] } }) +
    frame({ type: 'response.output_text.delta', sequence_number: 1, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hello' }) +
    frame({ type: 'response.output_text.delta', sequence_number: 2, item_id: 'msg_1', output_index: 0, content_index: 0, delta: ' there' });
  const terminal = (type: string, extra: Record<string, unknown> = {}): string =>
    frame({ type, sequence_number: 3, response: { id: 'resp_hand1', status: type.slice('response.'.length), output: [], usage, ...extra } });

  /** A stack whose only model streams `body` (status 200, text/event-stream) and then ends the response. */
  async function handStack(body: string): Promise<{ own: Stack; close(): Promise<void> }> {
    const upstream = await startFixedUpstream(200, 'text/event-stream', body);
    const own = await startStack({ yaml: configYaml({ provider_keys: [providerKey('mock', '${HAND_URL}/v1')] }), env: { HAND_URL: upstream.url } });
    return { own, close: async () => { await own.close(); await upstream.close(); } };
  }

  async function streamFrom(body: string): Promise<{ res: RawResponse; event: RequestFinished }> {
    const { own, close } = await handStack(body);
    try {
      const res = await postResponses(own.url, { model: 'gpt', input: 'x', stream: true });
      expect(res.status).toBe(200);
      return { res, event: await onlyFinishedFor(own, res) };
    } finally {
      await close();
    }
  }

  function expectErrorFrameAfter(res: RawResponse, lastCompleteSequence: number): void {
    const frames = parseSse(res.body);
    expect(frames.at(-2)?.event).toBe('error');
    expect(JSON.parse(frames.at(-2)?.data ?? '')).toStrictEqual({
      type: 'error', code: 'upstream_stream_interrupted', message: expect.any(String), sequence_number: lastCompleteSequence + 1,
    });
    expect(frames.at(-1)?.event).toBe('response.failed');
    expect(JSON.parse(frames.at(-1)?.data ?? '')).toMatchObject({ sequence_number: lastCompleteSequence + 2, response: { id: 'resp_hand1', status: 'failed' } });
  }

  it.each(['response.incomplete', 'response.failed'])('reads usage from a %s terminal event and appends nothing', async (type) => {
    const body = head + terminal(type, type === 'response.failed' ? { error: { code: 'server_error', message: 'model crashed' } } : {});
    const { res, event } = await streamFrom(body);
    expect(res.body).toBe(body);
    expect(event.usage).toStrictEqual({ input_tokens: 3, output_tokens: 2, total_tokens: 5, cached_tokens: 1, reasoning_tokens: 0, cache_creation_tokens: 0 });
    expect(event.response_id).toBe('resp_hand1');
    if (type === 'response.failed') expect(event).toMatchObject({ outcome: 'upstream_error', error_code: 'server_error' });
    else expect(event).toMatchObject({ outcome: 'ok' });
  });

  it('records an in-band error in the nested form OpenAI sends (error, then response.failed), relayed untouched', async () => {
    const error = { type: 'insufficient_quota', code: 'insufficient_quota', message: 'You exceeded your current quota.', param: null };
    const body =
      head +
      frame({ type: 'error', sequence_number: 3, error }) +
      frame({ type: 'response.failed', sequence_number: 4, response: { id: 'resp_hand1', status: 'failed', output: [], error: { code: 'insufficient_quota', message: error.message }, usage: null } });
    const { res, event } = await streamFrom(body);
    expect(res.body).toBe(body);
    expect(event).toMatchObject({ status: 200, outcome: 'upstream_error', error_type: 'insufficient_quota', error_code: 'insufficient_quota', usage: null });
    expect(event.error_message).toBe('You exceeded your current quota.');
  });

  it('records an in-band error in the flat schema form', async () => {
    const body = head + frame({ type: 'error', sequence_number: 3, code: 'server_error', message: 'Sorry, something went wrong.', param: null });
    const { res, event } = await streamFrom(body);
    expect(res.body).toBe(body);
    expect(event).toMatchObject({ outcome: 'upstream_error', error_type: 'upstream_error', error_code: 'server_error', error_message: 'Sorry, something went wrong.' });
  });

  it('keeps the appended error frame readable when the upstream stopped in the middle of a frame', async () => {
    const { res, event } = await streamFrom(`${head}event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":3,"del`);
    expectErrorFrameAfter(res, 2);
    expect(event).toMatchObject({ outcome: 'upstream_error', error_code: 'upstream_stream_interrupted' });
  });

  it('treats a terminal frame cut short as an interrupted stream, not a completed one', async () => {
    const whole = terminal('response.completed');
    const { res, event } = await streamFrom(head + whole.slice(0, Math.floor(whole.length / 2)));
    expectErrorFrameAfter(res, 2);
    expect(event).toMatchObject({ outcome: 'upstream_error', error_code: 'upstream_stream_interrupted', usage: null });
  });
});

describe('a client that leaves mid-stream', () => {
  let own: Stack;
  beforeAll(async () => {
    own = await startStack();
  });
  afterAll(() => own.close());

  /**
   * Sends the aborted request again (same slow model, same input) and reads it to the end: once
   * its request.finished is out, the upstream would have finished the earlier one too, so any
   * second event for it would have been emitted.
   */
  async function twinFinished(id: string): Promise<void> {
    const res = await postResponses(own.url, { model: 'slow', input: INPUT, stream: true }, { authorization: `Bearer ${CALLER_KEY}`, 'x-aisix-request-id': id });
    expect(res.status).toBe(200);
    expect(await finishedFor(own, id, 15_000)).toMatchObject({ outcome: 'ok' });
  }

  it('keeps the upstream connection open after a completed stream (keep-alive), as a baseline', async () => {
    const stream = await own.client().responses.create({ model: 'gpt', input: 'baseline', stream: true });
    for await (const _event of stream) {
      // drain
    }
    expect(own.mock.openConnections()).toBe(1);
  });

  it('records one aborted event with status 499 and closes the upstream connection', async () => {
    const controller = new AbortController();
    const { data: stream, response } = await own
      .client()
      .responses.create({ model: 'slow', input: INPUT, stream: true }, { signal: controller.signal })
      .withResponse();
    const id = response.headers.get('x-aisix-request-id') ?? '';
    let deltas = 0;
    for await (const event of stream) {
      if (event.type !== 'response.output_text.delta') continue;
      deltas++;
      expect(own.mock.openConnections()).toBeGreaterThanOrEqual(1);
      controller.abort();
    }
    expect(deltas).toBe(1);
    const event = await finishedFor(own, id);
    expect(event).toMatchObject({ status: 499, outcome: 'aborted', stream: true, alias: 'slow', caller: 'dev' });
    expect(await eventually(() => own.mock.openConnections() === 0)).toBe(true);
    await twinFinished(`${id}-twin`); // the mock would have sent its remaining deltas by now
    expect(finishedEventsFor(own, id)).toHaveLength(1);
  });

  it('records one aborted event when the client leaves before the upstream answered', async () => {
    const id = 'abort-before-headers';
    const req = request(`${own.url}/v1/responses`, {
      method: 'POST', agent: false,
      headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json', 'x-aisix-request-id': id },
    });
    req.on('error', () => undefined);
    req.end(JSON.stringify({ model: 'slow', input: INPUT, stream: true }));
    await eventually(() => own.mock.requests().some((r) => r.headers['x-aisix-request-id'] === id));
    req.destroy();
    const event = await finishedFor(own, id);
    expect(event).toMatchObject({ status: 499, outcome: 'aborted', stream: true });
    expect(await eventually(() => own.mock.openConnections() === 0)).toBe(true);
    await twinFinished(`${id}-twin`); // the upstream would have answered the abandoned request by now
    expect(finishedEventsFor(own, id)).toHaveLength(1);
  });
});
