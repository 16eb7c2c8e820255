// `aisix init` as a user runs it: writes the commented starter that `validate` accepts, says
// what to do next, creates missing folders, and never overwrites an existing file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STARTER_CONFIG } from '../../src/config/starter-config.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/aisix.js');
let dir = '';

function aisix(args: string[], env: Record<string, string> = {}): { stdout: string; stderr: string; code: number | null } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...env } });
  return { stdout: result.stdout, stderr: result.stderr, code: result.status };
}

const nextSteps = (file: string, flag: string): string =>
  [
    `Wrote ${file} (1 provider key, 2 models; api_keys and guardrails commented out).`,
    'Next:',
    '  export OPENAI_API_KEY=sk-...',
    `  npx aisix validate${flag}`,
    `  npx aisix serve${flag}`,
    'No key at hand? `npx aisix serve --demo` runs a built-in config against a mock upstream.',
    '',
  ].join('\n');

beforeEach(() => {
  if (!existsSync(join(ROOT, 'dist/cli/init.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'aisix-init-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('aisix init', () => {
  it('writes ./aisix.yaml and prints the next steps on stdout', () => {
    expect(aisix(['init'])).toEqual({ stdout: nextSteps('aisix.yaml', ''), stderr: '', code: 0 });
    expect(readFileSync(join(dir, 'aisix.yaml'), 'utf8')).toBe(STARTER_CONFIG);
  });

  it('writes a file validate accepts: OK with a warning while OPENAI_API_KEY is unset, clean once set', () => {
    aisix(['init']);
    expect(aisix(['validate'])).toEqual({
      stdout: 'OK: aisix.yaml: 2 models, 0 api keys, 0 guardrails, 1 provider key\n',
      stderr:
        'aisix.yaml:15:14: warning: provider_keys[0] ("openai-main"): environment variable `OPENAI_API_KEY` is unset or empty\naisix.yaml: 0 errors, 1 warning\n',
      code: 0,
    });
    expect(aisix(['validate', '--strict'], { OPENAI_API_KEY: 'sk-test' })).toEqual({
      stdout: 'OK: aisix.yaml: 2 models, 0 api keys, 0 guardrails, 1 provider key\n',
      stderr: '',
      code: 0,
    });
  });

  it('its commented-out sections are valid too once uncommented', () => {
    const uncommented = STARTER_CONFIG.split('\n')
      .map((line) => line.replace(/^# (api_keys:|guardrails:|guardrail_attachments:|  )/, '$1'))
      .join('\n');
    writeFileSync(join(dir, 'full.yaml'), uncommented);
    expect(aisix(['validate', '-c', 'full.yaml', '--strict'], { OPENAI_API_KEY: 'sk-test', CALLER_API_KEY: 'dev' })).toEqual({
      stdout: 'OK: full.yaml: 2 models, 1 api key, 1 guardrail, 1 provider key\n',
      stderr: '',
      code: 0,
    });
  });

  it('writes to a given path, creating folders, and names it in the next steps', () => {
    expect(aisix(['init', 'config/dev/aisix.yaml'])).toEqual({ stdout: nextSteps('config/dev/aisix.yaml', ' -c config/dev/aisix.yaml'), stderr: '', code: 0 });
    expect(aisix(['validate', '-c', 'config/dev/aisix.yaml']).code).toBe(0);
  });

  it('refuses to overwrite an existing file (exit 1) and leaves it untouched', () => {
    writeFileSync(join(dir, 'aisix.yaml'), 'mine\n');
    expect(aisix(['init'])).toEqual({
      stdout: '',
      stderr: 'aisix init: aisix.yaml already exists; not overwriting it (remove it first, or name another file: aisix init other.yaml)\n',
      code: 1,
    });
    expect(readFileSync(join(dir, 'aisix.yaml'), 'utf8')).toBe('mine\n');
  });

  it('reports a path it cannot write with the OS reason (exit 1)', () => {
    writeFileSync(join(dir, 'file'), '');
    expect(aisix(['init', 'file/aisix.yaml'])).toEqual({ stdout: '', stderr: 'aisix init: cannot create the folder file for file/aisix.yaml: EEXIST: file already exists\n', code: 1 });
  });
});
