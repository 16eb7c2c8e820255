// Usage, cost and the request log (issue 4 §4–§5, DESIGN.md §5): request.finished carries the
// upstream's exact token counts for JSON and streams (null when the upstream sent none, never
// estimated), cost from the model's price, and the JSONL log holds one parseable line per
// request with no previews unless asked and no secrets ever.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResponseUsage } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus } from '../../src/events/bus.js';
import type { RequestFinished } from '../../src/events/types.js';
import { attachLogFile } from '../../src/reporters/log-file.js';
import { finishedFor, onlyFinishedFor, requestIdOf } from '../helpers/finished.js';
import { postResponses, type RawResponse } from '../helpers/http.js';
import { startLoggedStack, type LoggedStack } from '../helpers/logged-stack.js';
import {
  CALLER_KEY, configYaml, DEFAULT_MODELS, GPT_COST, keywordGuardrail, model, sha256, startStack, UPSTREAM_KEY, type Stack,
} from '../helpers/stack.js';
import { eventUsage } from '../helpers/usage.js';

const PRICE = GPT_COST; // gpt's price in the default file, given to the models below too
const cost = (input: number, output: number): number => (input * PRICE.input_per_1k + output * PRICE.output_per_1k) / 1000;

let stack: Stack;
const dirs: string[] = [];
beforeAll(async () => {
  stack = await startStack({
    yaml: configYaml({
      models: [
        ...DEFAULT_MODELS.filter((m) => m.display_name !== 'no-usage' && m.display_name !== 'reasoning'),
        model('no-usage', 'mock-no-usage', { cost: PRICE }),
        model('reasoning', 'mock-reasoning', { cost: PRICE }),
        model('free', 'mock-echo'),
      ],
      guardrails: [keywordGuardrail('no-codenames', ['project falcon'], { hook_point: 'output' })],
    }),
  });
});
afterAll(async () => {
  await stack.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aisix-log-'));
  dirs.push(dir);
  return dir;
}

async function eventOfSdk(headers: Headers): Promise<RequestFinished> {
  return finishedFor(stack, headers.get('x-aisix-request-id') ?? '');
}

describe('usage and cost on request.finished', () => {
  it('records the exact counts of a JSON response, matching what the client received', async () => {
    const { data, response } = await stack.client().responses.create({ model: 'gpt', input: 'alpha beta gamma delta' }).withResponse();
    const event = await eventOfSdk(response.headers);
    expect(event.usage).toStrictEqual(eventUsage(data.usage!));
    // the mock counts words: 4 in, 4 echoed out
    expect(event.usage).toStrictEqual({ input_tokens: 4, output_tokens: 4, total_tokens: 8, cached_tokens: 0, reasoning_tokens: 0, cache_creation_tokens: 0 });
    expect(event.cost_usd).toBeCloseTo(cost(4, 4), 12);
  });

  it('records the exact counts of a stream from its terminal event', async () => {
    const { data: stream, response } = await stack
      .client()
      .responses.create({ model: 'gpt', input: 'one two three four five six', instructions: 'be kind', stream: true })
      .withResponse();
    let usage: ResponseUsage | null | undefined;
    for await (const e of stream) if (e.type === 'response.completed') usage = e.response.usage;
    const event = await eventOfSdk(response.headers);
    expect(event.usage).toStrictEqual(eventUsage(usage!));
    expect(event.usage).toStrictEqual({ input_tokens: 8, output_tokens: 6, total_tokens: 14, cached_tokens: 0, reasoning_tokens: 0, cache_creation_tokens: 0 });
    expect(event.cost_usd).toBeCloseTo(cost(8, 6), 12);
  });

  it.each([false, true])('records cached and reasoning tokens (stream: %s)', async (streamed) => {
    const res = await postResponses(stack.url, { model: 'reasoning', input: 'think about it', stream: streamed });
    expect(res.status).toBe(200);
    const event = await onlyFinishedFor(stack, res);
    expect(event.usage).toStrictEqual({ input_tokens: 3 + 64, output_tokens: 3 + 32, total_tokens: 3 + 64 + 3 + 32, cached_tokens: 64, reasoning_tokens: 32, cache_creation_tokens: 0 });
    expect(event.cost_usd).toBeCloseTo(cost(67, 35), 12);
  });

  it.each([false, true])('records usage null and cost null when the upstream sent no usage (stream: %s)', async (streamed) => {
    const res = await postResponses(stack.url, { model: 'no-usage', input: 'count nothing', stream: streamed });
    expect(res.status).toBe(200);
    expect(res.body).not.toContain('"usage"');
    const event = await onlyFinishedFor(stack, res);
    expect(event).toMatchObject({ outcome: 'ok', usage: null, cost_usd: null });
  });

  it('records cost null for a model without a price, usage still set', async () => {
    const res = await postResponses(stack.url, { model: 'free', input: 'no price' });
    const event = await onlyFinishedFor(stack, res);
    expect(event.usage?.total_tokens).toBe(4);
    expect(event.cost_usd).toBeNull();
  });

  it.each([false, true])('still records usage and cost when the output is blocked (stream: %s)', async (streamed) => {
    const res = await postResponses(stack.url, { model: 'gpt', input: 'a b', stream: streamed, metadata: { mock_output: 'project falcon is go' } });
    expect(res.status).toBe(422);
    const event = await onlyFinishedFor(stack, res);
    expect(event).toMatchObject({ outcome: 'blocked_output', status: 422 });
    expect(event.usage).toStrictEqual({ input_tokens: 2, output_tokens: 4, total_tokens: 6, cached_tokens: 0, reasoning_tokens: 0, cache_creation_tokens: 0 });
    expect(event.cost_usd).toBeCloseTo(cost(2, 4), 12);
  });

  it('records upstream_ms and no ttft for a JSON response, and ttft at the first delta of a live stream', async () => {
    const live = await startStack();
    try {
      const json = await onlyFinishedFor(live, await postResponses(live.url, { model: 'slow', input: 'a b' }));
      expect(json.ttft_ms).toBeNull();
      expect(json.upstream_ms!).toBeGreaterThanOrEqual(490);
      expect(json.latency_ms).toBeGreaterThanOrEqual(json.upstream_ms!);
      const streamed = await onlyFinishedFor(live, await postResponses(live.url, { model: 'slow', input: 'a b c', stream: true }));
      expect(streamed.ttft_ms!).toBeGreaterThanOrEqual(490);
      expect(streamed.latency_ms).toBeGreaterThan(streamed.ttft_ms! + 150); // two more deltas, 100 ms apart
    } finally {
      await live.close();
    }
  });

  it('records ttft when a held-back stream is released, after the whole upstream stream', async () => {
    const held = await onlyFinishedFor(stack, await postResponses(stack.url, { model: 'slow', input: 'a b c', stream: true }));
    expect(held.ttft_ms!).toBeGreaterThanOrEqual(690);
    expect(held.ttft_ms!).toBeLessThanOrEqual(held.latency_ms);
  });

  it('records no usage for an upstream error', async () => {
    const res = await postResponses(stack.url, { model: 'error-500', input: 'x' });
    expect(await onlyFinishedFor(stack, res)).toMatchObject({ status: 502, usage: null, cost_usd: null });
  });
});

describe('the request log file', () => {
  const UNKNOWN_KEY = 'sk-unknown-but-secret-123';

  /** Sends one request of each kind; returns the responses in order. */
  async function traffic(logged: LoggedStack): Promise<RawResponse[]> {
    return [
      await postResponses(logged.url, { model: 'gpt', input: 'first request text' }),
      await postResponses(logged.url, { model: 'gpt', input: 'streamed request text', stream: true }, { 'x-api-key': CALLER_KEY }),
      await postResponses(logged.url, { model: 'gpt', input: 'x' }, { authorization: `Bearer ${UNKNOWN_KEY}` }),
      await postResponses(logged.url, { model: 'nope', input: 'x' }),
      await postResponses(logged.url, { model: 'gpt', input: 'about project falcon' }),
      await postResponses(logged.url, { model: 'error-500', input: 'x' }),
    ];
  }

  function readLines(path: string): Record<string, unknown>[] {
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    return text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  async function runLogged(bodies: boolean, previews: boolean, path: string): Promise<{ responses: RawResponse[]; events: RequestFinished[] }> {
    const logged = await startLoggedStack({ logPath: path, bodies, previews, guardrails: [keywordGuardrail('no-codenames', ['project falcon'])] });
    try {
      const responses = await traffic(logged);
      const ids = responses.map(requestIdOf);
      await Promise.all(ids.map((id) => finishedFor(logged, id)));
      return { responses, events: logged.events };
    } finally {
      await logged.close();
    }
  }

  it('writes one JSON line per request: the request.finished payload, in a directory it creates', async () => {
    const path = join(tempDir(), 'nested', 'deeper', 'requests.jsonl');
    const { responses, events } = await runLogged(false, false, path);
    const lines = readLines(path);
    expect(lines).toHaveLength(responses.length);
    expect(lines.map((l) => l.id)).toEqual(responses.map(requestIdOf));
    expect(lines).toStrictEqual(events.map((e) => ({ event: 'request.finished', ...e })));
    expect(lines.map((l) => [l.status, l.outcome])).toEqual([
      [200, 'ok'], [200, 'ok'], [401, 'unauthorized'], [404, 'not_found'], [422, 'blocked_input'], [502, 'upstream_error'],
    ]);
  });

  it('records a blocked request with its guardrail, stage and rule', async () => {
    const path = join(tempDir(), 'requests.jsonl');
    await runLogged(false, false, path);
    const blocked = readLines(path).find((l) => l.outcome === 'blocked_input');
    expect(blocked?.guardrails).toStrictEqual([{ name: 'no-codenames', stage: 'input', action: 'block', rule: 'project falcon' }]);
  });

  it('keeps previews out of the log unless log_bodies is on, even when the gateway collects them', async () => {
    const path = join(tempDir(), 'requests.jsonl');
    const { events } = await runLogged(false, true, path);
    expect(events[0]?.input_preview).toBe('first request text');
    for (const line of readLines(path)) {
      expect(line).not.toHaveProperty('input_preview');
      expect(line).not.toHaveProperty('output_preview');
    }
    expect(readFileSync(path, 'utf8')).not.toContain('first request text');
  });

  it('logs input and output previews when log_bodies is on', async () => {
    const path = join(tempDir(), 'requests.jsonl');
    await runLogged(true, true, path);
    const [json, streamed] = readLines(path);
    expect(json).toMatchObject({ input_preview: 'first request text', output_preview: 'first request text' });
    expect(streamed).toMatchObject({ input_preview: 'streamed request text' });
  });

  it('never writes a caller key, its hash, an unknown key or the provider key', async () => {
    const path = join(tempDir(), 'requests.jsonl');
    await runLogged(true, true, path);
    const text = readFileSync(path, 'utf8');
    for (const secret of [CALLER_KEY, sha256(CALLER_KEY), UNKNOWN_KEY, UPSTREAM_KEY]) expect(text).not.toContain(secret);
  });

  it('appends to an existing log instead of truncating it', async () => {
    const path = join(tempDir(), 'requests.jsonl');
    writeFileSync(path, '{"event":"earlier"}\n');
    await runLogged(false, false, path);
    const lines = readLines(path);
    expect(lines[0]).toStrictEqual({ event: 'earlier' });
    expect(lines).toHaveLength(7);
  });

  it('refuses a path it cannot open with a readable error', () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    expect(() => attachLogFile(createEventBus(), { path: join(file, 'log.jsonl'), bodies: false })).toThrow(/cannot open log file .*a-file/);
  });
});

describe('previews are bounded', () => {
  it('keeps the first 2 KB of the input', async () => {
    const own = await startStack({ previews: true });
    try {
      const input = 'abcdefgh '.repeat(600);
      const res = await postResponses(own.url, { model: 'gpt', input });
      const event = await onlyFinishedFor(own, res);
      expect(event.input_preview).toBe(input.slice(0, 2048));
      expect(event.output_preview).toBe(input.slice(0, 2048));
    } finally {
      await own.close();
    }
  });
});
