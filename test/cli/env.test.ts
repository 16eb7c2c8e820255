// `aisix env` as a user runs it: the built bin in an empty directory with no AISIX_* variables;
// `export` lines on stdout for a proxy running elsewhere, the key as a "$VAR" reference unless
// --show-key, values shell-quoted (checked by eval-ing them in sh). Needs `npm run build`.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = ROOT + 'bin/aisix.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let cwd: string;

function exec(file: string, args: string[], env: Record<string, string>): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AISIX_')));
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env: { ...base, ...env }, timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

const aisix = (args: string[], env: Record<string, string> = {}): Promise<Run> => exec(process.execPath, [BIN, 'env', ...args], env);

function file(name: string, text: string): string {
  const path = join(cwd, name);
  writeFileSync(path, text);
  return path;
}

const UPSTREAM = `provider_keys:
  - { display_name: up, provider: openai, api_key: sk-up, api_base: http://127.0.0.1:9/v1 }
models:
  - { display_name: chat, provider: openai, model_name: gpt-4o-mini, provider_key: up }
`;

let authConfig: string;
let openConfig: string;

beforeAll(() => {
  if (!existsSync(ROOT + 'dist/cli/env.js')) throw new Error('dist/ is missing: run `npm run build` first');
  cwd = mkdtempSync(join(tmpdir(), 'aisix-env-'));
  authConfig = file('auth.yaml', `_format_version: "1"\nproxy:\n  addr: 127.0.0.1:4555\n${UPSTREAM}api_keys:\n  - { display_name: dev, key_env: ENV_TEST_KEY, allowed_models: ["*"] }\n`);
  openConfig = file('open.yaml', `_format_version: "1"\n${UPSTREAM}`);
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const lines = (url: string, key: string): string =>
  [
    `export OPENAI_BASE_URL=${url}/v1`,
    `export OPENAI_API_KEY=${key}`,
    `export ANTHROPIC_BASE_URL=${url}`,
    `export ANTHROPIC_API_KEY=${key}`,
    `export ANTHROPIC_AUTH_TOKEN=${key}`,
    '',
  ].join('\n');

describe('aisix env', () => {
  it("points at proxy.addr and refers to the first key_env's variable, not its value", async () => {
    const run = await aisix(['-c', authConfig], { ENV_TEST_KEY: 'sk-dev' });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(lines('http://127.0.0.1:4555', '"$ENV_TEST_KEY"'));
    expect(run.stderr).toBe('');
  });

  it('--show-key prints the value instead', async () => {
    const run = await aisix(['-c', authConfig, '--show-key'], { ENV_TEST_KEY: 'sk-dev' });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(lines('http://127.0.0.1:4555', 'sk-dev'));
  });

  it('$AISIX_API_KEY comes before key_env', async () => {
    const run = await aisix(['-c', authConfig], { ENV_TEST_KEY: 'sk-dev', AISIX_API_KEY: 'sk-mine' });
    expect(run.stdout).toBe(lines('http://127.0.0.1:4555', '"$AISIX_API_KEY"'));
  });

  it('notes an unset key_env variable, and --show-key then fails', async () => {
    const ref = await aisix(['-c', authConfig]);
    expect(ref.code).toBe(0);
    expect(ref.stdout).toBe(lines('http://127.0.0.1:4555', '"$ENV_TEST_KEY"'));
    expect(ref.stderr).toContain('$ENV_TEST_KEY');
    const show = await aisix(['-c', authConfig, '--show-key']);
    expect(show.code).toBe(1);
    expect(show.stdout).toBe('');
    expect(show.stderr).toBe('aisix env: --show-key: $ENV_TEST_KEY is not set\n');
  });

  it('without api_keys (auth off) prints a placeholder key; without a config, the default URL', async () => {
    expect((await aisix(['-c', openConfig])).stdout).toBe(lines('http://127.0.0.1:3000', 'aisix-local'));
    const none = await aisix([]);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe(lines('http://127.0.0.1:3000', '"$AISIX_API_KEY"'));
  });

  it('--url takes the proxy root (a trailing /v1 is dropped); values are shell-quoted', async () => {
    const key = `it's $HOME \`x\``;
    const run = await aisix(['--url', 'localhost:8080/v1/', '--api-key', key]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(lines('http://localhost:8080', `'it'\\''s $HOME \`x\`'`));
    const script = `eval "$1"; printf '%s|%s|%s' "$OPENAI_BASE_URL" "$ANTHROPIC_BASE_URL" "$ANTHROPIC_AUTH_TOKEN"`;
    const shell = await exec('/bin/sh', ['-c', script, 'sh', run.stdout], {});
    expect(shell.stdout).toBe(`http://localhost:8080/v1|http://localhost:8080|${key}`);
  });

  it('a "$VAR" reference expands in the shell that evals it', async () => {
    const run = await aisix(['-c', authConfig], { ENV_TEST_KEY: 'sk-dev' });
    const shell = await exec('/bin/sh', ['-c', 'eval "$1"; printf %s "$OPENAI_API_KEY"', 'sh', run.stdout], { ENV_TEST_KEY: 'sk-from-shell' });
    expect(shell.stdout).toBe('sk-from-shell');
  });

  it('exits 2 on an invalid --url and 1 on an invalid config', async () => {
    expect((await aisix(['--url', 'ftp://x'])).code).toBe(2);
    const bad = file('bad.yaml', '_format_version: "1"\nmodels:\n  - { display_name: chat, provider: openai, model_name: x, provider_key: nope }\n');
    const run = await aisix(['-c', bad]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('nope');
  });
});
