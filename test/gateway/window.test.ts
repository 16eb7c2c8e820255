// Window mode for block-mode output guardrails on streams (DESIGN.md §3, `proxy.stream_guardrails:
// window`), through the real proxy: a hand-rolled upstream writes exactly the frames a test scripts
// (and can wait, mid-stream, until the client has received some frames — so "released before the
// upstream finished" is shown by order, never by timing), and a raw client keeps the bytes it got.
// A blocked phrase split across every delta boundary never reaches the client; masks rewrite the
// deltas, the `done` events, the item and the terminal response; a block before anything left is
// hold mode's 422, one after ends the stream with the error and `response.failed` frames; the cap
// fails closed; an unbounded rule holds and warns at load (and in `aisix validate`); chat and
// Messages streams, and WebSocket turns (against the mock's WebSocket mode), too.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { runValidate } from '../../src/cli/validate.js';
import type { RequestFinished } from '../../src/events/types.js';
import { textTurn } from '../guardrails/fixtures.js';
import { finishedFor } from '../helpers/finished.js';
import { parseSse, type RawFrame } from '../helpers/sse.js';
import { CALLER_KEY, configYaml, keywordGuardrail, model, piiGuardrail, providerKey, startStack, type Entry, type Stack } from '../helpers/stack.js';

const PHRASE = 'project falcon';
const BLOCKED = "response blocked by content policy (guardrail 'no-codenames')";
const CODENAMES = keywordGuardrail('no-codenames', [PHRASE]);
const WINDOW = { stream_guardrails: 'window' };

// ---------------------------------------------------------------------------------------------
// The scripted upstream: one script per request, written piece by piece; `gate` pauses it after
// `gateAfter` pieces until the promise settles (or the client goes away).

interface Script {
  pieces: string[];
  gateAfter?: number;
  gate?: () => Promise<void>;
}

interface Served {
  /** resolves when the upstream wrote its last piece */
  finished: Promise<void>;
  /** resolves when the connection closed (true: before the last piece was written) */
  closed: Promise<boolean>;
  isFinished(): boolean;
}

interface ScriptedUpstream {
  url: string;
  serve(script: Script): Promise<Served>;
  close(): Promise<void>;
}

async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  const queue: { script: Script; served: (s: Served) => void }[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const next = queue.shift();
      if (next === undefined) {
        res.writeHead(500).end();
        return;
      }
      void play(next.script, res, next.served);
    });
  });
  const play = async (script: Script, res: ServerResponse, served: (s: Served) => void): Promise<void> => {
    let done = false;
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    const closed = new Promise<boolean>((r) => res.socket?.once('close', () => r(!done)));
    served({ finished, closed, isFinished: () => done });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_scripted' });
    const gone = closed.then(() => undefined);
    for (let i = 0; i < script.pieces.length; i++) {
      if (i === script.gateAfter && script.gate) await Promise.race([script.gate(), gone]);
      if (res.destroyed) return;
      res.write(script.pieces[i]);
      await new Promise((r) => setImmediate(r));
    }
    done = true;
    res.end();
    finish();
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    serve: (script) => new Promise((served) => queue.push({ script, served })),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// The raw client: the bytes as they arrive, and a wait for the n-th complete frame.

interface StreamClient {
  status: Promise<number>;
  headers: Promise<IncomingHttpHeaders>;
  /** complete frames received so far */
  frames(): number;
  /** resolves once `n` frames arrived (rejects after a failure guard) */
  waitFrames(n: number): Promise<void>;
  body: Promise<string>;
}

function openStream(base: string, path: string, body: unknown, headers: Record<string, string> = {}): StreamClient {
  let text = '';
  const waiters: { n: number; resolve: () => void }[] = [];
  const count = (): number => (text.match(/\r?\n\r?\n/g) ?? []).length;
  let setStatus!: (s: number) => void;
  let setHeaders!: (h: IncomingHttpHeaders) => void;
  const status = new Promise<number>((r) => (setStatus = r));
  const head = new Promise<IncomingHttpHeaders>((r) => (setHeaders = r));
  const bodyPromise = new Promise<string>((resolve, reject) => {
    const req = request(new URL(path, base), { method: 'POST', agent: false, headers: { 'content-type': 'application/json', authorization: `Bearer ${CALLER_KEY}`, ...headers } }, (res) => {
      setStatus(res.statusCode ?? 0);
      setHeaders(res.headers);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        for (const w of [...waiters]) if (count() >= w.n) w.resolve();
      });
      res.on('end', () => resolve(text));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
  return {
    status,
    headers: head,
    frames: count,
    waitFrames: (n) =>
      new Promise((resolve, reject) => {
        if (count() >= n) return resolve();
        const timer = setTimeout(() => reject(new Error(`the client did not get ${n} frames (has ${count()})`)), 5_000);
        waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
      }),
    body: bodyPromise,
  };
}

// ---------------------------------------------------------------------------------------------
// Wire builders (written here by hand, after responses-wire.md, as the fixtures are).

/** Responses frames, numbered from 0. */
function responsesFrames(events: Record<string, unknown>[]): string[] {
  return events.map((e, i) => `event: ${String(e.type)}\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\n\n`);
}

function chatFrames(deltas: string[], usage = true): string[] {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return [
    chunk({ role: 'assistant', content: '' }),
    ...deltas.map((d) => chunk({ content: d })),
    chunk({}, 'stop'),
    ...(usage ? [`data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', model: 'm', choices: [], usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 } })}\n\n`] : []),
    'data: [DONE]\n\n',
  ];
}

function messagesFrames(deltas: string[]): string[] {
  const frame = (type: string, data: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  return [
    frame('message_start', { message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'c', content: [], stop_reason: null, usage: { input_tokens: 4, output_tokens: 1 } } }),
    frame('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ...deltas.map((text) => frame('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })),
    frame('content_block_stop', { index: 0 }),
    frame('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } }),
    frame('message_stop', {}),
  ];
}

/** Frames whose JSON parses (the error and failure frames included). */
const jsons = (frames: RawFrame[]): Record<string, unknown>[] => frames.filter((f) => f.data.startsWith('{')).map((f) => JSON.parse(f.data) as Record<string, unknown>);

const responsesDeltaText = (body: string): string =>
  jsons(parseSse(body)).filter((j) => j.type === 'response.output_text.delta').map((j) => String(j.delta)).join('');

// ---------------------------------------------------------------------------------------------

let upstream: ScriptedUpstream;
const stacks: Stack[] = [];

async function stackWith(guardrails: Entry[], proxy: Entry = WINDOW): Promise<Stack> {
  const stack = await startStack({
    yaml: configYaml({
      proxy,
      provider_keys: [providerKey('up', '${UP_URL}/v1'), { display_name: 'anth', provider: 'anthropic', api_key: '${UPSTREAM_KEY}', api_base: '${UP_URL}' }],
      models: [model('gpt', 'up-model', { provider_key: 'up' }), { display_name: 'claude', provider: 'anthropic', model_name: 'c-model', provider_key: 'anth' }],
      guardrails,
    }),
    env: { UP_URL: upstream.url },
  });
  stacks.push(stack);
  return stack;
}

beforeAll(async () => {
  upstream = await startScriptedUpstream();
});
afterAll(async () => {
  await Promise.all(stacks.map((s) => s.close()));
  await upstream.close();
});

const ask = { model: 'gpt', input: 'tell me', stream: true };

async function eventOf(stack: Stack, headers: IncomingHttpHeaders): Promise<RequestFinished> {
  return finishedFor(stack, String(headers['x-aisix-request-id']));
}

describe('window mode on a Responses stream', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await stackWith([CODENAMES]);
  });

  const LEAD = 'The weekly notes, nothing secret in them at all: ';
  const TAIL = ' is on schedule, and the rest is fine.';
  const LEAD_WORDS = LEAD.split(/(?<= )/);

  // every cut of the phrase into two deltas, and one delta per character
  const splits: [string, string[]][] = [
    ...Array.from({ length: PHRASE.length - 1 }, (_v, k): [string, string[]] => [`cut after ${k + 1}`, [...LEAD_WORDS, PHRASE.slice(0, k + 1), PHRASE.slice(k + 1) + TAIL]]),
    ['one character per delta', [...(LEAD + PHRASE + TAIL)]],
  ];
  it.each(splits)('never sends any of a blocked phrase split across deltas (%s)', async (_label, deltas) => {
    const served = upstream.serve({ pieces: responsesFrames(textTurn(deltas)) });
    const client = openStream(stack.url, '/v1/responses', ask);
    const body = await client.body;
    expect(await client.status).toBe(200);
    // what left is a prefix of the text that stops before the phrase starts
    const sent = responsesDeltaText(body);
    expect((LEAD + PHRASE + TAIL).startsWith(sent)).toBe(true);
    expect(sent.length).toBeLessThanOrEqual(LEAD.length);
    expect(sent.length).toBeGreaterThan(0);
    expect(body.toLowerCase()).not.toContain('falcon');
    const frames = parseSse(body);
    const tail = jsons(frames).slice(-2);
    expect(frames.slice(-2).map((f) => f.event)).toStrictEqual(['error', 'response.failed']);
    expect(tail[0]).toStrictEqual({ type: 'error', code: 'content_filter', message: BLOCKED });
    expect(tail[1]).toMatchObject({ type: 'response.failed', response: { id: 'resp_1', status: 'failed', error: { code: 'content_filter', message: BLOCKED } } });
    const event = await eventOf(stack, await client.headers);
    expect(event).toMatchObject({ status: 200, outcome: 'blocked_output', error_type: 'content_filter', error_code: 'content_filter', stream: true });
    expect(event.guardrails).toStrictEqual([{ name: 'no-codenames', stage: 'output', action: 'block', rule: PHRASE }]);
    expect(event.ttft_ms).not.toBeNull();
    await served;
  });

  it('releases frames before the upstream finished, and aborts the upstream on a late block', async () => {
    const words = Array.from({ length: 12 }, (_v, i) => `word${String(i).padStart(2, '0')} `); // 7 characters each
    const turn = textTurn([...words, 'and then ', PHRASE, TAIL]);
    const pieces = responsesFrames(turn);
    const firstDelta = turn.findIndex((e) => e.type === 'response.output_text.delta');
    const gateAfter = firstDelta + words.length; // the clean words, then wait
    let client!: StreamClient;
    let receivedAtGate = -1;
    const served = await new Promise<Promise<Served>>((resolve) => {
      const s = upstream.serve({
        pieces,
        gateAfter,
        gate: async () => {
          // W is 14: the 12 words are 84 characters, so all but the last two or three delta frames can leave
          await client.waitFrames(firstDelta + 5);
          receivedAtGate = client.frames();
        },
      });
      client = openStream(stack.url, '/v1/responses', ask);
      resolve(s);
    });
    const s = await served;
    const body = await client.body;
    expect(receivedAtGate).toBeGreaterThanOrEqual(firstDelta + 5);
    expect(body.toLowerCase()).not.toContain('falcon');
    expect(parseSse(body).at(-1)?.event).toBe('response.failed');
    expect(await s.closed, 'the proxy closed the upstream connection before the upstream finished').toBe(true);
    expect(s.isFinished()).toBe(false);
    const event = await eventOf(stack, await client.headers);
    expect(event.outcome).toBe('blocked_output');
  });

  it('records one aborted event and closes the upstream when the client leaves mid-stream', async () => {
    const words = Array.from({ length: 12 }, (_v, i) => `word${String(i).padStart(2, '0')} `);
    const turn = textTurn(words);
    const firstDelta = turn.findIndex((e) => e.type === 'response.output_text.delta');
    let gotFrames!: () => void;
    const someFrames = new Promise<void>((r) => (gotFrames = r));
    const served = upstream.serve({ pieces: responsesFrames(turn), gateAfter: firstDelta + words.length, gate: () => new Promise(() => undefined) });
    const id = 'window-abort-1';
    const client = request(new URL('/v1/responses', stack.url), { method: 'POST', agent: false, headers: { 'content-type': 'application/json', authorization: `Bearer ${CALLER_KEY}`, 'x-aisix-request-id': id } }, (res) => {
      res.on('data', () => gotFrames());
      res.on('error', () => undefined);
    });
    client.on('error', () => undefined);
    client.end(JSON.stringify(ask));
    await someFrames;
    client.destroy();
    const s = await served;
    expect(await s.closed).toBe(true);
    expect(await finishedFor(stack, id)).toMatchObject({ status: 499, outcome: 'aborted', stream: true });
    expect(stack.events.filter((e) => e.id === id)).toHaveLength(1);
  });

  it('answers hold mode\'s 422 when the block comes before anything was released', async () => {
    const served = upstream.serve({ pieces: responsesFrames(textTurn([`${PHRASE} is first`, ' and more text'])) });
    const client = openStream(stack.url, '/v1/responses', ask);
    const body = await client.body;
    expect(await client.status).toBe(422);
    expect((await client.headers)['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(body)).toStrictEqual({ error: { message: BLOCKED, type: 'content_filter' } });
    const event = await eventOf(stack, await client.headers);
    expect(event).toMatchObject({ status: 422, outcome: 'blocked_output', error_type: 'content_filter', ttft_ms: null });
    expect(event.guardrails).toStrictEqual([{ name: 'no-codenames', stage: 'output', action: 'block', rule: PHRASE }]);
    // as in hold mode, the stream was read to its end: usage is recorded
    expect(event.usage).toMatchObject({ input_tokens: 5, output_tokens: 7, total_tokens: 12 });
    await served;
  });

  it('releases a clean stream whole and byte for byte, with usage, ttft and the response id', async () => {
    const pieces = responsesFrames(textTurn(['a clean ', 'answer with ', 'nothing to hide, ', 'at all.']));
    const served = upstream.serve({ pieces });
    const client = openStream(stack.url, '/v1/responses', ask);
    expect(await client.body).toBe(pieces.join(''));
    const event = await eventOf(stack, await client.headers);
    expect(event).toMatchObject({ status: 200, outcome: 'ok', response_id: 'resp_1', guardrails: [], usage: { input_tokens: 5, output_tokens: 7, total_tokens: 12 } });
    expect(event.ttft_ms).not.toBeNull();
    expect((await client.headers)['content-type']).toMatch(/event-stream/);
    await served;
  });

  it('fails closed over the hold cap: 422 before anything left, the error frames after', async () => {
    const capped = await stackWith([CODENAMES], { ...WINDOW, guardrail_buffer_bytes: 2048 });
    // one frame over the cap arrives first: nothing was released yet
    const big = `event: response.created\ndata: ${JSON.stringify({ type: 'response.created', sequence_number: 0, response: { id: 'resp_big', pad: 'p'.repeat(4000) } })}\n\n`;
    const early = upstream.serve({ pieces: [big, ...responsesFrames(textTurn(['short'])).slice(1)] });
    const first = openStream(capped.url, '/v1/responses', ask);
    const firstBody = await first.body;
    expect(await first.status).toBe(422);
    expect(JSON.parse(firstBody)).toStrictEqual({ error: { message: 'response blocked by content policy', type: 'content_filter' } });
    expect((await eventOf(capped, await first.headers)).outcome).toBe('blocked_output');
    await early;
    // the lifecycle frames left with the first text; then a delta over the cap
    const late = upstream.serve({ pieces: responsesFrames(textTurn(['x'.repeat(5000), ' end'])) });
    const second = openStream(capped.url, '/v1/responses', ask);
    const body = await second.body;
    expect(await second.status).toBe(200);
    expect(body).not.toContain('xxxx');
    expect(jsons(parseSse(body)).at(-2)).toStrictEqual({ type: 'error', code: 'content_filter', message: 'response blocked by content policy' });
    expect((await eventOf(capped, await second.headers)).outcome).toBe('blocked_output');
    await late;
  });
});

describe('window mode when the upstream misbehaves', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await stackWith([CODENAMES]);
  });
  const words = 'one two three four five six seven eight nine ten'.split(/(?<= )/);

  it('appends the interrupted-stream frames when the upstream breaks after a release', async () => {
    const pieces = responsesFrames(textTurn(words, { terminal: false, doneCopies: false }));
    const served = upstream.serve({ pieces });
    const client = openStream(stack.url, '/v1/responses', ask);
    const body = await client.body;
    expect(await client.status).toBe(200);
    expect(body.startsWith(pieces.join(''))).toBe(true); // everything held was scanned and released first
    const tail = jsons(parseSse(body)).slice(-2);
    expect(tail.map((j) => j.type)).toStrictEqual(['error', 'response.failed']);
    expect(tail[0]).toMatchObject({ code: 'upstream_stream_interrupted', sequence_number: pieces.length });
    expect((await eventOf(stack, await client.headers)).outcome).toBe('upstream_error');
    await served;
  });

  it('answers 502 when the upstream breaks before anything was released', async () => {
    const served = upstream.serve({ pieces: responsesFrames(textTurn(['short'], { terminal: false, doneCopies: false })) });
    const client = openStream(stack.url, '/v1/responses', ask);
    const body = await client.body;
    expect(await client.status).toBe(502);
    expect(JSON.parse(body)).toMatchObject({ error: { type: 'upstream_error', code: 'upstream_stream_interrupted' } });
    await served;
  });

  it('fails closed on a frame the guardrails cannot read: 502 before a release, the interrupted frames after', async () => {
    const frames = responsesFrames(textTurn(words));
    const bad = 'event: response.output_text.delta\ndata: {"type": not json\n\n';
    const early = upstream.serve({ pieces: [frames[0] as string, bad, ...frames.slice(1)] });
    const first = openStream(stack.url, '/v1/responses', ask);
    const firstBody = await first.body;
    expect(await first.status).toBe(502);
    expect(JSON.parse(firstBody)).toMatchObject({ error: { type: 'upstream_error', code: 'invalid_upstream_body' } });
    await early;
    const late = upstream.serve({ pieces: [...frames.slice(0, -6), bad, ...frames.slice(-6)] });
    const second = openStream(stack.url, '/v1/responses', ask);
    const body = await second.body;
    expect(await second.status).toBe(200);
    expect(body).not.toContain('not json');
    expect(parseSse(body).at(-1)?.event).toBe('response.failed');
    expect(await eventOf(stack, await second.headers)).toMatchObject({ outcome: 'upstream_error', error_code: 'invalid_upstream_body' });
    await late;
  });

  it('fails open over the cap when every holding guardrail says so: the rest is released unscanned', async () => {
    const open = await stackWith([piiGuardrail('pii', [['us_ssn', 'mask']], { max_buffer_bytes: 1024, on_buffer_exceeded: 'fail_open' })]);
    const pieces = responsesFrames(textTurn(['a start, ', 'x'.repeat(3000), ' and an end.']));
    const served = upstream.serve({ pieces });
    const client = openStream(open.url, '/v1/responses', ask);
    expect(await client.body).toBe(pieces.join(''));
    expect((await eventOf(open, await client.headers)).outcome).toBe('ok');
    await served;
  });
});

describe('a rule that reads past its match', () => {
  // `\bfalcon\b` matches "falcon" at the end of the text seen so far, but not inside "falconry"
  const WORD = keywordGuardrail('no-bird', [{ regex: '(?i)\\bfalcon\\b' }]);
  const LEAD = 'A few harmless words come first, then '.split(/(?<= )/);
  let stack: Stack;
  beforeAll(async () => {
    stack = await stackWith([WORD]);
  });

  it('does not block on a match the next delta undoes', async () => {
    const turn = textTurn([...LEAD, 'falcon', 'ry is an old sport', ' with birds.']);
    const pieces = responsesFrames(turn);
    // the proxy sees the text end in "falcon" first (the upstream waits there for a round trip through it)
    const after = turn.findIndex((e) => e.delta === 'falcon') + 1;
    const served = upstream.serve({ pieces, gateAfter: after, gate: async () => void (await fetch(`${stack.url}/healthz`)) });
    const client = openStream(stack.url, '/v1/responses', ask);
    expect(await client.body).toBe(pieces.join(''));
    expect((await eventOf(stack, await client.headers)).outcome).toBe('ok');
    await served;
  });

  it('blocks once the text settles it', async () => {
    const served = upstream.serve({ pieces: responsesFrames(textTurn([...LEAD, 'falcon', ' is a bird', ' of prey.'])) });
    const client = openStream(stack.url, '/v1/responses', ask);
    const body = await client.body;
    expect(body.toLowerCase()).not.toContain('falcon');
    expect(parseSse(body).at(-1)?.event).toBe('response.failed');
    expect((await eventOf(stack, await client.headers)).outcome).toBe('blocked_output');
    await served;
  });
});

describe('masks in window mode', () => {
  const TEXT = 'My number is 123-45-6789, please keep it safe and do not share it with anyone at all.';
  const MASKED = 'My number is [US_SSN_REDACTED], please keep it safe and do not share it with anyone at all.';
  let stack: Stack;
  beforeAll(async () => {
    stack = await stackWith([piiGuardrail('pii', [['us_ssn', 'mask']])]);
  });

  const at = TEXT.indexOf('123');
  it.each([3, 6, 8, 10])('masks a number split after %i of its characters in every copy', async (k) => {
    const deltas = [TEXT.slice(0, at + k), TEXT.slice(at + k, at + 20), TEXT.slice(at + 20)];
    const pieces = responsesFrames(textTurn(deltas));
    const served = upstream.serve({ pieces });
    const client = openStream(stack.url, '/v1/responses', ask);
    const body = await client.body;
    expect(body).not.toMatch(/6789|45-6|123-/);
    const events = jsons(parseSse(body));
    expect(events).toHaveLength(pieces.length); // frame count and order kept
    expect(responsesDeltaText(body)).toBe(MASKED);
    const byType = (type: string): Record<string, unknown> | undefined => events.find((e) => e.type === type);
    expect(byType('response.output_text.done')).toMatchObject({ text: MASKED });
    expect(byType('response.content_part.done')).toMatchObject({ part: { text: MASKED } });
    expect(byType('response.output_item.done')).toMatchObject({ item: { content: [{ text: MASKED }] } });
    expect(byType('response.completed')).toMatchObject({ response: { output: [{ content: [{ text: MASKED }] }] } });
    expect(events.map((e) => e.sequence_number)).toStrictEqual(events.map((_e, i) => i));
    const event = await eventOf(stack, await client.headers);
    expect(event).toMatchObject({ outcome: 'ok', guardrails: [{ name: 'pii', stage: 'output', action: 'mask', rule: 'us_ssn' }] });
    await served;
  });
});

describe('rules that cannot be windowed', () => {
  const SECRETS = keywordGuardrail('no-secrets', [{ regex: 'sk-[a-z]+' }]);
  const WARNING = 'pattern "sk-[a-z]+" can match unboundedly long text, so window mode holds this guardrail\'s streams (proxy.stream_guardrails: window)';

  it('hold the stream, with a load warning naming the guardrail', async () => {
    const stack = await stackWith([CODENAMES, SECRETS]);
    expect(stack.warnings.map((w) => `${w.scope}: ${w.message}`)).toContain(`guardrails[1] ("no-secrets"): ${WARNING}`);
    const turn = textTurn(['one ', 'two ', 'three ', 'four ', 'five ', 'six ', 'seven ', 'eight ', 'nine ', 'ten']);
    const pieces = responsesFrames(turn);
    let atGate = -1;
    let client!: StreamClient;
    const served = upstream.serve({
      pieces,
      gateAfter: pieces.length - 1,
      gate: async () => {
        // everything but the terminal event is out of the upstream, and the proxy has turned its loop since
        await fetch(`${stack.url}/healthz`);
        atGate = client.frames();
      },
    });
    client = openStream(stack.url, '/v1/responses', ask);
    expect(await client.body).toBe(pieces.join(''));
    expect(atGate).toBe(0);
    await served;
  });

  it('show the warning in `aisix validate`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aisix-window-'));
    try {
      const file = join(dir, 'aisix.yaml');
      writeFileSync(
        file,
        configYaml({ proxy: WINDOW, provider_keys: [providerKey('up', 'http://127.0.0.1:9/v1', { api_key: 'sk-literal' })], models: [model('gpt', 'm', { provider_key: 'up' })], api_keys: [], guardrails: [CODENAMES, SECRETS] }),
      );
      const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      let code: number;
      let printed: string;
      try {
        code = await runValidate({ config: file, format: 'text' });
        printed = err.mock.calls.map((c) => String(c[0])).join('');
      } finally {
        err.mockRestore();
        out.mockRestore();
      }
      expect(code).toBe(0);
      expect(printed).toContain(`warning: guardrails[1] ("no-secrets"): ${WARNING}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hold mode stays the default: no warning, the stream is held', async () => {
    const stack = await stackWith([CODENAMES, SECRETS], {});
    expect(stack.warnings.filter((w) => w.message.includes('window'))).toStrictEqual([]);
  });
});

describe('window mode on chat and Messages streams', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await stackWith([CODENAMES]);
  });
  const LEAD = 'Here is a long and harmless opening sentence, then ';

  it('chat: a clean stream passes whole, without the usage chunk the proxy asked for', async () => {
    const pieces = chatFrames(['a clean ', 'answer that ', 'says nothing ', 'of note.']);
    const served = upstream.serve({ pieces });
    const client = openStream(stack.url, '/v1/chat/completions', { model: 'gpt', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const body = await client.body;
    expect(body).toBe(pieces.filter((p) => !p.includes('"usage"')).join(''));
    const event = await eventOf(stack, await client.headers);
    expect(event).toMatchObject({ outcome: 'ok', usage: { input_tokens: 3, output_tokens: 5, total_tokens: 8 }, response_id: 'chatcmpl-1' });
    await served;
  });

  it('chat: a late block ends with the error frame and no [DONE]', async () => {
    const served = upstream.serve({ pieces: chatFrames([...LEAD.split(/(?<= )/), 'proj', 'ect fal', 'con', ' and more.']) });
    const client = openStream(stack.url, '/v1/chat/completions', { model: 'gpt', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const body = await client.body;
    expect(await client.status).toBe(200);
    expect(body.toLowerCase()).not.toMatch(/falcon|proj/);
    expect(body).not.toContain('[DONE]');
    const frames = parseSse(body);
    expect(frames.at(-1)?.event).toBe('error');
    expect(jsons(frames).at(-1)).toMatchObject({ type: 'error', code: 'content_filter', message: BLOCKED, error: { message: BLOCKED, type: 'content_filter' } });
    const sent = jsons(frames).flatMap((j) => (Array.isArray(j.choices) ? j.choices : [])).map((c) => String((c as { delta?: { content?: string } }).delta?.content ?? '')).join('');
    expect(LEAD.startsWith(sent) && sent.length > 0).toBe(true);
    expect((await eventOf(stack, await client.headers)).outcome).toBe('blocked_output');
    await served;
  });

  it('Messages: a finished block leaves whole while the next block streams in', async () => {
    const frame = (type: string, data: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const text = ['Let me look ', 'that up for ', 'you now.'];
    const head = messagesFrames(text).slice(0, 2 + text.length + 1); // start, block 0 start, its deltas, its stop
    const pieces = [
      ...head,
      frame('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} } }),
      frame('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"query": "the weather in Lisbon today"}' } }),
      frame('content_block_stop', { index: 1 }),
      frame('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 20 } }),
      frame('message_stop', {}),
    ];
    let client!: StreamClient;
    let atGate = -1;
    const served = upstream.serve({
      pieces,
      gateAfter: head.length + 1,
      // block 0 is complete at its stop: every one of its deltas can leave before block 1's text comes
      gate: async () => {
        await client.waitFrames(head.length - 1);
        atGate = client.frames();
      },
    });
    client = openStream(stack.url, '/v1/messages', { model: 'claude', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] }, { 'anthropic-version': '2023-06-01' });
    expect(await client.body).toBe(pieces.join(''));
    expect(atGate).toBeGreaterThanOrEqual(head.length - 1);
    expect((await eventOf(stack, await client.headers)).outcome).toBe('ok');
    await served;
  });

  it('Messages: a late block ends with the error event', async () => {
    const served = upstream.serve({ pieces: messagesFrames([...LEAD.split(/(?<= )/), 'project f', 'alcon', ' and more.']) });
    const client = openStream(stack.url, '/v1/messages', { model: 'claude', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] }, { 'anthropic-version': '2023-06-01' });
    const body = await client.body;
    expect(await client.status).toBe(200);
    expect(body.toLowerCase()).not.toContain('falcon');
    const frames = parseSse(body);
    expect(frames.at(-1)?.event).toBe('error');
    expect(jsons(frames).at(-1)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: BLOCKED } });
    expect(body).not.toContain('message_stop');
    const event = await eventOf(stack, await client.headers);
    expect(event).toMatchObject({ outcome: 'blocked_output', guardrails: [{ name: 'no-codenames', stage: 'output', action: 'block', rule: PHRASE }] });
    await served;
  });
});

describe('window mode on WebSocket turns', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ yaml: configYaml({ proxy: WINDOW, guardrails: [CODENAMES, piiGuardrail('pii', [['us_ssn', 'mask']])] }) });
    stacks.push(stack);
  });

  type Event = Record<string, unknown> & { type: string };
  /** One socket; `turn` sends a response.create and collects events up to the turn's end. */
  async function openSocket(): Promise<{ turn(body: Record<string, unknown>): Promise<Event[]>; close(): void }> {
    const socket = new WebSocket(`${stack.url.replace(/^http/, 'ws')}/v1/responses`, { headers: { authorization: `Bearer ${CALLER_KEY}` } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const events: Event[] = [];
    let wake = (): void => undefined;
    socket.on('message', (data) => {
      events.push(JSON.parse(String(data)) as Event);
      wake();
    });
    const ended = (seen: Event[]): number => {
      const i = seen.findIndex((e) => e.type === 'response.completed' || e.type === 'response.failed' || (e.type === 'error' && e.status !== undefined));
      return i;
    };
    return {
      async turn(body) {
        const from = events.length;
        socket.send(JSON.stringify({ type: 'response.create', ...body }));
        for (;;) {
          const end = ended(events.slice(from));
          if (end >= 0) return events.slice(from, from + end + 1);
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('no end of turn')), 5_000);
            wake = () => (clearTimeout(timer), resolve());
          });
        }
      },
      close: () => socket.close(),
    };
  }

  const LEAD = 'Here is a long and harmless opening sentence that goes on for a while, then ';

  it('releases events before the block, then ends the turn with error and response.failed; the socket goes on', async () => {
    const ws = await openSocket();
    const events = await ws.turn({ model: 'gpt', input: 'x', metadata: { mock_output: `${LEAD}${PHRASE} and the rest.` } });
    // (the request's metadata, echoed in the response objects, is not output)
    const output = events.map((e) => JSON.stringify({ ...e, response: { ...(e.response as object | undefined), metadata: null } }));
    expect(output.join('').toLowerCase()).not.toContain('falcon');
    const text = events.filter((e) => e.type === 'response.output_text.delta').map((e) => String(e.delta)).join('');
    expect(text.length).toBeGreaterThan(0);
    expect(LEAD.startsWith(text)).toBe(true);
    expect(events.slice(-2).map((e) => e.type)).toStrictEqual(['error', 'response.failed']);
    expect(events.at(-2)).toStrictEqual({ type: 'error', code: 'content_filter', message: BLOCKED });
    await stack.until(() => stack.events.some((e) => e.transport === 'websocket' && e.outcome === 'blocked_output'), 'a blocked turn');
    const next = await ws.turn({ model: 'gpt', input: 'a clean second turn' });
    expect(next.at(-1)?.type).toBe('response.completed');
    ws.close();
  });

  it('refuses a turn blocked before anything left with the 422 error event', async () => {
    const ws = await openSocket();
    const events = await ws.turn({ model: 'gpt', input: 'x', metadata: { mock_output: `${PHRASE} first, then words.` } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', status: 422, error: { message: BLOCKED, type: 'content_filter' } });
    ws.close();
  });

  it('masks across events', async () => {
    const ws = await openSocket();
    const text = `${LEAD}my number 123-45-6789 is here, with more words after it to follow.`;
    const events = await ws.turn({ model: 'gpt', input: 'x', metadata: { mock_output: text } });
    const output = events.filter((e) => e.type !== 'response.created' && e.type !== 'response.in_progress').map((e) => JSON.stringify({ ...e, response: (e.response as { output?: unknown } | undefined)?.output }));
    expect(output.join('')).not.toContain('6789');
    expect(events.filter((e) => e.type === 'response.output_text.delta').map((e) => String(e.delta)).join('')).toBe(text.replace('123-45-6789', '[US_SSN_REDACTED]'));
    expect(events.at(-1)?.type).toBe('response.completed');
    ws.close();
  });
});
