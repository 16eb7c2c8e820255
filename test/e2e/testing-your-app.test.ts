// The README's "Testing your app with aisix" worked example, run as written: its app test, its
// aisix.yaml and aisix.flaky.yaml, and each of its `npx aisix run …` commands (with the built bin),
// in a fresh folder. The one change: the provider key's `api_base` points at the bundled mock
// instead of OpenAI. It records against the mock once, stops the mock, replays offline with no
// OPENAI_API_KEY, then replays with the flaky provider and sees the SDK's retry pass the test.
// Needs `npm run build` (and npm on PATH: the example runs `npm test`).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { tapeFiles } from '../helpers/tape-stack.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/aisix.js');
const UPSTREAM_KEY = 'sk-e2e-upstream-secret';

/** The README section and its fenced blocks. */
function example(): { blocks: { lang: string; text: string }[] } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Testing your app with aisix\n');
  if (start < 0) throw new Error('README.md has no "Testing your app with aisix" section');
  const end = readme.indexOf('\n## ', start + 10);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1] as string, text: m[2] as string }));
  return { blocks };
}

/** The block whose first line names the file (`// test/summary.test.mjs`, `# aisix.yaml`). */
function file(name: string): string {
  const found = example().blocks.find((b) => b.text.split('\n')[0]?.replace(/^(\/\/|#)\s*/, '') === name);
  if (found === undefined) throw new Error(`the README example has no block for ${name}`);
  return found.text;
}

/** Every `npx aisix run …` line of the example's shell blocks, in order. */
function commands(): string[] {
  return example().blocks.filter((b) => b.lang === 'sh').flatMap((b) => b.text.split('\n')).filter((l) => /^(\w+=\S+\s+)*npx aisix run /.test(l));
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one README command line in `cwd`: `VAR=value` prefixes become the environment, `npx aisix` the built bin. */
function runLine(line: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const words = line.trim().split(/\s+/);
  const vars: Record<string, string> = {};
  while (words[0] !== undefined && /^\w+=/.test(words[0])) {
    const [name, ...value] = (words.shift() as string).split('=');
    vars[name as string] = value.join('=') === 'sk-...' ? UPSTREAM_KEY : value.join('=');
  }
  expect(words.slice(0, 2)).toEqual(['npx', 'aisix']);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...words.slice(2)], { cwd, env: { ...env, ...vars } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The README's config with its provider key pointed at the mock. */
function atMock(yamlText: string, mockUrl: string): string {
  const doc = parse(yamlText) as { provider_keys: { api_base?: string }[] };
  for (const key of doc.provider_keys) key.api_base = `${mockUrl}/v1`;
  return stringify(doc);
}

let app: string;
let mock: MockServer;
const env = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AISIX_') && !k.startsWith('OPENAI_') && !k.startsWith('ANTHROPIC_') && !k.startsWith('NODE_TEST')));

beforeAll(async () => {
  app = mkdtempSync(join(tmpdir(), 'aisix-readme-app-'));
  mock = await startMock();
  // the app's dependency: the openai SDK this repository tests with
  symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'), 'dir');
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'readme-app', private: true, type: 'module', scripts: { test: 'node --test' } }, null, 2)}\n`);
  const test = file('test/summary.test.mjs');
  mkdirSync(dirname(join(app, 'test/summary.test.mjs')), { recursive: true });
  writeFileSync(join(app, 'test/summary.test.mjs'), test);
  writeFileSync(join(app, 'aisix.yaml'), atMock(file('aisix.yaml'), mock.url));
  writeFileSync(join(app, 'aisix.flaky.yaml'), atMock(file('aisix.flaky.yaml'), mock.url));
});
afterAll(async () => {
  await mock.close();
  rmSync(app, { recursive: true, force: true });
});

describe("the README's worked example", () => {
  it('has the commands it describes: record, replay, replay with a flaky provider', () => {
    expect(commands()).toEqual([
      'OPENAI_API_KEY=sk-... npx aisix run --record tapes -- npm test',
      'npx aisix run --replay tapes -- npm test',
      'npx aisix run -c aisix.flaky.yaml --replay tapes -- npm test',
    ]);
  });

  it('records once against the upstream, then passes offline with no key, and with the flaky provider thanks to the retry', async () => {
    const [record, replay, flaky] = commands() as [string, string, string];

    const recorded = await runLine(record, app, env());
    expect(recorded.code, recorded.stdout + recorded.stderr).toBe(0);
    expect(recorded.stderr).toMatch(/^total\s+1\s+0\s+0\s+[1-9]\d*\s+[1-9]\d*\s/m);
    const tapes = tapeFiles(join(app, 'tapes'));
    expect(tapes).toHaveLength(1);
    expect(tapes[0]!.path).toMatch(/^gpt-4o-mini-[0-9a-f]{8}\/[0-9a-f]{64}-1\.json$/);
    expect(tapes[0]!.text).not.toContain(UPSTREAM_KEY);
    expect(mock.requests().filter((r) => r.path === '/v1/responses')).toHaveLength(1);

    await mock.close(); // offline from here on
    const replayed = await runLine(replay, app, env());
    expect(replayed.code, replayed.stdout + replayed.stderr).toBe(0);
    expect(replayed.stdout).toContain('# pass 1');
    expect(replayed.stderr).toContain('environment variable `OPENAI_API_KEY` is unset or empty');
    expect(replayed.stderr).toMatch(/^total\s+1\s+0\s+0\s+[1-9]\d*\s+[1-9]\d*\s/m);

    const retried = await runLine(flaky, app, env());
    expect(retried.code, retried.stdout + retried.stderr).toBe(0);
    expect(retried.stdout).toContain('# pass 1');
    expect(retried.stderr).toMatch(/^total\s+2\s+1\s+0\s/m);
  }, 120_000);
});
