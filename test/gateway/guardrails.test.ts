// Guardrails through the proxy (issue 4 "Tests", DESIGN.md §3 "Guardrails"): input block/mask/
// monitor, output block and mask on JSON and on held-back streams (no content byte reaches the
// client before the verdict), monitor mode that never delays a stream, and the hold-back cap.
// Whether a stream was held or live is told by what the upstream had sent when each delta reached
// the client (a scripted upstream below), never by how far apart the deltas arrived.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APIError } from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuardrailHit } from '../../src/events/types.js';
import { textTurn } from '../guardrails/fixtures.js';
import { expectErrorResponse } from '../helpers/envelope.js';
import { finishedEventsFor, finishedFor, onlyFinishedFor, requestIdOf } from '../helpers/finished.js';
import { eventually, jsonOf, postResponses, rawRequest, startFixedUpstream, type RawResponse } from '../helpers/http.js';
import { deltaText, frameJson, parseSse } from '../helpers/sse.js';
import {
  configYaml, DEFAULT_MODELS, keywordGuardrail, model, piiGuardrail, providerKey, startStack, type ConfigParts, type Entry, type Stack,
} from '../helpers/stack.js';
import { directUsage } from '../helpers/usage.js';

const INTERNAL_ONLY = '(?i)internal[-_ ]only';
const CODENAMES = keywordGuardrail('no-codenames', ['project falcon', { regex: INTERNAL_ONLY }]);
const WATCH = keywordGuardrail('watch', ['falcon'], { enforcement_mode: 'monitor' });
const BLOCKED_INPUT = "request blocked by content policy (guardrail 'no-codenames')";
const BLOCKED_OUTPUT = "response blocked by content policy (guardrail 'no-codenames')";
const EMAIL = 'jane.doe@example.com';

const stacks: Stack[] = [];
const upstreams: { close(): Promise<void> }[] = [];
/** A stack on the default file with `parts` changed; `env` for extra `${VAR}`s. Closed after all tests. */
async function stackWith(parts: ConfigParts, env: Record<string, string> = {}): Promise<Stack> {
  const stack = await startStack({ yaml: configYaml(parts), env });
  stacks.push(stack);
  return stack;
}
afterAll(async () => {
  await Promise.all(stacks.map((s) => s.close()));
  await Promise.all(upstreams.map((u) => u.close()));
});

const hit = (name: string, stage: GuardrailHit['stage'], action: GuardrailHit['action'], rule: string): GuardrailHit => ({ name, stage, action, rule });

/**
 * Sends `body` and returns the response plus how many requests the mock received for it (counted
 * once the request's request.finished is out, so the gateway is done with it).
 */
async function send(stack: Stack, body: Record<string, unknown>): Promise<{ res: RawResponse; upstream: number }> {
  const before = stack.mock.requests().length;
  const res = await postResponses(stack.url, body);
  await finishedFor(stack, requestIdOf(res));
  return { res, upstream: stack.mock.requests().length - before };
}

/** One SSE frame per event, numbered from 0, as OpenAI writes them. */
function sseFrames(events: Record<string, unknown>[]): string[] {
  return events.map((e, i) => `event: ${String(e.type)}\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\n\n`);
}

interface ScriptedUpstream {
  url: string;
  /** frames of the stream not written yet */
  unsent(): number;
  /** lets the next step go: every frame up to and including the next text delta (the tail after the last) */
  release(): void;
  /** resolves once the first step (everything up to the first delta) was handed to the socket */
  firstStepWritten: Promise<void>;
  /** resolves when the connection of the request being served closes */
  connectionClosed: Promise<void>;
  /** gated mode: true when the failsafe had to let the frames go because nobody released them */
  forced(): boolean;
  close(): Promise<void>;
}

/**
 * A Responses upstream that streams `deltas` (created … deltas … completed) in steps, each ending
 * with a delta. `paced`: a step every `gapMs` by itself. `gated`: a step only on release(); after
 * `failsafeMs` without one, the rest goes out and forced() says so (a failure guard, not a wait).
 * `hold`: the first step, then nothing until the client goes away.
 */
async function startScriptedUpstream(
  deltas: string[],
  mode: { paced: number } | { gated: number } | 'hold',
): Promise<ScriptedUpstream> {
  const frames = sseFrames(textTurn(deltas));
  const steps: string[][] = [[]];
  for (const frame of frames) {
    steps.at(-1)!.push(frame);
    if (frame.startsWith('event: response.output_text.delta')) steps.push([]);
  }
  let next = 0;
  let written = 0;
  let forced = false;
  let res: ServerResponse | null = null;
  let failsafe: NodeJS.Timeout | undefined;
  let firstWritten!: () => void;
  let closed!: () => void;
  const firstStepWritten = new Promise<void>((r) => (firstWritten = r));
  const connectionClosed = new Promise<void>((r) => (closed = r));
  const writeStep = (): void => {
    clearTimeout(failsafe);
    const step = steps[next];
    if (res === null || step === undefined) return;
    next += 1;
    written += step.length;
    const last = next === steps.length;
    const first = next === 1;
    const text = step.join('');
    if (last) res.end(text);
    else res.write(text, () => first && firstWritten());
    if (!last) schedule();
  };
  const schedule = (): void => {
    clearTimeout(failsafe);
    if (mode === 'hold') return;
    if ('paced' in mode) failsafe = setTimeout(writeStep, mode.paced);
    else {
      failsafe = setTimeout(() => {
        forced = true;
        while (next < steps.length) writeStep();
      }, mode.gated);
    }
  };
  const server = createServer((req, response) => {
    req.resume();
    req.on('end', () => {
      res = response;
      response.socket?.once('close', () => {
        clearTimeout(failsafe);
        closed();
      });
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      writeStep();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const upstream: ScriptedUpstream = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    unsent: () => frames.length - written,
    release: () => writeStep(),
    firstStepWritten,
    connectionClosed,
    forced: () => forced,
    close: () =>
      new Promise((resolve) => {
        clearTimeout(failsafe);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  upstreams.push(upstream);
  return upstream;
}

/** A stack whose `gpt` alias streams from `upstream`, with the given guardrails. */
function scriptedStack(upstream: ScriptedUpstream, guardrails: Entry[]): Promise<Stack> {
  return stackWith(
    { provider_keys: [providerKey('mock', '${SCRIPTED_URL}/v1')], models: [model('gpt', 'scripted')], guardrails },
    { SCRIPTED_URL: upstream.url },
  );
}

/** Waits until `promise` settles or `ms` pass (a failure guard); false on timeout. */
async function within(promise: Promise<unknown>, ms = 5_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const settled = promise.then(() => true, () => true);
  const result = await Promise.race([settled, timeout]);
  clearTimeout(timer);
  return result;
}

describe('a block-mode keyword guardrail on input and output', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await stackWith({
      guardrails: [CODENAMES, keywordGuardrail('off', ['harmless'], { enabled: false })],
      models: [...DEFAULT_MODELS, model('claude', 'claude-x', { provider: 'anthropic' })],
    });
  });

  it('blocks a matching request with 422 before any upstream contact, via the official SDK', async () => {
    const before = stack.mock.requests().length;
    const err = await stack.client().responses.create({ model: 'gpt', input: 'Tell me about PROJECT Falcon.' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBe(422);
    expect((err as APIError).error).toStrictEqual({ message: BLOCKED_INPUT, type: 'content_filter' });
    expect(stack.mock.requests().length).toBe(before);
  });

  it.each([
    ['the input string', { input: 'the project falcon plan' }, 'project falcon'],
    ['instructions', { instructions: 'this is INTERNAL-ONLY', input: 'hi' }, INTERNAL_ONLY],
    ['a message content part', { input: [{ role: 'user', content: [{ type: 'input_text', text: 'about project falcon' }] }] }, 'project falcon'],
    ['a function_call_output', { input: [{ type: 'function_call_output', call_id: 'c1', output: 'internal_only data' }] }, INTERNAL_ONLY],
  ])('blocks on text in %s, with the rule recorded and the matched text kept off the wire', async (_label, body, rule) => {
    const { res, upstream } = await send(stack, { model: 'gpt', ...body });
    expect(upstream).toBe(0);
    const event = await expectErrorResponse(stack, res, 422, { message: BLOCKED_INPUT, type: 'content_filter' }, 'blocked_input');
    expect(event.guardrails).toStrictEqual([hit('no-codenames', 'input', 'block', rule)]);
    expect(res.body.toLowerCase()).not.toMatch(/falcon|internal.only/);
    expect(event.error_message?.toLowerCase()).not.toMatch(/falcon|internal.only/);
  });

  it('blocks a streaming request on input with a 422 JSON error, not a stream', async () => {
    const { res, upstream } = await send(stack, { model: 'gpt', input: 'project falcon', stream: true });
    expect(upstream).toBe(0);
    const event = await expectErrorResponse(stack, res, 422, { message: BLOCKED_INPUT, type: 'content_filter' }, 'blocked_input');
    expect(event).toMatchObject({ stream: true, ttft_ms: null, usage: null });
  });

  it('applies the provider rule before input guardrails', async () => {
    const { res, upstream } = await send(stack, { model: 'claude', input: 'project falcon' });
    expect(upstream).toBe(0);
    await expectErrorResponse(stack, res, 400, { message: expect.stringContaining('claude'), type: 'invalid_request_error' }, 'provider_rejected');
  });

  it('ignores a disabled guardrail', async () => {
    const { res } = await send(stack, { model: 'gpt', input: 'a harmless question' });
    expect(res.status).toBe(200);
    expect((await onlyFinishedFor(stack, res)).guardrails).toStrictEqual([]);
  });

  it.each([['message text', 'gpt'], ['tool-call arguments', 'tool']])(
    'blocks a JSON response whose %s matches, still recording usage',
    async (_label, alias) => {
      const body = { model: alias, input: 'a clean question', metadata: { mock_output: 'Status: Project Falcon ships' } };
      const { res, upstream } = await send(stack, body);
      expect(upstream).toBe(1);
      const event = await expectErrorResponse(stack, res, 422, { message: BLOCKED_OUTPUT, type: 'content_filter' }, 'blocked_output');
      expect(event.guardrails).toStrictEqual([hit('no-codenames', 'output', 'block', 'project falcon')]);
      expect(event.usage).toStrictEqual(await directUsage(stack.mock.url, { ...body, model: `mock-${alias === 'gpt' ? 'echo' : alias}` }));
      expect(res.body.toLowerCase()).not.toContain('falcon');
    },
  );

  it('surfaces an output block as a 422 UnprocessableEntityError in the official SDK', async () => {
    const err = await stack
      .client()
      .responses.create({ model: 'gpt', input: 'clean', metadata: { mock_output: 'project falcon' } })
      .catch((e: unknown) => e);
    expect((err as APIError).status).toBe(422);
    expect((err as APIError).error).toStrictEqual({ message: BLOCKED_OUTPUT, type: 'content_filter' });
  });

  it.each([['message text', 'gpt'], ['tool-call arguments', 'tool']])(
    'answers a stream whose %s matches with a 422 JSON error and no content bytes',
    async (_label, alias) => {
      const body = { model: alias, input: 'a clean question', stream: true, metadata: { mock_output: 'the plan for project falcon is set' } };
      const { res, upstream } = await send(stack, body);
      expect(upstream).toBe(1);
      expect(res.body).not.toMatch(/^(event|data):/m);
      expect(res.body).not.toContain('response.');
      expect(res.body.toLowerCase()).not.toContain('falcon');
      expect(res.headers['content-type']).not.toMatch(/event-stream/);
      const event = await expectErrorResponse(stack, res, 422, { message: BLOCKED_OUTPUT, type: 'content_filter' }, 'blocked_output');
      expect(event).toMatchObject({ stream: true, ttft_ms: null });
      expect(event.guardrails).toStrictEqual([hit('no-codenames', 'output', 'block', 'project falcon')]);
      expect(event.usage).toStrictEqual(await directUsage(stack.mock.url, { ...body, model: `mock-${alias === 'gpt' ? 'echo' : alias}` }));
    },
  );

  it('releases a clean stream complete and in order', async () => {
    const input = 'nothing secret here at all, just words';
    const { data: stream, response } = await stack.client().responses.create({ model: 'gpt', input, stream: true }).withResponse();
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_e, i) => i));
    expect(events[0]?.type).toBe('response.created');
    expect(events.at(-1)?.type).toBe('response.completed');
    const text = events.map((e) => (e.type === 'response.output_text.delta' ? e.delta : '')).join('');
    expect(text).toBe(input);
    const event = await finishedFor(stack, response.headers.get('x-aisix-request-id') ?? '');
    expect(event).toMatchObject({ status: 200, outcome: 'ok', stream: true, guardrails: [] });
    expect(event.usage).not.toBeNull();
  });

  it('holds a block-mode stream back: no delta reaches the client before the upstream finished', async () => {
    // the upstream sends a step every 20 ms: a live relay would hand the first deltas over while
    // frames were still unsent; a held one releases them only once the terminal event is in
    const words = ['one ', 'two ', 'three ', 'four ', 'five ', 'six ', 'seven ', 'eight'];
    const upstream = await startScriptedUpstream(words, { paced: 20 });
    const own = await scriptedStack(upstream, [CODENAMES]);
    const stream = await own.client().responses.create({ model: 'gpt', input: 'count', stream: true });
    const unsentAtArrival: number[] = [];
    let text = '';
    for await (const event of stream) {
      if (event.type !== 'response.output_text.delta') continue;
      unsentAtArrival.push(upstream.unsent());
      text += event.delta;
    }
    expect(text).toBe(words.join(''));
    expect(unsentAtArrival).toHaveLength(words.length);
    expect(unsentAtArrival.every((n) => n === 0)).toBe(true);
  });

  it('records one aborted event and stops the upstream when the client leaves a held stream', async () => {
    const upstream = await startScriptedUpstream(['one ', 'two ', 'three'], 'hold');
    const own = await scriptedStack(upstream, [CODENAMES]);
    const controller = new AbortController();
    const id = 'held-abort-1';
    const pending = own
      .client()
      .responses.create({ model: 'gpt', input: 'one two three', stream: true }, { signal: controller.signal, headers: { 'x-aisix-request-id': id } })
      .catch((e: unknown) => e);
    // the upstream has sent its first frames, and the gateway has turned its event loop since
    // (a /healthz round trip), so the proxy is holding deltas the client has not seen
    await upstream.firstStepWritten;
    expect((await rawRequest(own.url, { method: 'GET', path: '/healthz' })).status).toBe(200);
    expect(upstream.unsent()).toBeGreaterThan(0);
    controller.abort();
    await pending;
    expect(await finishedFor(own, id)).toMatchObject({ status: 499, outcome: 'aborted', stream: true });
    expect(await within(upstream.connectionClosed), 'the proxy closes the upstream connection').toBe(true);
    await own.close(); // nothing is in flight any more: every event there will be has been emitted
    expect(finishedEventsFor(own, id)).toHaveLength(1);
  });

  it('answers 502 when the upstream stream breaks while held back, with nothing streamed', async () => {
    const { res } = await send(stack, { model: 'cut', input: 'a clean question', stream: true });
    expect(res.body).not.toMatch(/^(event|data):/m);
    await expectErrorResponse(stack, res, 502, { message: expect.any(String), type: 'upstream_error', code: expect.any(String) }, 'upstream_error');
  });

  it('answers 502, not a truncated 200, when the upstream ends inside its terminal frame while held back', async () => {
    const completed = JSON.stringify({ type: 'response.completed', sequence_number: 1, response: { id: 'resp_cut', status: 'completed', output: [] } });
    const body = `event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"id":"resp_cut"}}\n\nevent: response.completed\ndata: ${completed.slice(0, 60)}`;
    const upstream = await startFixedUpstream(200, 'text/event-stream', body);
    try {
      const own = await stackWith({ guardrails: [CODENAMES], provider_keys: [providerKey('mock', '${FIXED_URL}/v1')] }, { FIXED_URL: upstream.url });
      const res = await postResponses(own.url, { model: 'gpt', input: 'hi', stream: true });
      expect(res.body).not.toContain('response.created');
      await expectErrorResponse(own, res, 502, { message: expect.any(String), type: 'upstream_error', code: expect.any(String) }, 'upstream_error');
    } finally {
      await upstream.close();
    }
  });

  it('lets a 3 KB stream through under the default hold-back cap', async () => {
    const { res } = await send(stack, { model: 'gpt', input: 'lorem ipsum '.repeat(256), stream: true });
    expect(res.status).toBe(200);
    expect(frameJson(parseSse(res.body)).at(-1)?.type).toBe('response.completed');
  });
});

describe('a monitor-mode guardrail', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await stackWith({ guardrails: [WATCH] });
  });

  it('forwards a matching request unchanged and records an input monitor hit', async () => {
    const body = { model: 'gpt', input: 'what is falcon?' };
    const { res } = await send(stack, body);
    expect(res.status).toBe(200);
    const sent = stack.mock.requests().at(-1);
    expect(sent?.json).toStrictEqual({ ...body, model: 'mock-echo' });
    const event = await onlyFinishedFor(stack, res);
    expect(event).toMatchObject({ outcome: 'ok', status: 200 });
    expect(event.guardrails).toStrictEqual([hit('watch', 'input', 'monitor', 'falcon'), hit('watch', 'output', 'monitor', 'falcon')]);
  });

  it('never blocks or masks a JSON response and records an output monitor hit', async () => {
    const response = await stack.client().responses.create({ model: 'gpt', input: 'clean', metadata: { mock_output: 'Falcon lands' } }).withResponse();
    expect(response.data.output_text).toBe('Falcon lands');
    const event = await finishedFor(stack, response.response.headers.get('x-aisix-request-id') ?? '');
    expect(event.guardrails).toStrictEqual([hit('watch', 'output', 'monitor', 'falcon')]);
  });

  it('does not delay a stream: deltas arrive as the upstream sends them, and the hit is recorded at the end', async () => {
    // the upstream sends the next delta only once the client has the previous one: a relay that
    // held anything back would stall it until the failsafe lets everything go
    const words = ['falcon ', 'one ', 'two ', 'three ', 'four ', 'five ', 'six ', 'seven'];
    const upstream = await startScriptedUpstream(words, { gated: 3_000 });
    const own = await scriptedStack(upstream, [WATCH]);
    const sentAt = performance.now();
    const { data: stream, response } = await own.client().responses.create({ model: 'gpt', input: 'falcon one two three', stream: true }).withResponse();
    const unsentAtArrival: number[] = [];
    let firstDeltaAt: number | null = null;
    let text = '';
    for await (const event of stream) {
      if (event.type !== 'response.output_text.delta') continue;
      firstDeltaAt ??= performance.now();
      unsentAtArrival.push(upstream.unsent());
      text += event.delta;
      upstream.release();
    }
    expect(upstream.forced(), 'the relay held deltas back').toBe(false);
    expect(text).toBe(words.join(''));
    expect(unsentAtArrival).toHaveLength(words.length);
    expect(unsentAtArrival.every((n) => n > 0)).toBe(true); // every delta arrived while the upstream was still sending
    const event = await finishedFor(own, response.headers.get('x-aisix-request-id') ?? '');
    expect(event).toMatchObject({ outcome: 'ok', status: 200 });
    expect(event.guardrails).toStrictEqual([hit('watch', 'input', 'monitor', 'falcon'), hit('watch', 'output', 'monitor', 'falcon')]);
    // ttft is taken at the first delta (before the client saw it), not at the end of the stream
    expect(event.ttft_ms!).toBeLessThanOrEqual(firstDeltaAt! - sentAt + 0.01);
    expect(event.ttft_ms!).toBeLessThan(event.latency_ms);
  });
});

describe('a monitor-mode PII mask', () => {
  it('never masks, on input, JSON output or streams, and records monitor hits', async () => {
    const stack = await stackWith({ guardrails: [piiGuardrail('pii-watch', ['email'], { enforcement_mode: 'monitor' })] });
    const input = `reach ${EMAIL} soon`;
    const json = await send(stack, { model: 'gpt', input });
    expect(stack.mock.requests().at(-1)?.body).toContain(EMAIL);
    expect(json.res.body).toContain(EMAIL);
    expect((await onlyFinishedFor(stack, json.res)).guardrails).toStrictEqual([
      hit('pii-watch', 'input', 'monitor', 'email'), hit('pii-watch', 'output', 'monitor', 'email'),
    ]);
    const streamed = await send(stack, { model: 'gpt', input, stream: true });
    expect(deltaText(parseSse(streamed.res.body))).toBe(input);
    expect((await onlyFinishedFor(stack, streamed.res)).guardrails).toStrictEqual([
      hit('pii-watch', 'input', 'monitor', 'email'), hit('pii-watch', 'output', 'monitor', 'email'),
    ]);
  });
});

describe('a PII mask on output', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await stackWith({ guardrails: [piiGuardrail('pii-out', ['email'], { hook_point: 'output' })] });
  });
  const input = `write to ${EMAIL} before noon, please`;
  const masked = 'write to [EMAIL_REDACTED] before noon, please';

  it('masks every copy of the text in a stream: the SDK final output_text, the deltas, and the raw body', async () => {
    const stream = stack.client().responses.stream({ model: 'gpt', input });
    let deltas = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') deltas += event.delta;
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(masked);
    expect(deltas).toBe(masked);
    expect(stack.mock.requests().at(-1)?.body).toContain(EMAIL); // the input was not this guardrail's job
  });

  it('leaves no trace of the address anywhere in the raw stream', async () => {
    const { res } = await send(stack, { model: 'gpt', input, stream: true });
    expect(res.status).toBe(200);
    expect(res.body).not.toContain(EMAIL);
    expect(res.body).not.toContain('jane.doe');
    const frames = parseSse(res.body);
    expect(deltaText(frames)).toBe(masked);
    const events = frameJson(frames);
    expect(events.find((e) => e.type === 'response.output_text.done')?.text).toBe(masked);
    const event = await onlyFinishedFor(stack, res);
    expect(event).toMatchObject({ outcome: 'ok', status: 200 });
    expect(event.guardrails).toStrictEqual([hit('pii-out', 'output', 'mask', 'email')]);
  });

  it('masks a JSON response', async () => {
    const { res } = await send(stack, { model: 'gpt', input });
    expect(res.status).toBe(200);
    expect(res.body).not.toContain(EMAIL);
    const json = jsonOf(res) as { output: { content: { text: string }[] }[] };
    expect(json.output[0]?.content[0]?.text).toBe(masked);
    expect((await onlyFinishedFor(stack, res)).guardrails).toStrictEqual([hit('pii-out', 'output', 'mask', 'email')]);
  });
});

describe('PII on input', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await stackWith({
      guardrails: [piiGuardrail('pii-in', ['email'], { custom_patterns: [{ name: 'ticket', regex: 'TICKET-\\d+', action: 'block' }], hook_point: 'input' })],
    });
  });

  it('rewrites only the masked spans of the body the upstream receives', async () => {
    const body = {
      model: 'gpt',
      instructions: 'Be brief.',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'mail bob@example.org now' }] },
        { type: 'function_call_output', call_id: 'c1', output: 'sent to bob@example.org and amy@example.net' },
      ],
      temperature: 0.25,
      metadata: { keep: 'me', note: 'carol@example.com stays: metadata is not scanned' },
    };
    const { res, upstream } = await send(stack, body);
    expect(res.status).toBe(200);
    expect(upstream).toBe(1);
    const expected = structuredClone(body) as typeof body & { model: string };
    expected.model = 'mock-echo';
    expected.input[0]!.content![0]!.text = 'mail [EMAIL_REDACTED] now';
    expected.input[1]!.output = 'sent to [EMAIL_REDACTED] and [EMAIL_REDACTED]';
    const sent = stack.mock.requests().at(-1);
    expect(sent?.json).toStrictEqual(expected);
    expect(sent?.body).toBe(JSON.stringify(expected));
    expect((await onlyFinishedFor(stack, res)).guardrails).toStrictEqual([hit('pii-in', 'input', 'mask', 'email')]);
  });

  it('blocks on a block-action pattern without contacting the upstream', async () => {
    const { res, upstream } = await send(stack, { model: 'gpt', input: 'see TICKET-42 and bob@example.org' });
    expect(upstream).toBe(0);
    const event = await expectErrorResponse(
      stack, res, 422, { message: "request blocked by content policy (guardrail 'pii-in')", type: 'content_filter' }, 'blocked_input',
    );
    expect(event.guardrails).toStrictEqual([hit('pii-in', 'input', 'block', 'ticket')]);
    expect(res.body).not.toContain('TICKET-42');
  });
});

describe('the hold-back buffer cap', () => {
  const OVER_CAP = { message: 'response blocked by content policy', type: 'content_filter' };

  it('answers 422 without a guardrail name when a held stream passes guardrail_buffer_bytes, and stops the upstream', async () => {
    const stack = await stackWith({ guardrails: [CODENAMES], proxy: { guardrail_buffer_bytes: 10_240 } });
    const { res, upstream } = await send(stack, { model: 'long', input: 'go', stream: true });
    expect(upstream).toBe(1);
    expect(res.body).not.toMatch(/^(event|data):/m);
    const event = await expectErrorResponse(stack, res, 422, OVER_CAP, 'blocked_output');
    expect(event.stream).toBe(true);
    expect(await eventually(() => stack.mock.openConnections() === 0)).toBe(true);
  });

  it('uses a smaller PII max_buffer_bytes over the proxy cap', async () => {
    const stack = await stackWith({ guardrails: [piiGuardrail('pii', ['email'], { hook_point: 'output', max_buffer_bytes: 10_240 })] });
    const { res } = await send(stack, { model: 'gpt', input: 'lorem ipsum '.repeat(256), stream: true });
    await expectErrorResponse(stack, res, 422, OVER_CAP, 'blocked_output');
  });

  it('releases the stream, then relays it live, for a PII guardrail configured to fail open', async () => {
    const guardrail = piiGuardrail('pii', ['email'], { hook_point: 'output', max_buffer_bytes: 10_240, on_buffer_exceeded: 'fail_open' });
    const stack = await stackWith({ guardrails: [guardrail] });
    const { res } = await send(stack, { model: 'gpt', input: 'lorem ipsum '.repeat(256), stream: true });
    expect(res.status).toBe(200);
    expect(frameJson(parseSse(res.body)).at(-1)?.type).toBe('response.completed');
  });

  it('does not apply the cap to monitor-only guardrails (the stream is live)', async () => {
    const stack = await stackWith({ guardrails: [WATCH], proxy: { guardrail_buffer_bytes: 10_240 } });
    const { res } = await send(stack, { model: 'long', input: 'go', stream: true });
    expect(res.status).toBe(200);
    expect(frameJson(parseSse(res.body)).at(-1)?.type).toBe('response.completed');
  });
});
