// `aisix validate` as a user runs it: the built bin, spawned in a scratch folder, on good, bad,
// warning-only and missing files, in every format. stdout, stderr and exit codes are exact.
// (The bin runs dist/: `npm test` builds first; with vitest alone, run `npm run build`.)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/aisix.js');
const FIXTURES = join(ROOT, 'test/fixtures/config');
let dir = '';

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
}

function aisix(args: string[], env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...env },
  });
  return { stdout: result.stdout, stderr: result.stderr, code: result.status };
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli/validate.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'aisix-validate-'));
  for (const name of ['good.yaml', 'warnings.yaml', 'five-mistakes.yaml']) copyFileSync(join(FIXTURES, name), join(dir, name));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GOOD_OK = 'OK: good.yaml: 3 models, 2 api keys, 1 guardrail, 1 provider key\n';
const WARNING = 'environment variable `AISIX_TEST_UNSET_KEY` is unset or empty';

describe('aisix validate on a good file', () => {
  it('prints OK on stdout and exits 0 (-c)', () => {
    expect(aisix(['validate', '-c', 'good.yaml'])).toEqual({ stdout: GOOD_OK, stderr: '', code: 0 });
  });

  it('finds the file through $AISIX_CONFIG, then ./aisix.yaml', () => {
    expect(aisix(['validate'], { AISIX_CONFIG: 'good.yaml' })).toEqual({ stdout: GOOD_OK, stderr: '', code: 0 });
    copyFileSync(join(dir, 'good.yaml'), join(dir, 'aisix.yaml'));
    try {
      expect(aisix(['validate'])).toEqual({ stdout: GOOD_OK.replace('good.yaml', 'aisix.yaml'), stderr: '', code: 0 });
    } finally {
      rmSync(join(dir, 'aisix.yaml'));
    }
  });

  it('prints the same OK with --format github, and one JSON object with --format json', () => {
    expect(aisix(['validate', '-c', 'good.yaml', '--format', 'github'])).toEqual({ stdout: GOOD_OK, stderr: '', code: 0 });
    expect(aisix(['validate', '-c', 'good.yaml', '--format', 'json'])).toEqual({
      stdout: '{"ok":true,"path":"good.yaml","counts":{"provider_keys":1,"models":3,"api_keys":2,"guardrails":1},"errors":[],"warnings":[]}\n',
      stderr: '',
      code: 0,
    });
  });
});

describe('aisix validate with warnings only', () => {
  it('is OK (exit 0) with the warnings on stderr', () => {
    expect(aisix(['validate', '-c', 'warnings.yaml'])).toEqual({
      stdout: 'OK: warnings.yaml: 1 model, 0 api keys, 0 guardrails, 1 provider key\n',
      stderr: `warnings.yaml:5:14: warning: provider_keys[0] ("up"): ${WARNING}\nwarnings.yaml: 0 errors, 1 warning\n`,
      code: 0,
    });
  });

  it('fails with --strict, the warning now an error', () => {
    expect(aisix(['validate', '-c', 'warnings.yaml', '--strict'])).toEqual({
      stdout: '',
      stderr: `warnings.yaml:5:14: error: provider_keys[0] ("up"): ${WARNING}\nwarnings.yaml: 1 error, 0 warnings\n`,
      code: 1,
    });
  });

  it('passes --strict once the variable is set', () => {
    expect(aisix(['validate', '-c', 'warnings.yaml', '--strict'], { AISIX_TEST_UNSET_KEY: 'sk-set' }).code).toBe(0);
  });
});

describe('aisix validate on a file with five mistakes', () => {
  const issues = [
    ['warning', 5, 14, 'provider_keys[0] ("up")', 'environment variable `OPENAI_API_KEY` is unset or empty'],
    ['error', 10, 19, 'models[0] ("a")', 'provider_key references unknown provider key "up-typo" (defined: up)'],
    ['error', 11, 14, 'models[0] ("a")', 'field `timeout` must be a non-negative integer (milliseconds), got "30s"'],
    ['error', 15, 27, 'api_keys[0] ("dev")', 'allowed_models entry references unknown model "b" (defined: a)'],
    ['error', 20, 31, 'guardrails[0] ("words")', 'field `patterns[0].value` is not a valid regular expression: unterminated group'],
    ['error', 21, 1, '(file)', 'unknown top-level key `modles` (did you mean `models`?)'],
  ] as const;
  const env = { CALLER_API_KEY: 'caller-secret-plaintext' };
  const scoped = (scope: string, message: string): string => (scope === '(file)' ? message : `${scope}: ${message}`);

  it('text: every problem on stderr, then the count line; exit 1', () => {
    const lines = issues.map(([sev, line, col, scope, message]) => `five-mistakes.yaml:${line}:${col}: ${sev}: ${scoped(scope, message)}\n`);
    expect(aisix(['validate', '-c', 'five-mistakes.yaml'], env)).toEqual({
      stdout: '',
      stderr: `${lines.join('')}five-mistakes.yaml: 5 errors, 1 warning\n`,
      code: 1,
    });
  });

  it('github: annotations on stdout, the count line on stderr; exit 1', () => {
    const lines = issues.map(
      ([sev, line, col, scope, message]) => `::${sev} file=five-mistakes.yaml,line=${line},col=${col},title=aisix validate::${scoped(scope, message)}\n`,
    );
    expect(aisix(['validate', '-c', 'five-mistakes.yaml', '--format', 'github'], env)).toEqual({
      stdout: lines.join(''),
      stderr: 'five-mistakes.yaml: 5 errors, 1 warning\n',
      code: 1,
    });
  });

  it('json: one object on stdout; exit 1', () => {
    const item = ([, line, col, scope, message]: (typeof issues)[number]): object => ({ line, col, scope, message });
    const run = aisix(['validate', '-c', 'five-mistakes.yaml', '--format', 'json'], env);
    expect([run.stderr, run.code]).toEqual(['', 1]);
    expect(run.stdout).toBe(
      `${JSON.stringify({
        ok: false,
        path: 'five-mistakes.yaml',
        counts: { provider_keys: 1, models: 1, api_keys: 1, guardrails: 1 },
        errors: issues.filter(([sev]) => sev === 'error').map(item),
        warnings: issues.filter(([sev]) => sev === 'warning').map(item),
      })}\n`,
    );
  });

  it('never prints a secret', () => {
    const run = aisix(['validate', '-c', 'five-mistakes.yaml', '--format', 'json'], { ...env, OPENAI_API_KEY: 'sk-upstream-secret' });
    expect(run.stdout + run.stderr).not.toMatch(/caller-secret-plaintext|sk-upstream-secret/);
  });
});

describe('aisix validate without a file', () => {
  const text = [
    'aisix: config file not found (tried: nope.yaml)',
    '  the path comes from -c/--config, else $AISIX_CONFIG, else ./aisix.yaml',
    '  create one with `aisix init`, or try `aisix serve --demo` (built-in config, no file needed)',
    '',
  ].join('\n');
  const oneLine = 'config file not found (tried: nope.yaml) — create one with `aisix init`, or try `aisix serve --demo` (built-in config, no file needed)';

  it('text: names the path tried and the two ways out; exit 1', () => {
    expect(aisix(['validate', '-c', 'nope.yaml'])).toEqual({ stdout: '', stderr: text, code: 1 });
    expect(aisix(['validate'], { AISIX_CONFIG: 'nope.yaml' })).toEqual({ stdout: '', stderr: text, code: 1 });
    expect(aisix(['validate'])).toEqual({ stdout: '', stderr: text.replace('tried: nope.yaml', 'tried: aisix.yaml'), code: 1 });
  });

  it('json and github: the same problem as a (file) error', () => {
    expect(aisix(['validate', '-c', 'nope.yaml', '--format', 'json'])).toEqual({
      stdout: `${JSON.stringify({ ok: false, path: 'nope.yaml', counts: { provider_keys: 0, models: 0, api_keys: 0, guardrails: 0 }, errors: [{ line: 1, col: 1, scope: '(file)', message: oneLine }], warnings: [] })}\n`,
      stderr: '',
      code: 1,
    });
    expect(aisix(['validate', '-c', 'nope.yaml', '--format', 'github'])).toEqual({
      stdout: `::error file=nope.yaml,line=1,col=1,title=aisix validate::${oneLine}\n`,
      stderr: 'nope.yaml: 1 error, 0 warnings\n',
      code: 1,
    });
  });

  it('a folder instead of a file is a (file) error with the OS reason', () => {
    expect(aisix(['validate', '-c', '.'])).toEqual({
      stdout: '',
      stderr: '.:1:1: error: cannot read file: EISDIR: illegal operation on a directory\n.: 1 error, 0 warnings\n',
      code: 1,
    });
  });
});

describe('aisix validate usage', () => {
  it('an unknown format is a usage error (exit 2) with commander\'s message and the help hint', () => {
    expect(aisix(['validate', '--format', 'yaml'])).toEqual({
      stdout: '',
      stderr: "error: option '--format <format>' argument 'yaml' is invalid. Allowed choices are text, json, github.\n(run \"aisix validate --help\" for usage)\n",
      code: 2,
    });
  });

  it('colours the severity and OK only when colour is forced (or on a terminal)', () => {
    const run = aisix(['validate', '-c', 'warnings.yaml'], { FORCE_COLOR: '1' });
    expect(run.stdout).toBe('\u001b[32mOK\u001b[39m: warnings.yaml: 1 model, 0 api keys, 0 guardrails, 1 provider key\n');
    expect(run.stderr.split('\n')[0]).toBe(`warnings.yaml:5:14: \u001b[33mwarning\u001b[39m: provider_keys[0] ("up"): ${WARNING}`);
  });

  it('an empty file is reported at 1:1', () => {
    writeFileSync(join(dir, 'empty.yaml'), '');
    expect(aisix(['validate', '-c', 'empty.yaml'])).toEqual({ stdout: '', stderr: 'empty.yaml:1:1: error: file is empty\nempty.yaml: 1 error, 0 warnings\n', code: 1 });
  });
});
