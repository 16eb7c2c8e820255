// `aisix serve` prints the request totals on stderr when it stops (DESIGN §13), in the same form as
// `aisix run`'s summary: the built bin (`npm run build` first) on a config pointing at the mock,
// requests sent, SIGTERM, then the totals checked against the request log the same run wrote. In
// line mode and with --json (stdout stays results only); `aisix: 0 requests` when none finished.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestFinished } from '../../src/events/types.js';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { spawnServe } from '../helpers/serve-child.js';

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
  it('line mode (--no-tui): two requests, SIGTERM, then the run summary on stderr; stdout keeps its request lines', async () => {
    const log = join(dir, 'line.jsonl');
    const serve = spawnServe(['-c', config('line.yaml'), '--port', '0', '--no-tui', '--log-file', log], { TOTALS_TEST_KEY: 'sk-dev' });
    const url = (await serve.waitForLine(() => true)).replace('aisix listening on ', '');
    expect((await post(url, 'sk-dev', 'count these words please')).status).toBe(200);
    expect((await post(url, null, 'no key')).status).toBe(401);
    await serve.waitForLine((l) => / 401 /.test(l));
    expect(serve.stderr()).not.toContain('aisix: 2 requests'); // nothing before the stop
    expect(await serve.stop('SIGTERM')).toBe(0);

    const [ok, refused] = logged(log);
    expect(ok).toMatchObject({ status: 200, alias: 'chat', caller: 'dev' });
    expect(refused).toMatchObject({ status: 401, alias: null, usage: null, cost_usd: null });
    const input = ok?.usage?.input_tokens ?? 0;
    const output = ok?.usage?.output_tokens ?? 0;
    expect(input).toBeGreaterThan(0);
    expect(output).toBeGreaterThan(0);
    const cost = usd(input + output);
    expect(serve.stderr().endsWith([
      `aisix: 2 requests (1 error), tokens ${input} in / ${output} out, cost ${cost}`,
      `  chat        1 req  ${input} in  ${output} out  ${cost}`,
      `  (no alias)  1 req  ${'0'.padStart(String(input).length)} in  ${'0'.padStart(String(output).length)} out  ${'-'.padEnd(cost.length)}  1 error`,
      '',
    ].join('\n'))).toBe(true);
    expect(serve.lines.some((l) => l.startsWith('aisix:'))).toBe(false);
  });

  it('--json: stdout stays NDJSON only, the totals go to stderr', async () => {
    const serve = spawnServe(['-c', config('json.yaml'), '--port', '0', '--json'], { TOTALS_TEST_KEY: 'sk-dev' });
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
    expect(serve.stderr().endsWith(`aisix: 2 requests, tokens ${input} in / ${output} out, cost ${cost}\n  chat  2 req  ${input} in  ${output} out  ${cost}\n`)).toBe(true);
  });

  it('prints "aisix: 0 requests" when none finished', async () => {
    const serve = spawnServe(['-c', config('idle.yaml'), '--port', '0', '--no-tui'], { TOTALS_TEST_KEY: 'sk-dev' });
    await serve.waitForLine(() => true);
    expect(await serve.stop('SIGTERM')).toBe(0);
    expect(serve.stderr().endsWith('\naisix: 0 requests\n')).toBe(true);
  });
});
