// `aisix run -- CMD` as a user runs it: the built bin spawned with a small Node script as CMD, in an
// empty directory with no AISIX_* variables. The script reaches the proxy through the variables
// aisix sets; its stdout is its own, the summary (the table `aisix stats` prints: per alias, then the
// total row) is on stderr, and the exit status is CMD's (128+N
// for a signal, 127 not found, 125 for aisix's own failures). Signals sent to aisix reach CMD.
// Needs `npm run build`.
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = ROOT + 'bin/aisix.js';

/** The summary table's header row, and the whole table when no request finished. */
const TABLE_HEAD = 'alias  requests  errors  blocked  input  output  cached  reasoning  cost  p50  p95  ttft p50  ttft p95';
const EMPTY_TABLE = `${TABLE_HEAD}\ntotal         0       0        0      0       0       0          0     -    -    -         -         -\n`;
/** A table row's cells: label, requests, errors, blocked, input, output, cached, reasoning, cost, p50, p95, ttft p50, ttft p95. */
const cells = (line: string | undefined): string[] => (line ?? '').split(/ {2,}/);
/** The row of `label` in a printed table, as cells. */
const rowOf = (lines: readonly string[], label: string): string[] => cells(lines.find((l) => cells(l)[0] === label));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let cwd: string;
let mock: MockServer;

const baseEnv = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AISIX_')));

/** Runs `aisix ARGS` to completion in an empty directory with no AISIX_* variables unless given. */
function aisix(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...baseEnv(), ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

function file(name: string, text: string): string {
  const path = join(cwd, name);
  writeFileSync(path, text);
  return path;
}

// the child: one chat completion per argument `ALIAS:TEXT` through OPENAI_BASE_URL, a model list
// through ANTHROPIC_BASE_URL (the proxy's root), then `exit N` from EXIT_WITH
const APP = `
const post = async (model, content) => {
  const r = await fetch(process.env.OPENAI_BASE_URL + '/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.OPENAI_API_KEY },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
  });
  const body = await r.json();
  return r.status + ' ' + (body.choices?.[0]?.message?.content ?? body.error?.code ?? body.error?.type);
};
for (const arg of process.argv.slice(2)) {
  const at = arg.indexOf(':');
  console.log(await post(arg.slice(0, at), arg.slice(at + 1)));
}
const models = await fetch(process.env.ANTHROPIC_BASE_URL + '/v1/models', { headers: { authorization: 'Bearer ' + process.env.ANTHROPIC_AUTH_TOKEN } });
console.log('models ' + models.status);
process.exit(Number(process.env.EXIT_WITH ?? 0));
`;

// prints the variables aisix set for it
const SHOW_ENV = `
for (const name of ['OPENAI_BASE_URL', 'ANTHROPIC_BASE_URL', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN']) {
  console.log(name + '=' + process.env[name]);
}
`;

// waits for a signal; on SIGINT/SIGTERM it makes one more request (the proxy must still serve), then exits
const WAITER = `
const handle = process.env.HANDLE;
if (handle) process.on(handle, async () => {
  const r = await fetch(process.env.OPENAI_BASE_URL + '/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.OPENAI_API_KEY },
    body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'after ' + handle }] }),
  });
  console.log('got ' + handle + ': ' + (await r.json()).choices[0].message.content);
  process.exit(5);
});
setInterval(() => undefined, 1000);
console.log('ready');
`;

beforeAll(async () => {
  if (!existsSync(ROOT + 'dist/cli/run.js')) throw new Error('dist/ is missing: run `npm run build` first');
  cwd = mkdtempSync(join(tmpdir(), 'aisix-run-'));
  mock = await startMock();
  file('app.mjs', APP);
  file('show-env.mjs', SHOW_ENV);
  file('waiter.mjs', WAITER);
});
afterAll(async () => {
  await mock.close();
  rmSync(cwd, { recursive: true, force: true });
});

describe('aisix run --demo -- node app.mjs', () => {
  it("gives the command the proxy, keeps its stdout its own, and prints the summary on stderr", async () => {
    const run = await aisix(['run', '--demo', '--', 'node', 'app.mjs', 'demo:hello from run']);
    expect(run.stdout).toBe('200 hello from run\nmodels 200\n');
    const lines = run.stderr.trimEnd().split('\n');
    // nothing but the summary table: no banner, no request lines
    expect(lines.map((l) => cells(l)[0])).toEqual(['alias', 'demo', '(no alias)', 'total']);
    expect(cells(lines[0])).toEqual(cells(TABLE_HEAD));
    expect(cells(lines[1]).slice(0, 4)).toEqual(['demo', '1', '0', '0']);
    expect(cells(lines[1])[4]).toMatch(/^[1-9][\d,]*$/);
    expect(cells(lines[1])[5]).toMatch(/^[1-9][\d,]*$/);
    expect(cells(lines[1])[8]).toMatch(/^\$0\.\d+$/);
    expect(cells(lines[2]).slice(0, 9)).toEqual(['(no alias)', '1', '0', '0', '0', '0', '0', '0', '-']);
    expect(cells(lines[3]).slice(0, 4)).toEqual(['total', '2', '0', '0']);
    expect(cells(lines[3])[8]).toBe(cells(lines[1])[8]);
    expect(run.code).toBe(0);
  });

  it("exits with the command's status and counts errors and blocks by alias", async () => {
    const run = await aisix(['run', '--demo', '--', 'node', 'app.mjs', 'demo:one', 'demo:two', 'demo-error:x', 'demo-slow:about Project Falcon'], { EXIT_WITH: '3' });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('200 one\n200 two\n502 upstream_500\n422 content_filter\nmodels 200\n');
    const lines = run.stderr.trimEnd().split('\n');
    // busiest alias first; requests without an alias (the model list) last; then the total row
    expect(lines.map((l) => cells(l).slice(0, 2).join(' '))).toEqual(['alias requests', 'demo 2', 'demo-error 1', 'demo-slow 1', '(no alias) 1', 'total 5']);
    expect(rowOf(lines, 'demo-error').slice(0, 4)).toEqual(['demo-error', '1', '1', '0']);
    expect(rowOf(lines, 'demo-error')[8]).toBe('-');
    expect(rowOf(lines, 'demo-slow').slice(0, 4)).toEqual(['demo-slow', '1', '0', '1']);
    expect(rowOf(lines, 'demo-slow')[8]).toBe('-');
    expect(rowOf(lines, 'total').slice(0, 4)).toEqual(['total', '5', '1', '1']);
    expect(rowOf(lines, 'total')[8]).toMatch(/^\$0\.\d+$/);
  });

  it('sets the OpenAI and Anthropic variables to the proxy and the demo key', async () => {
    const run = await aisix(['run', '--demo', '--', 'node', 'show-env.mjs']);
    expect(run.code).toBe(0);
    const vars = Object.fromEntries(run.stdout.trimEnd().split('\n').map((l) => l.split('=') as [string, string]));
    expect(vars.OPENAI_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(vars.ANTHROPIC_BASE_URL).toBe(vars.OPENAI_BASE_URL?.replace(/\/v1$/, ''));
    expect([vars.OPENAI_API_KEY, vars.ANTHROPIC_API_KEY, vars.ANTHROPIC_AUTH_TOKEN]).toEqual(['sk-aisix-demo', 'sk-aisix-demo', 'sk-aisix-demo']);
    expect(run.stderr).toBe(EMPTY_TABLE);
  });

  it('passes a signal death through as 128+N', async () => {
    const run = await aisix(['run', '--demo', '--', 'node', '-e', 'process.kill(process.pid, "SIGKILL")']);
    expect(run.code).toBe(137);
  });
});

describe('aisix run: signals', () => {
  function spawnRun(args: string[], env: Record<string, string> = {}) {
    const child = spawn(process.execPath, [BIN, 'run', ...args], { cwd, env: { ...baseEnv(), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('ready\n')) resolve();
      });
      child.once('exit', () => reject(new Error(`aisix run exited before the command was ready; stderr: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, ready, exited, stdout: () => stdout, stderr: () => stderr };
  }

  it('forwards SIGTERM sent to aisix; a command it kills exits 143', async () => {
    const run = spawnRun(['--demo', '--', 'node', 'waiter.mjs']);
    await run.ready;
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(143);
    expect(run.stderr()).toBe(EMPTY_TABLE);
  });

  it('forwards SIGTERM and SIGINT to a command that handles them, and keeps serving it meanwhile', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const run = spawnRun(['--demo', '--', 'node', 'waiter.mjs'], { HANDLE: signal });
      await run.ready;
      run.child.kill(signal);
      expect(await run.exited).toBe(5);
      expect(run.stdout()).toBe(`ready\ngot ${signal}: after ${signal}\n`);
      const lines = run.stderr().trimEnd().split('\n');
      expect(lines.map((l) => cells(l).slice(0, 2).join(' '))).toEqual(['alias requests', 'demo 1', 'total 1']);
      expect(rowOf(lines, 'total')[8]).toMatch(/^\$0\.\d+$/);
    }
  });
});

describe('aisix run: a config file and the caller key', () => {
  const config = () => file('auth.yaml', `_format_version: "1"
provider_keys:
  - { display_name: up, provider: openai, api_key: sk-up, api_base: ${mock.url}/v1 }
models:
  - { display_name: chat, provider: openai, model_name: mock-echo, provider_key: up }
api_keys:
  - { display_name: dev, key_env: RUN_TEST_KEY, allowed_models: ["*"] }
`);

  it("hands the command the first key_env's value, and counts by the configured alias", async () => {
    const run = await aisix(['run', '-c', config(), '--', 'node', 'app.mjs', 'chat:from a file'], { RUN_TEST_KEY: 'sk-dev' });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('200 from a file\nmodels 200\n');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.map((l) => cells(l).slice(0, 2).join(' '))).toEqual(['alias requests', 'chat 1', '(no alias) 1', 'total 2']);
    expect(rowOf(lines, 'total')[8]).toBe('-'); // no cost configured and no catalog price for mock-echo
  });

  it('--api-key wins over $AISIX_API_KEY, which wins over key_env; a key that matches no api key is warned about before the command starts', async () => {
    const viaEnv = await aisix(['run', '-c', config(), '--', 'node', 'show-env.mjs'], { RUN_TEST_KEY: 'sk-dev', AISIX_API_KEY: 'sk-dev' });
    expect(viaEnv.stdout).toContain('OPENAI_API_KEY=sk-dev\n');
    expect(viaEnv.stderr).toBe(EMPTY_TABLE);
    const viaFlag = await aisix(['run', '-c', config(), '--api-key', 'sk-other', '--', 'node', 'show-env.mjs'], { RUN_TEST_KEY: 'sk-dev', AISIX_API_KEY: 'sk-dev' });
    expect(viaFlag.stdout).toContain('ANTHROPIC_AUTH_TOKEN=sk-other\n');
    expect(viaFlag.stderr).toMatch(/^aisix: warning: the caller key from --api-key matches no api key in .*auth\.yaml; the command's requests will get 401\n/);
    expect(viaFlag.stderr.endsWith(`401\n${EMPTY_TABLE}`)).toBe(true);
  });

  it('with auth off, hands out a placeholder key', async () => {
    const open = file('open.yaml', `_format_version: "1"
provider_keys:
  - { display_name: up, provider: openai, api_key: sk-up, api_base: ${mock.url}/v1 }
models:
  - { display_name: chat, provider: openai, model_name: mock-echo, provider_key: up }
`);
    const run = await aisix(['run', '-c', open, '--', 'node', 'app.mjs', 'chat:no auth']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('200 no auth\nmodels 200\n');
  });
});

describe("aisix run: aisix's own failures", () => {
  it('exits 127 when the command does not exist', async () => {
    const run = await aisix(['run', '--demo', '--', 'aisix-no-such-command-xyz', '--flag']);
    expect(run.code).toBe(127);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('aisix run: aisix-no-such-command-xyz: command not found\n');
  });

  it('exits 125 with the config error on a bad config, without running the command', async () => {
    const bad = file('bad.yaml', '_format_version: "1"\nmodels:\n  - { display_name: chat, provider: openai, model_name: x, provider_key: nope }\n');
    const run = await aisix(['run', '-c', bad, '--', 'node', '-e', 'console.log("ran")']);
    expect(run.code).toBe(125);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/bad\.yaml:3:\d+: error: .*nope/);
    const missing = await aisix(['run', '-c', join(cwd, 'nope.yaml'), '--', 'node', '-e', 'console.log("ran")']);
    expect(missing.code).toBe(125);
    expect(missing.stderr).toContain('config file not found');
  });

  it('exits 125 when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const run = await aisix(['run', '--demo', '--port', String(port), '--', 'node', '-e', 'console.log("ran")']);
    blocker.close();
    expect(run.code).toBe(125);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`cannot listen on 127.0.0.1:${port}: address already in use`);
  });

  it('exits 125 for a --replay folder that does not exist, --replay-speed alone, and usage errors', async () => {
    const replay = await aisix(['run', '--demo', '--replay', join(cwd, 'no-tapes'), '--', 'node', '-e', 'console.log("ran")']);
    expect(replay.code).toBe(125);
    expect(replay.stdout).toBe('');
    expect(replay.stderr).toBe(`aisix run: --replay: no tape folder ${join(cwd, 'no-tapes')} (record one with --record ${join(cwd, 'no-tapes')})\n`);
    const speed = await aisix(['run', '--demo', '--replay-speed', '2', '--', 'node', '-e', '']);
    expect(speed.code).toBe(125);
    expect(speed.stderr).toBe('aisix run: --replay-speed needs --replay\n');
    const badSpeed = await aisix(['run', '--demo', '--replay', cwd, '--replay-speed', 'fast', '--', 'node', '-e', '']);
    expect(badSpeed.code).toBe(125);
    expect(badSpeed.stderr).toContain('expected a number ≥ 0');
    const noCommand = await aisix(['run', '--demo']);
    expect(noCommand.code).toBe(125);
    expect(noCommand.stderr).toContain("missing required argument 'command'");
    const both = await aisix(['run', '--demo', '-c', 'x.yaml', '--', 'true']);
    expect(both.code).toBe(125);
    expect(both.stderr).toContain('cannot be used with');
  });
});

describe('aisix run -- codex', () => {
  it('points Codex at the proxy with -c overrides for this run only (Codex ignores OPENAI_BASE_URL)', async () => {
    // a stand-in `codex` that prints what it was started with
    const bin = join(cwd, 'bin');
    mkdirSync(bin, { recursive: true });
    const codex = join(bin, 'codex');
    writeFileSync(codex, `#!${process.execPath}\nconsole.log(JSON.stringify({ argv: process.argv.slice(2), base: process.env.OPENAI_BASE_URL, key: process.env.OPENAI_API_KEY }));\n`);
    chmodSync(codex, 0o755);
    const run = await aisix(['run', '--demo', '--', codex, 'exec', 'hello']);
    expect(run.code).toBe(0);
    const seen = JSON.parse(run.stdout) as { argv: string[]; base: string; key: string };
    expect(seen.key).toBe('sk-aisix-demo');
    expect(seen.argv).toEqual([
      '-c', 'model_provider=aisix',
      '-c', 'model_providers.aisix.name=aisix',
      '-c', `model_providers.aisix.base_url=${JSON.stringify(seen.base)}`,
      '-c', 'model_providers.aisix.env_key=OPENAI_API_KEY',
      '-c', 'model_providers.aisix.wire_api=responses',
      '-c', 'model_providers.aisix.supports_websockets=true',
      'exec', 'hello',
    ]);
    expect(seen.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });
});
