// `aisix serve` prints the request totals on stderr when it stops (DESIGN §13: "the same totals" as
// `aisix stats`): the built bin (`npm run build` first) on a config pointing at the mock, requests
// sent, SIGTERM, then the totals checked against the request log the same run wrote — its numbers,
// and exactly the table `aisix stats` prints for that log. In line mode and with --json (stdout
// stays results only); the empty table (the total row of zeros) when none finished.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestFinished } from '../../src/events/types.js';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { BIN, spawnServe } from '../helpers/serve-child.js';

const run = promisify(execFile);

/** what `aisix stats LOG` prints for the log */
async function stats(log: string): Promise<string> {
  return (await run(process.execPath, [BIN, 'stats', log])).stdout;
}

/** A table row's cells (columns are two spaces or more apart). */
const cells = (line: string | undefined): string[] => (line ?? '').split(/ {2,}/);

let mock: MockServer;
let dir: string;
beforeAll(async () => {
  mock = await startMock();
  dir = mkdtempSync(join(tmpdir(), 'aisix-serve-totals-'));
});
afterAll(() => mock.close());

// chat is priced at $10 per 1k tokens each way, so the cost in dollars is the token count / 100
function config(name: string): string {
  const path = join(dir, name);
  writeFileSync(path, `_format_version: "1"
provider_keys:
  - { display_name: up, provider: openai, api_key: sk-up, api_base: ${mock.url}/v1 }
models:
  - { display_name: chat, provider: openai, model_name: mock-echo, provider_key: up, cost: { input_per_1k: 10, output_per_1k: 10 } }
api_keys:
  - { display_name: dev, key_env: TOTALS_TEST_KEY, allowed_models: ["*"] }
`);
  return path;
}

/** the price of `tokens` at $10 per 1k, as the summary shows a cost from $0.01 to $1 (4 decimals) */
function usd(tokens: number): string {
  expect(tokens).toBeLessThan(100);
  return `$${(tokens / 100).toFixed(4)}`;
}

const post = (url: string, key: string | null, input: string): Promise<Response> =>
  fetch(`${url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
    body: JSON.stringify({ model: 'chat', input }),
  });

function logged(path: string): RequestFinished[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RequestFinished & { event: string }).filter((e) => e.event === 'request.finished');
}

describe('aisix serve: totals on stderr at stop', () => {
  it('line mode (--no-tui): two requests, SIGTERM, then the stats table on stderr; stdout keeps its request lines', async () => {
    const log = join(dir, 'line.jsonl');
    const serve = spawnServe(['-c', config('line.yaml'), '--port', '0', '--no-tui', '--log-file', log], { TOTALS_TEST_KEY: 'sk-dev' });
    const url = (await serve.waitForLine(() => true)).replace('aisix listening on ', '');
    expect((await post(url, 'sk-dev', 'count these words please')).status).toBe(200);
    expect((await post(url, null, 'no key')).status).toBe(401);
    await serve.waitForLine((l) => / 401 /.test(l));
    expect(serve.stderr()).not.toMatch(/^total /m); // nothing before the stop
    expect(await serve.stop('SIGTERM')).toBe(0);

    const [ok, refused] = logged(log);
    expect(ok).toMatchObject({ status: 200, alias: 'chat', caller: 'dev' });
    expect(refused).toMatchObject({ status: 401, alias: null, usage: null, cost_usd: null });
    const input = ok?.usage?.input_tokens ?? 0;
    const output = ok?.usage?.output_tokens ?? 0;
    expect(input).toBeGreaterThan(0);
    expect(output).toBeGreaterThan(0);
    const cost = usd(input + output);
    const table = await stats(log);
    expect(serve.stderr().endsWith(`\n${table}`)).toBe(true);
    const lines = table.trimEnd().split('\n');
    expect(cells(lines[0])).toEqual(['alias', 'requests', 'errors', 'blocked', 'input', 'output', 'cached', 'reasoning', 'cost', 'p50', 'p95', 'ttft p50', 'ttft p95']);
    expect(cells(lines[1]).slice(0, 9)).toEqual(['chat', '1', '0', '0', String(input), String(output), '0', '0', cost]);
    expect(cells(lines[2]).slice(0, 9)).toEqual(['(no alias)', '1', '1', '0', '0', '0', '0', '0', '-']);
    expect(cells(lines[3]).slice(0, 9)).toEqual(['total', '2', '1', '0', String(input), String(output), '0', '0', cost]);
    expect(lines).toHaveLength(4);
    expect(serve.lines.some((l) => l.startsWith('alias ') || l.startsWith('total '))).toBe(false);
  });

  it('--json: stdout stays NDJSON only, the totals go to stderr', async () => {
    const log = join(dir, 'json.jsonl');
    const serve = spawnServe(['-c', config('json.yaml'), '--port', '0', '--json', '--log-file', log], { TOTALS_TEST_KEY: 'sk-dev' });
    const listening = JSON.parse(await serve.waitForLine(() => true)) as { url: string };
    const events: RequestFinished[] = [];
    for (const input of ['one', 'two words']) {
      const response = await post(listening.url, 'sk-dev', input);
      expect(response.status).toBe(200);
      const id = response.headers.get('x-aisix-request-id') ?? '';
      events.push(JSON.parse(await serve.waitForLine((l) => l.includes('"request.finished"') && l.includes(`"id":"${id}"`))) as RequestFinished);
    }
    expect(await serve.stop('SIGINT')).toBe(0);
    expect(serve.lines.every((l) => (JSON.parse(l) as { event?: unknown }).event !== undefined)).toBe(true);
    const input = events.reduce((sum, e) => sum + (e.usage?.input_tokens ?? 0), 0);
    const output = events.reduce((sum, e) => sum + (e.usage?.output_tokens ?? 0), 0);
    const cost = usd(input + output);
    const table = await stats(log);
    expect(serve.stderr().endsWith(`\n${table}`)).toBe(true);
    const lines = table.trimEnd().split('\n');
    expect(lines.map((l) => cells(l)[0])).toEqual(['alias', 'chat', 'total']);
    expect(cells(lines[2]).slice(0, 9)).toEqual(['total', '2', '0', '0', String(input), String(output), '0', '0', cost]);
  });

  it('prints the empty table (a total row of zeros) when none finished, as stats does for an empty log', async () => {
    const log = join(dir, 'idle.jsonl');
    const serve = spawnServe(['-c', config('idle.yaml'), '--port', '0', '--no-tui', '--log-file', log], { TOTALS_TEST_KEY: 'sk-dev' });
    await serve.waitForLine(() => true);
    expect(await serve.stop('SIGTERM')).toBe(0);
    const table = await stats(log);
    expect(table.split('\n').map((l) => cells(l)[0])).toEqual(['alias', 'total', '']);
    expect(serve.stderr().endsWith(`\n${table}`)).toBe(true);
  });
});
