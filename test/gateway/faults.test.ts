// Injected faults (DESIGN.md §12) through the real loader, gateway and mock, seen by the official
// SDKs (maxRetries 0): a `status` answered as written at the client (no upstream call, no retries,
// Retry-After, an OpenAI envelope; Anthropic's on Messages) or as the upstream's answer (retries and
// failover apply); a delay before the headers; a stream cut after N events (the documented error and
// response.failed frames), a client connection dropped after N events, a stall, a frame or body
// that is not JSON; the `x-aisix-fault` header; seeded sequences that repeat exactly; and the marks
// the event, the line reporter and the TUI show.
import OpenAI, { APIConnectionTimeoutError, APIError } from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestFinished } from '../../src/events/types.js';
import { formatRequestLine } from '../../src/reporters/line.js';
import { rowCells } from '../../src/reporters/tui/row-cells.js';
import { finishedFor, requestIdOf } from '../helpers/finished.js';
import { jsonOf, rawRequest } from '../helpers/http.js';
import { parseSse } from '../helpers/sse.js';
import { apiKey, CALLER_KEY, configYaml, DEFAULT_MODELS, model, providerKey, startStack, type Entry, type Stack } from '../helpers/stack.js';

const stacks: Stack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

const claude = { display_name: 'sonnet', provider: 'anthropic', model_name: 'mock-echo', provider_key: 'claude' };

async function withFaults(faults: Entry[], proxy: Entry = {}, models: Entry[] = []): Promise<Stack> {
  const stack = await startStack({
    env: { OTHER_KEY: 'sk-other-caller' },
    yaml: configYaml({
      proxy: { faults, ...proxy },
      provider_keys: [providerKey('mock'), { display_name: 'claude', provider: 'anthropic', api_key: '${UPSTREAM_KEY}', api_base: '${MOCK_URL}' }],
      models: [...DEFAULT_MODELS, claude, ...models],
      api_keys: [apiKey('dev', 'CALLER_KEY'), apiKey('other', 'OTHER_KEY')],
    }),
  });
  stacks.push(stack);
  return stack;
}

async function sdkError(promise: Promise<unknown>): Promise<APIError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  if (!(err instanceof APIError)) throw new Error(`expected an APIError, got ${String(err)}`);
  return err;
}

function upstreamCalls(stack: Stack): number {
  return stack.mock.requests().filter((r) => r.path.startsWith('/v1/')).length;
}

const post = (stack: Stack, body: unknown, headers: Record<string, string> = {}) =>
  rawRequest(stack.url, { path: '/v1/responses', headers: { 'content-type': 'application/json', authorization: `Bearer ${CALLER_KEY}`, ...headers }, body: JSON.stringify(body) });

async function eventOf(stack: Stack, res: { headers: Record<string, unknown> }): Promise<RequestFinished> {
  return finishedFor(stack, requestIdOf(res as Parameters<typeof requestIdOf>[0]));
}

describe('status faults', () => {
  it('at the client (the default): answered exactly as written, with Retry-After and an OpenAI envelope; no upstream call, no retries', async () => {
    const stack = await withFaults([{ match: { alias: 'gpt' }, fault: { status: 503, retry_after_s: 30 } }], {}, [model('retrying', 'mock-echo', { retries: 2 })]);
    const err = await sdkError(stack.client().responses.create({ model: 'gpt', input: 'hello' }));
    expect(err.status).toBe(503);
    expect(err.headers?.get('retry-after')).toBe('30');
    expect(err.error).toMatchObject({ type: 'server_error', message: 'aisix fault: injected status 503 (proxy.faults[0])' });
    const [event] = await stack.waitForEvents(1);
    expect(event).toMatchObject({ status: 503, outcome: 'upstream_error', error_type: 'server_error', fault: 'status', attempts: [] });
    expect(upstreamCalls(stack)).toBe(0);
    // other aliases are untouched
    expect((await stack.client().responses.create({ model: 'retrying', input: 'fine' })).output_text).toBe('fine');
  });

  it('429 reads as OpenAI rate limit (RateLimitError, rate_limit_exceeded); on Messages the envelope is Anthropic\'s', async () => {
    const stack = await withFaults([{ match: { alias: 'gpt' }, fault: { status: 429, retry_after_s: 2 } }, { match: { alias: 'sonnet' }, fault: { status: 503 } }]);
    const err = await sdkError(stack.client().chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] }));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.code).toBe('rate_limit_exceeded');
    expect(err.type).toBe('requests');
    const anthropic = new Anthropic({ baseURL: stack.url, apiKey: CALLER_KEY, maxRetries: 0 });
    const over = await anthropic.messages.create({ model: 'sonnet', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }).then(() => null, (e: unknown) => e);
    expect(over).toBeInstanceOf(Anthropic.InternalServerError);
    expect((over as InstanceType<typeof Anthropic.APIError>).status).toBe(503);
    expect((over as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });

  it('at the upstream: each attempt meets it, so the retry budget is spent and the client gets the 502 of an upstream 503', async () => {
    const stack = await withFaults([{ match: { alias: 'retrying' }, at: 'upstream', fault: { status: 503, retry_after_s: 0 } }], {}, [model('retrying', 'mock-echo', { retries: 2 })]);
    const err = await sdkError(stack.client().responses.create({ model: 'retrying', input: 'hello' }));
    expect(err.status).toBe(502);
    expect(err.code).toBe('upstream_503');
    const [event] = await stack.waitForEvents(1);
    expect(event!.attempts.map((a) => a.status)).toEqual([503, 503, 503]);
    expect(event!.fault).toBe('status');
    expect(upstreamCalls(stack)).toBe(0);
  });

  it('at the upstream with a rate: a retry gets through (seeded), and the event keeps the fault and the tries', async () => {
    // seed 8 draws 0.156 then 0.625: the first attempt fails, the retry is the upstream's answer
    const stack = await withFaults([{ match: { alias: 'retrying' }, at: 'upstream', rate: 0.5, fault: { status: 500 } }], { faults_seed: 8 }, [model('retrying', 'mock-echo', { retries: 2 })]);
    expect((await stack.client().responses.create({ model: 'retrying', input: 'flaky' })).output_text).toBe('flaky');
    const [event] = await stack.waitForEvents(1);
    expect(event!.attempts.map((a) => a.status)).toEqual([500, 200]);
    expect(event).toMatchObject({ outcome: 'ok', fault: 'status' });
    expect(formatRequestLine(event!)).toMatch(/ FAULT status 2 tries$/);
  });

  it('at the upstream, matched by a routing target: the routing model fails over to the next one', async () => {
    const routed = { display_name: 'routed', routing: { targets: [{ model: 'primary', priority: 1 }, { model: 'backup', priority: 0 }] } };
    const stack = await withFaults([{ match: { alias: 'primary' }, at: 'upstream', fault: { status: 503 } }], {}, [model('primary', 'mock-echo'), model('backup', 'mock-echo'), routed]);
    const { data, response } = await stack.client().responses.create({ model: 'routed', input: 'fail over' }).withResponse();
    expect(data.output_text).toBe('fail over');
    expect(response.headers.get('x-aisix-served-by')).toBe('backup');
    const [event] = await stack.waitForEvents(1);
    expect(event!.attempts.map((a) => [a.target, a.status])).toEqual([['primary', 503], ['backup', 200]]);
  });

  it('matches callers by their display_name', async () => {
    const stack = await withFaults([{ match: { caller: 'oth*' }, fault: { status: 500 } }]);
    expect((await stack.client().responses.create({ model: 'gpt', input: 'me' })).output_text).toBe('me');
    expect((await sdkError(stack.client('sk-other-caller').responses.create({ model: 'gpt', input: 'them' }))).status).toBe(500);
  });
});

describe('delays', () => {
  it('delay_ms holds the headers back (a client timeout shorter than it fires)', async () => {
    const stack = await withFaults([{ match: { alias: 'gpt' }, fault: { delay_ms: 300 } }]);
    const started = performance.now();
    expect((await stack.client().responses.create({ model: 'gpt', input: 'late' })).output_text).toBe('late');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    const impatient = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: CALLER_KEY, maxRetries: 0, timeout: 100 });
    await expect(impatient.responses.create({ model: 'gpt', input: 'too late' })).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    const [first] = await stack.waitForEvents(1);
    expect(first!.fault).toBe('delay');
  });

  it('at the upstream a delay counts against the model timeout: 504', async () => {
    const stack = await withFaults([{ match: { alias: 'slowish' }, at: 'upstream', fault: { delay_ms: 2000 } }], {}, [model('slowish', 'mock-echo', { timeout: 150 })]);
    const err = await sdkError(stack.client().responses.create({ model: 'slowish', input: 'x' }));
    expect(err.status).toBe(504);
    expect(upstreamCalls(stack)).toBe(0);
  });
});

describe('stream faults', () => {
  it('cut_after_events: the SDK sees exactly N events, then the error and response.failed frames of a broken upstream', async () => {
    const stack = await withFaults([{ match: { alias: 'gpt' }, fault: { cut_after_events: 3 } }]);
    const types: string[] = [];
    for await (const event of await stack.client().responses.create({ model: 'gpt', input: 'one two three four five', stream: true })) types.push(event.type);
    expect(types).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'error', 'response.failed']);
    const [event] = await stack.waitForEvents(1);
    expect(event).toMatchObject({ status: 200, outcome: 'upstream_error', error_code: 'upstream_stream_interrupted', fault: 'cut' });
    expect(event!.error_message).toContain('aisix fault: cut after 3 events (proxy.faults[0])');
    const row = { seq: 1, id: event!.id, method: 'POST', path: '/v1/responses', time: event!.time, startedAt: 0, finished: event!, kind: 'error' as const };
    expect(rowCells(row, 0).note.text).toContain('FAULT cut');
    expect(formatRequestLine(event!)).toContain(' FAULT cut');
  });

  it('cut_after_events on a chat stream: the SDK throws the interruption as an APIError', async () => {
    const stack = await withFaults([{ match: { alias: 'gpt' }, at: 'upstream', fault: { cut_after_events: 1 } }]);
    const chunks: unknown[] = [];
    const failure = await (async () => {
      for await (const chunk of await stack.client().chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'a b c d' }], stream: true })) chunks.push(chunk);
    })().then(() => null, (e: unknown) => e);
    expect(chunks).toHaveLength(1);
    expect(failure).toBeInstanceOf(APIError);
    expect(String((failure as APIError).message)).toContain('aisix fault: cut after 1 event');
  });

  it('reset_after_events: the client connection drops after N events (the SDK gets a connection error, not an API error)', async () => {
    const stack = await withFaults([{ match: { alias: 'gpt' }, fault: { reset_after_events: 2 } }]);
    const types: string[] = [];
    const failure = await (async () => {
      for await (const event of await stack.client().responses.create({ model: 'gpt', input: 'one two three', stream: true })) types.push(event.type);
    })().then(() => null, (e: unknown) => e);
    expect(types).toEqual(['response.created', 'response.in_progress']);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(APIError);
    const [event] = await stack.waitForEvents(1);
    expect(event).toMatchObject({ status: 200, outcome: 'upstream_error', error_code: 'connection_reset', fault: 'reset' });
  });

  it('reset_after_events: 0 drops the connection before any answer', async () => {
    const stack = await withFaults([{ match: { alias: 'gpt' }, fault: { reset_after_events: 0 } }]);
    const failure = await stack.client().responses.create({ model: 'gpt', input: 'x', stream: true }).then(() => null, (e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('stall_ms at the client: silence after the first event, then the rest of the stream', async () => {
    const stack = await withFaults([{ match: { alias: 'gpt' }, fault: { stall_ms: 300 } }]);
    const times: number[] = [];
    const types: string[] = [];
    for await (const event of await stack.client().responses.create({ model: 'gpt', input: 'wait for it', stream: true })) {
      times.push(performance.now());
      types.push(event.type);
    }
    expect(types.at(-1)).toBe('response.completed');
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(280);
    const [event] = await stack.waitForEvents(1);
    expect(event).toMatchObject({ outcome: 'ok', fault: 'stall' });
  });

  it('stall_ms at the upstream past the stream timeout: broken by it, as a silent upstream is', async () => {
    const stack = await withFaults([{ match: { alias: 'idle' }, at: 'upstream', fault: { stall_ms: 5000 } }], {}, [model('idle', 'mock-echo', { stream_timeout: 200 })]);
    const res = await post(stack, { model: 'idle', input: 'hello there', stream: true });
    const frames = parseSse(res.body);
    expect(frames.map((f) => f.event)).toEqual(['response.created', 'error', 'response.failed']);
    expect(JSON.parse(frames[1]!.data)).toMatchObject({ code: 'upstream_stream_interrupted', message: 'the upstream stream went idle for longer than 200 ms' });
  });

  it('malformed on a stream: a frame that is not JSON after the first event (the SDK throws SyntaxError)', async () => {
    const stack = await withFaults([{ match: { alias: 'gpt' }, fault: { malformed: true } }]);
    const types: string[] = [];
    const failure = await (async () => {
      for await (const event of await stack.client().responses.create({ model: 'gpt', input: 'x y', stream: true })) types.push(event.type);
    })().then(() => null, (e: unknown) => e);
    expect(types).toEqual(['response.created']);
    expect(failure).toBeInstanceOf(SyntaxError);
    const raw = await post(stack, { model: 'gpt', input: 'x y', stream: true });
    const frames = parseSse(raw.body);
    expect(frames[1]).toEqual({ event: 'response.created', data: '{"aisix_fault": malformed, this frame is not JSON' });
    expect(frames.at(-1)?.event).toBe('response.completed');
  });

  it('malformed on a JSON answer: the body cut in half (the SDK cannot parse it)', async () => {
    const stack = await withFaults([{ match: { alias: 'gpt' }, fault: { malformed: true } }]);
    const failure = await stack.client().responses.create({ model: 'gpt', input: 'half of me' }).then(() => null, (e: unknown) => e);
    expect(failure).toBeInstanceOf(SyntaxError);
    const res = await post(stack, { model: 'gpt', input: 'half of me' });
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.body)).toThrow();
    expect(res.body.startsWith('{"id":"resp_')).toBe(true);
    expect((await eventOf(stack, res)).fault).toBe('malformed');
  });

  it('stream-only kinds leave JSON answers alone (and the event unmarked)', async () => {
    const stack = await withFaults([{ match: { alias: 'gpt' }, fault: { cut_after_events: 1 } }]);
    const res = await post(stack, { model: 'gpt', input: 'whole' });
    expect((jsonOf(res) as { output: unknown[] }).output).toHaveLength(1);
    expect((await eventOf(stack, res)).fault).toBeNull();
  });
});

describe('the x-aisix-fault header', () => {
  it('with proxy.fault_header: true, a request header injects its fault, instead of the rules', async () => {
    const stack = await withFaults([{ match: { alias: 'gpt' }, fault: { status: 500 } }], { fault_header: true });
    const res = await post(stack, { model: 'gpt', input: 'x' }, { 'x-aisix-fault': 'status=503; retry_after_s=30' });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(jsonOf(res)).toEqual({ error: { message: 'aisix fault: injected status 503 (the x-aisix-fault header)', type: 'server_error' } });
    const cut = await post(stack, { model: 'gpt', input: 'a b c', stream: true }, { 'x-aisix-fault': 'cut_after_events=2' });
    expect(parseSse(cut.body).map((f) => f.event)).toEqual(['response.created', 'response.in_progress', 'error', 'response.failed']);
    const upstream = await post(stack, { model: 'gpt', input: 'x' }, { 'x-aisix-fault': 'status=429; at=upstream; rate=1' });
    expect(upstream.status).toBe(429);
    // the header stands in for the rules: a harmless header means the rule does not fire
    expect((await post(stack, { model: 'gpt', input: 'x' }, { 'x-aisix-fault': 'delay_ms=0' })).status).toBe(200);
  });

  it('a header that cannot be read is a 400 naming the problem', async () => {
    const stack = await withFaults([], { fault_header: true });
    for (const [value, message] of [
      ['status=200', 'x-aisix-fault: `status` must be an integer from 400 to 599'],
      ['status=503; delay_ms=5', 'x-aisix-fault: sets `status` and `delay_ms`: a fault is exactly one of'],
      ['explode=1', 'x-aisix-fault: unknown field `explode` (known: status, retry_after_s, delay_ms, cut_after_events, reset_after_events, stall_ms, malformed, at, rate)'],
      ['status=503; at=somewhere', 'x-aisix-fault: `at` must be one of client, upstream'],
      ['malformed; rate=2', 'x-aisix-fault: `rate` must be a number from 0 to 1'],
    ]) {
      const res = await post(stack, { model: 'gpt', input: 'x' }, { 'x-aisix-fault': value! });
      expect(res.status, value).toBe(400);
      expect((jsonOf(res) as { error: { message: string } }).error.message, value).toContain(message!);
    }
  });

  it('is ignored unless proxy.fault_header is true', async () => {
    const stack = await withFaults([]);
    const res = await post(stack, { model: 'gpt', input: 'x' }, { 'x-aisix-fault': 'status=503' });
    expect(res.status).toBe(200);
    expect((await eventOf(stack, res)).fault).toBeNull();
  });
});

describe('seeded faults', () => {
  const run = async (seed: number): Promise<number[]> => {
    const stack = await withFaults([{ match: { alias: 'gpt' }, rate: 0.5, fault: { status: 503 } }], { faults_seed: seed });
    const statuses: number[] = [];
    for (let i = 0; i < 24; i++) statuses.push((await post(stack, { model: 'gpt', input: `n${i}` })).status);
    return statuses;
  };

  it('repeat exactly with the same proxy.faults_seed, and differ with another', async () => {
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 503]));
    expect(await run(43)).not.toEqual(first);
  });
});
