// `--record`, `--replay` and `--replay-speed` on `aisix serve` and `aisix run` (DESIGN.md §12),
// with the built binary: a session recorded against the mock replays with the mock stopped and the
// provider key unset (a warning, not an error, under --replay alone), the same answers; the
// banner says what the tapes do; flag mistakes exit with the command's usage or failure code; the
// demo's flaky alias shows injected faults. Needs `npm run build`.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { spawnServe } from '../helpers/serve-child.js';
import { tapeFiles } from '../helpers/tape-stack.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = `${ROOT}bin/aisix.js`;
let dir: string;
let mock: MockServer;

const config = (apiBase: string): string => `_format_version: "1"
provider_keys:
  - { display_name: up, provider: openai, api_key: "\${TAPE_UPSTREAM_KEY}", api_base: "${apiBase}/v1" }
models:
  - { display_name: chat, provider: openai, model_name: mock-echo, provider_key: up }
`;

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AISIX_') && k !== 'TAPE_UPSTREAM_KEY'));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, env: { ...base, CI: 'true', ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  if (!existsSync(`${ROOT}dist/cli/tapes.js`)) throw new Error('dist/ is stale: run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'aisix-cli-tapes-'));
  mock = await startMock();
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

async function serveSession(args: string[], env: Record<string, string>): Promise<{ answers: unknown[]; stderr: string; lines: string[] }> {
  const serve = spawnServe(['--port', '0', ...args], env);
  const url = (await serve.waitForLine((l) => l.startsWith('aisix listening on '))).replace('aisix listening on ', '');
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const answers: unknown[] = [await client.responses.create({ model: 'chat', input: 'recorded by serve' })];
  const events: unknown[] = [];
  for await (const event of await client.responses.create({ model: 'chat', input: 'a recorded stream', stream: true })) events.push(event);
  answers.push(events);
  await serve.waitForLine((l) => l.includes(' stream ') && l.includes('chat→mock-echo'));
  expect(await serve.stop()).toBe(0);
  return { answers, stderr: serve.stderr(), lines: serve.lines };
}

describe('aisix serve --record / --replay', () => {
  it('records against the upstream, then replays with the upstream gone and no provider key (a warning)', async () => {
    const tapes = join(dir, 'serve-tapes');
    writeFileSync(join(dir, 'live.yaml'), config(mock.url));
    const live = await serveSession(['-c', join(dir, 'live.yaml'), '--record', tapes], { TAPE_UPSTREAM_KEY: 'sk-serve-upstream-1' });
    expect(live.stderr).toContain(`aisix: recording tapes to ${tapes}; WebSocket turns are bridged to HTTP`);
    expect(live.lines.filter((l) => l.includes('chat→mock-echo')).every((l) => l.endsWith(' recorded'))).toBe(true);
    const files = tapeFiles(tapes);
    expect(files).toHaveLength(2);
    for (const f of files) expect(f.text).not.toContain('sk-serve-upstream-1');

    writeFileSync(join(dir, 'offline.yaml'), config('http://127.0.0.1:9'));
    const replayed = await serveSession(['-c', join(dir, 'offline.yaml'), '--replay', tapes, '--replay-speed', '0'], {});
    expect(replayed.answers).toEqual(live.answers);
    expect(replayed.stderr).toContain('warning: provider_keys[0] ("up"): environment variable `TAPE_UPSTREAM_KEY` is unset or empty');
    expect(replayed.stderr).toContain(`aisix: replaying tapes from ${tapes} (speed 0: no delays)`);
    expect(replayed.lines.filter((l) => l.includes('chat→mock-echo')).every((l) => l.endsWith(' replayed'))).toBe(true);
  });

  it('refuses flag mistakes before starting: --replay-speed alone is a usage error (2), a missing tape folder a failure (1)', async () => {
    writeFileSync(join(dir, 'flags.yaml'), config(mock.url));
    const alone = await run(['serve', '-c', 'flags.yaml', '--replay-speed', '1']);
    expect([alone.code, alone.stderr]).toEqual([2, 'aisix serve: --replay-speed needs --replay\n']);
    const missing = await run(['serve', '-c', 'flags.yaml', '--replay', 'nowhere']);
    expect([missing.code, missing.stderr]).toEqual([1, 'aisix serve: --replay: no tape folder nowhere (record one with --record nowhere)\n']);
    const negative = await run(['serve', '-c', 'flags.yaml', '--replay', dir, '--replay-speed', '-1']);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain('expected a number ≥ 0');
  });

  it('without --replay a missing provider key is still an error', async () => {
    writeFileSync(join(dir, 'needs-key.yaml'), config(mock.url));
    const res = await run(['serve', '-c', 'needs-key.yaml', '--record', join(dir, 'unused')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('error: provider_keys[0] ("up"): environment variable `TAPE_UPSTREAM_KEY` is unset or empty');
  });
});

describe('aisix run --record / --replay', () => {
  const APP = `
const r = await fetch(process.env.OPENAI_BASE_URL + '/chat/completions', {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.OPENAI_API_KEY },
  body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: process.argv[2] }] }),
});
const body = await r.json();
console.log(r.status + ' ' + (body.id ?? body.error.code) + ' ' + (body.choices?.[0]?.message?.content ?? ''));
`;

  it("records the command's requests, then replays them offline: the same output, the command's exit status", async () => {
    writeFileSync(join(dir, 'app.mjs'), APP);
    writeFileSync(join(dir, 'run-live.yaml'), config(mock.url));
    writeFileSync(join(dir, 'run-offline.yaml'), config('http://127.0.0.1:9'));
    const tapes = join(dir, 'run-tapes');
    const live = await run(['run', '-c', 'run-live.yaml', '--record', tapes, '--', 'node', 'app.mjs', 'hello tapes'], { TAPE_UPSTREAM_KEY: 'sk-run-upstream-1' });
    expect(live.code).toBe(0);
    expect(live.stdout).toMatch(/^200 chatcmpl-\S+ hello tapes\n$/);
    const replayed = await run(['run', '-c', 'run-offline.yaml', '--replay', tapes, '--', 'node', 'app.mjs', 'hello tapes']);
    expect([replayed.code, replayed.stdout]).toEqual([0, live.stdout]);
    const miss = await run(['run', '-c', 'run-offline.yaml', '--replay', tapes, '--', 'node', 'app.mjs', 'never recorded']);
    expect(miss.stdout).toBe('404 replay_miss \n');
    expect(miss.stderr).toMatch(/^total\s+1\s+1\s+0\s/m);
  });
});

describe('aisix serve --demo: demo-flaky', () => {
  it('answers some requests with an injected 503 (FAULT status) and the rest as demo does', async () => {
    const serve = spawnServe(['--demo', '--port', '0', '--no-tui']);
    const url = (await serve.waitForLine((l) => l.startsWith('aisix listening on '))).replace('aisix listening on ', '');
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-aisix-demo', maxRetries: 0 });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      statuses.push(await client.responses.create({ model: 'demo-flaky', input: 'flaky?' }).then(() => 200, (e: { status: number }) => e.status));
    }
    expect(new Set(statuses)).toEqual(new Set([200, 503]));
    expect((await client.responses.create({ model: 'demo', input: 'steady' })).output_text).toBe('steady');
    await serve.waitForLine((l) => / 503 demo-caller demo-flaky→mock-echo .*FAULT status$/.test(l));
    expect(await serve.stop()).toBe(0);
  });
});
