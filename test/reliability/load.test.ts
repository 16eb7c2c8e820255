// Reliability, load (issue 7): 2,000 mixed requests at 50 concurrent through the proxy child — JSON
// and streamed Responses calls, chat completions, an input guardrail block, a monitor-mode output
// hit, upstream 5xx and 429, unknown alias, bad key, forbidden alias, malformed JSON. Zero
// unexpected statuses; every request has exactly one request.finished on stdout and exactly one
// valid line in the log file, with the same status; every upstream-bound request reached the mock
// exactly once; nothing else was logged.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import type { RequestFinished } from '../../src/events/types.js';
import { startProxy, type ProxyChild } from './proxy-child.js';
import {
  BLOCKED_WORD, blockingGuardrail, CALLER_KEY, CHILD_ENV, configYaml, eventually, expectNoSecrets, LIMITED_KEY, rid, scratchDir, sdk, type Scratch,
} from './setup.js';

const TOTAL = 2_000;
const CONCURRENCY = 50;
const MONITORED = 'internal only';

type Kind = 'json' | 'stream' | 'chat' | 'blocked' | 'monitored' | 'upstream-500' | 'upstream-429' | 'unknown-alias' | 'bad-key' | 'forbidden' | 'bad-json';
const KINDS: Kind[] = ['json', 'stream', 'json', 'stream', 'chat', 'blocked', 'monitored', 'upstream-500', 'upstream-429', 'unknown-alias', 'bad-key', 'forbidden', 'bad-json'];
const EXPECTED: Record<Kind, { status: number; outcome: string; upstream: boolean }> = {
  json: { status: 200, outcome: 'ok', upstream: true },
  stream: { status: 200, outcome: 'ok', upstream: true },
  chat: { status: 200, outcome: 'ok', upstream: true },
  blocked: { status: 422, outcome: 'blocked_input', upstream: false },
  monitored: { status: 200, outcome: 'ok', upstream: true },
  'upstream-500': { status: 502, outcome: 'upstream_error', upstream: true },
  'upstream-429': { status: 429, outcome: 'upstream_error', upstream: true },
  'unknown-alias': { status: 404, outcome: 'not_found', upstream: false },
  'bad-key': { status: 401, outcome: 'unauthorized', upstream: false },
  forbidden: { status: 403, outcome: 'forbidden', upstream: false },
  'bad-json': { status: 400, outcome: 'bad_request', upstream: false },
};

let mock: MockServer;
let proxy: ProxyChild;
let scratch: Scratch;
let logPath: string;

beforeAll(async () => {
  mock = await startMock();
  scratch = scratchDir('load');
  logPath = join(scratch.dir, 'log', 'requests.jsonl');
  const configPath = scratch.write('aisix.yaml', configYaml({
    providers: { mock: `${mock.url}/v1` },
    models: [
      { alias: 'echo', model: 'mock-echo' },
      { alias: 'error-500', model: 'mock-error-500' },
      { alias: 'error-429', model: 'mock-error-429' },
    ],
    guardrails: [
      blockingGuardrail('input'),
      { name: 'watch-internal', kind: 'keyword', hook_point: 'output', enforcement_mode: 'monitor', patterns: [{ kind: 'literal', value: MONITORED }] },
    ],
  }));
  proxy = await startProxy({ configPath, env: CHILD_ENV, extraArgs: ['--log-file', logPath] });
});

afterAll(async () => {
  await proxy?.stop();
  await mock?.close();
  scratch?.remove();
});

interface Outcome {
  id: string;
  kind: Kind;
  status: number;
}

function statusOf(err: unknown): number {
  if (err instanceof APIError && typeof err.status === 'number') return err.status;
  throw err;
}

async function send(clients: { dev: OpenAI; limited: OpenAI; wrong: OpenAI }, kind: Kind, id: string): Promise<number> {
  const headers = { 'x-aisix-request-id': id };
  try {
    switch (kind) {
      case 'json':
        expect((await clients.dev.responses.create({ model: 'echo', input: `load ${id}` }, { headers })).output_text).toBe(`load ${id}`);
        return 200;
      case 'stream': {
        const stream = await clients.dev.responses.create({ model: 'echo', input: `load ${id}`, stream: true }, { headers });
        let last = '';
        for await (const event of stream) last = event.type;
        expect(last).toBe('response.completed');
        return 200;
      }
      case 'chat':
        expect((await clients.dev.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: `chat ${id}` }] }, { headers })).choices[0]?.message.content).toBe(`chat ${id}`);
        return 200;
      case 'blocked':
        await clients.dev.responses.create({ model: 'echo', input: `about ${BLOCKED_WORD}` }, { headers });
        return 200;
      case 'monitored':
        await clients.dev.responses.create({ model: 'echo', input: 'x', metadata: { mock_output: `this is ${MONITORED}` } }, { headers });
        return 200;
      case 'upstream-500':
        await clients.dev.responses.create({ model: 'error-500', input: 'x' }, { headers });
        return 200;
      case 'upstream-429':
        await clients.dev.responses.create({ model: 'error-429', input: 'x' }, { headers });
        return 200;
      case 'unknown-alias':
        await clients.dev.responses.create({ model: 'no-such-alias', input: 'x' }, { headers });
        return 200;
      case 'bad-key':
        await clients.wrong.responses.create({ model: 'echo', input: 'x' }, { headers });
        return 200;
      case 'forbidden':
        await clients.limited.responses.create({ model: 'error-500', input: 'x' }, { headers });
        return 200;
      case 'bad-json': {
        const res = await fetch(`${proxy.url}/v1/responses`, {
          method: 'POST', headers: { ...headers, authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json' }, body: '{"model":"echo",',
        });
        await res.text();
        return res.status;
      }
    }
  } catch (err) {
    return statusOf(err);
  }
}

function logLines(): string[] {
  return readFileSync(logPath, 'utf8').split('\n').filter((l) => l !== '');
}

describe('2,000 mixed requests at 50 concurrent', () => {
  const outcomes: Outcome[] = [];

  it('every request gets its expected status', async () => {
    const clients = { dev: sdk(proxy.url), limited: sdk(proxy.url, LIMITED_KEY), wrong: sdk(proxy.url, 'sk-not-a-key') };
    const plan = Array.from({ length: TOTAL }, (_, i) => KINDS[i % KINDS.length] as Kind);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < plan.length) {
        const kind = plan[next++] as Kind;
        const id = rid(`load-${kind}`);
        outcomes.push({ id, kind, status: await send(clients, kind, id) });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(outcomes).toHaveLength(TOTAL);
    const unexpected = outcomes.filter((o) => o.status !== EXPECTED[o.kind].status);
    expect(unexpected.slice(0, 5), `${unexpected.length} unexpected statuses`).toEqual([]);
  }, 120_000);

  it('every request has exactly one request.finished on stdout, matching what the client got', async () => {
    expect(outcomes).toHaveLength(TOTAL);
    await proxy.waitFor(() => proxy.finished().length >= TOTAL, `${TOTAL} request.finished events`, 10_000);
    await new Promise((r) => setTimeout(r, 100));
    const byId = new Map<string, RequestFinished[]>();
    for (const e of proxy.finished()) byId.set(e.id, [...(byId.get(e.id) ?? []), e]);
    expect(proxy.finished()).toHaveLength(TOTAL); // no event without a request
    for (const o of outcomes) {
      const events = byId.get(o.id) ?? [];
      expect(events, o.id).toHaveLength(1);
      expect(events[0], o.id).toMatchObject({ status: o.status, outcome: EXPECTED[o.kind].outcome });
    }
    const monitored = outcomes.filter((o) => o.kind === 'monitored').map((o) => byId.get(o.id)?.[0]?.guardrails);
    for (const hits of monitored) expect(hits).toEqual([{ name: 'watch-internal', stage: 'output', action: 'monitor', rule: MONITORED }]);
    expect(proxy.badLines).toEqual([]);
    expect(proxy.lines.filter((l) => l.event === 'warning')).toEqual([]);
    expectNoSecrets(proxy.lines.map((l) => JSON.stringify(l)).join('\n'), 'stdout');
  });

  it('every upstream-bound request reached the mock exactly once, and no other did', () => {
    const sent = new Map<string, number>();
    for (const r of mock.requests()) {
      const id = r.headers['x-aisix-request-id'];
      if (id !== undefined) sent.set(id, (sent.get(id) ?? 0) + 1);
    }
    for (const o of outcomes) expect(sent.get(o.id) ?? 0, o.id).toBe(EXPECTED[o.kind].upstream ? 1 : 0);
  });

  it('the log file has exactly one valid JSON line per request, the same as stdout, with no key in it', async () => {
    expect(await eventually(() => logLines().length >= TOTAL, 5_000)).toBe(true);
    const lines = logLines();
    expect(lines).toHaveLength(TOTAL);
    const logged = new Map<string, number>();
    for (const line of lines) {
      const entry = JSON.parse(line) as RequestFinished & { event: string };
      expect(entry.event).toBe('request.finished');
      expect(proxy.finishedFor(entry.id)[0]?.status).toBe(entry.status);
      logged.set(entry.id, (logged.get(entry.id) ?? 0) + 1);
    }
    for (const o of outcomes) expect(logged.get(o.id), o.id).toBe(1);
    expectNoSecrets(lines.join('\n'), 'the log file');
  });

  it('after a clean stop the log still has exactly one line per request (nothing lost in the buffer)', async () => {
    expect(await proxy.stop()).toBe(0);
    expect(logLines()).toHaveLength(TOTAL);
  });
});
