import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { spawnServe } from '../helpers/serve-child.js';

let mock: MockServer;
let dir: string;
beforeAll(async () => {
  mock = await startMock();
  dir = mkdtempSync(join(tmpdir(), 'aisix-serve-'));
});
afterAll(() => mock.close());

function writeConfig(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `_format_version: "1"\n${body}`);
  return path;
}

const basic = () => `provider_keys:
  - { display_name: up, provider: openai, api_key: sk-up, api_base: ${mock.url}/v1 }
models:
  - { display_name: chat, provider: openai, model_name: mock-echo, provider_key: up }
api_keys:
  - { display_name: dev, key_env: SERVE_TEST_KEY, allowed_models: ["*"] }
`;

describe('aisix serve', () => {
  it('prints the listening line first on stdout, serves, and exits 0 on SIGTERM', async () => {
    const serve = spawnServe(['-c', writeConfig('ok.yaml', basic()), '--port', '0'], { SERVE_TEST_KEY: 'sk-dev' });
    const first = await serve.waitForLine(() => true);
    expect(first).toMatch(/^aisix listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = first.replace('aisix listening on ', '');
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-dev', maxRetries: 0 });
    expect((await client.responses.create({ model: 'chat', input: 'via cli' })).output_text).toBe('via cli');
    const line = await serve.waitForLine((l) => l.includes('chat→mock-echo'));
    expect(line).toMatch(/^\d\d:\d\d:\d\d 200 dev chat→mock-echo \d+→\d+ tok \d+ms$/);
    expect(await serve.stop()).toBe(0);
    expect(serve.stderr()).not.toContain('sk-dev');
  });

  it('with --json, stdout is NDJSON whose first line is server.listening', async () => {
    const serve = spawnServe(['-c', writeConfig('json.yaml', basic()), '--port', '0', '--json'], { SERVE_TEST_KEY: 'sk-dev' });
    const first = JSON.parse(await serve.waitForLine(() => true)) as { event: string; url: string; aliases: string[]; auth: boolean };
    expect(first).toMatchObject({ event: 'server.listening', aliases: ['chat'], auth: true });
    await fetch(`${first.url}/v1/responses`, { method: 'POST', body: '{}' });
    const finished = JSON.parse(await serve.waitForLine((l) => l.includes('"request.finished"'))) as { status: number; outcome: string };
    expect(finished).toMatchObject({ status: 401, outcome: 'unauthorized' });
    expect(serve.lines.every((l) => JSON.parse(l) !== null)).toBe(true);
    expect(await serve.stop('SIGINT')).toBe(0);
  });

  it('prints the validation report and exits 1 on an invalid config (a missing key_env is an error for serve)', async () => {
    const serve = spawnServe(['-c', writeConfig('bad.yaml', basic()), '--port', '0'], { SERVE_TEST_KEY: '' });
    expect(await serve.exited).toBe(1);
    expect(serve.lines).toEqual([]);
    expect(serve.stderr()).toMatch(/bad\.yaml:\d+:\d+: error: api_keys\[0\] \("dev"\): .*SERVE_TEST_KEY/);
  });

  it('exits 1 with a one-line reason when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const serve = spawnServe(['-c', writeConfig('busy.yaml', basic()), '--port', String(port)], { SERVE_TEST_KEY: 'sk-dev' });
    expect(await serve.exited).toBe(1);
    expect(serve.stderr().trim().split('\n')).toHaveLength(1);
    expect(serve.stderr()).toContain(`cannot listen on 127.0.0.1:${port}: address already in use`);
    blocker.close();
  });

  it('exits 1 when the log file cannot be opened', async () => {
    const blocked = writeConfig('file-not-dir', '');
    const serve = spawnServe(['-c', writeConfig('log.yaml', basic()), '--port', '0', '--log-file', join(blocked, 'x.jsonl')], { SERVE_TEST_KEY: 'sk-dev' });
    expect(await serve.exited).toBe(1);
    expect(serve.stderr()).toContain('cannot open log file');
  });

  it('refuses a non-loopback address when no api_keys exist, and serves without auth on loopback with a warning', async () => {
    const open = `provider_keys:\n  - { display_name: up, provider: openai, api_key: sk-up, api_base: ${mock.url}/v1 }\nmodels:\n  - { display_name: chat, provider: openai, model_name: mock-echo, provider_key: up }\n`;
    const exposed = spawnServe(['-c', writeConfig('open.yaml', open), '--host', '0.0.0.0', '--port', '0']);
    expect(await exposed.exited).toBe(1);
    expect(exposed.stderr()).toContain('without api_keys');
    const local = spawnServe(['-c', writeConfig('open2.yaml', open), '--port', '0']);
    const url = (await local.waitForLine(() => true)).replace('aisix listening on ', '');
    const response = await fetch(`${url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'chat', input: 'no auth' }) });
    expect(response.status).toBe(200);
    // fetch's default text/plain is what a web page can send cross-site: refused while auth is off
    const plain = await fetch(`${url}/v1/responses`, { method: 'POST', body: JSON.stringify({ model: 'chat', input: 'no auth' }) });
    expect(plain.status).toBe(415);
    expect(local.stderr()).toContain('without authentication');
    expect(await local.stop()).toBe(0);
  });

  it('names the paths tried when the config file is missing', async () => {
    const serve = spawnServe(['-c', join(dir, 'nope.yaml')]);
    expect(await serve.exited).toBe(1);
    expect(serve.stderr()).toContain('nope.yaml');
    expect(serve.stderr()).toContain('aisix init');
    expect(serve.stderr()).toContain('aisix serve --demo');
  });
});

describe('aisix serve --demo', () => {
  it('works offline with no environment: the demo key streams, the codename is blocked', async () => {
    const serve = spawnServe(['--demo', '--port', '0', '--no-tui']);
    const url = (await serve.waitForLine(() => true)).replace('aisix listening on ', '');
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-aisix-demo', maxRetries: 0 });
    const stream = await client.responses.create({ model: 'demo', input: 'hello demo', stream: true });
    let text = '';
    for await (const e of stream) if (e.type === 'response.output_text.delta') text += e.delta;
    expect(text).toBe('hello demo');
    const blocked = await client.responses.create({ model: 'demo', input: 'about Project Falcon' }).catch((e: unknown) => e);
    expect((blocked as { status: number }).status).toBe(422);
    await serve.waitForLine((l) => l.includes('BLOCKED input no-codenames'));
    expect(serve.stderr()).toContain('caller key sk-aisix-demo');
    expect(await serve.stop()).toBe(0);
  });
});
