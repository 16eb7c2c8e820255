// The three validate renderings, to the letter of DESIGN.md §2: text (OK on stdout, problems and
// a count line on stderr), GitHub annotations, one JSON object; plus --strict and singular forms.
import { describe, expect, it } from 'vitest';
import { formatGithub, formatJson, formatResult, formatText, summary } from '../../src/config/format-issues.js';
import type { LoadResult } from '../../src/config/types.js';
import { load, yaml } from './helpers.js';

const SAMPLE = yaml`
  _format_version: "1"
  provider_keys:
    - display_name: up
      provider: openai
      api_key: \${OPENAI_API_KEY}
  models:
    - display_name: a
      provider: openai
      model_name: gpt-4o
      provider_key: up-typo
  modles: []
`;
const failing = load(SAMPLE, {}, { missingEnv: 'warning' });
const passing = load(SAMPLE.replace('up-typo', 'up').replace('modles: []\n', ''), {}, { missingEnv: 'warning' });
const clean = load(SAMPLE.replace('up-typo', 'up').replace('modles: []\n', ''), { OPENAI_API_KEY: 'k' });

describe('text', () => {
  it('prints problems on stderr in file order, then the count line', () => {
    expect(formatText(failing, 'aisix.yaml')).toEqual({
      stdout: '',
      stderr: [
        'aisix.yaml:5:14: warning: provider_keys[0] ("up"): environment variable `OPENAI_API_KEY` is unset or empty',
        'aisix.yaml:10:19: error: models[0] ("a"): provider_key references unknown provider key "up-typo" (defined: up)',
        'aisix.yaml:11:1: error: unknown top-level key `modles` (did you mean `models`?)',
        'aisix.yaml: 2 errors, 1 warning',
        '',
      ].join('\n'),
      ok: false,
    });
  });

  it('prints OK on stdout; warnings still go to stderr with a count line', () => {
    expect(formatText(clean, 'aisix.yaml')).toEqual({ stdout: 'OK: aisix.yaml: 1 model, 0 api keys, 0 guardrails, 1 provider key\n', stderr: '', ok: true });
    expect(formatText(passing, 'cfg/aisix.yaml')).toEqual({
      stdout: 'OK: cfg/aisix.yaml: 1 model, 0 api keys, 0 guardrails, 1 provider key\n',
      stderr: 'cfg/aisix.yaml:5:14: warning: provider_keys[0] ("up"): environment variable `OPENAI_API_KEY` is unset or empty\ncfg/aisix.yaml: 0 errors, 1 warning\n',
      ok: true,
    });
  });

  it('--strict turns warnings into errors', () => {
    expect(formatText(passing, 'aisix.yaml', { strict: true })).toEqual({
      stdout: '',
      stderr: 'aisix.yaml:5:14: error: provider_keys[0] ("up"): environment variable `OPENAI_API_KEY` is unset or empty\naisix.yaml: 1 error, 0 warnings\n',
      ok: false,
    });
  });

  it('colours only the severity words and OK when given a palette', () => {
    const color = { error: (s: string) => `<${s}>`, warning: (s: string) => `[${s}]`, ok: (s: string) => `*${s}*` };
    expect(formatText(failing, 'f.yaml', { color }).stderr.split('\n').slice(0, 2)).toEqual([
      'f.yaml:5:14: [warning]: provider_keys[0] ("up"): environment variable `OPENAI_API_KEY` is unset or empty',
      'f.yaml:10:19: <error>: models[0] ("a"): provider_key references unknown provider key "up-typo" (defined: up)',
    ]);
    expect(formatText(clean, 'f.yaml', { color }).stdout).toBe('*OK*: f.yaml: 1 model, 0 api keys, 0 guardrails, 1 provider key\n');
  });

  it('summarises counts with singular and plural forms', () => {
    expect(summary({ providerKeys: 1, models: 3, apiKeys: 2, guardrails: 1 })).toBe('3 models, 2 api keys, 1 guardrail, 1 provider key');
    expect(summary({ providerKeys: 2, models: 1, apiKeys: 1, guardrails: 0 })).toBe('1 model, 1 api key, 0 guardrails, 2 provider keys');
  });
});

describe('github', () => {
  it('prints one annotation per problem on stdout, and the count line on stderr', () => {
    expect(formatGithub(failing, 'aisix.yaml')).toEqual({
      stdout: [
        '::warning file=aisix.yaml,line=5,col=14,title=aisix validate::provider_keys[0] ("up"): environment variable `OPENAI_API_KEY` is unset or empty',
        '::error file=aisix.yaml,line=10,col=19,title=aisix validate::models[0] ("a"): provider_key references unknown provider key "up-typo" (defined: up)',
        '::error file=aisix.yaml,line=11,col=1,title=aisix validate::unknown top-level key `modles` (did you mean `models`?)',
        '',
      ].join('\n'),
      stderr: 'aisix.yaml: 2 errors, 1 warning\n',
      ok: false,
    });
  });

  it('escapes workflow-command characters in the path and message', () => {
    const result: LoadResult = { ok: false, issues: [{ severity: 'error', line: 1, col: 2, scope: '(file)', message: '100% bad\nnext' }] };
    expect(formatGithub(result, 'dir,a:b.yaml').stdout).toBe('::error file=dir%2Ca%3Ab.yaml,line=1,col=2,title=aisix validate::100%25 bad%0Anext\n');
  });

  it('prints OK on stdout when there is nothing to annotate', () => {
    expect(formatGithub(clean, 'aisix.yaml')).toEqual({ stdout: 'OK: aisix.yaml: 1 model, 0 api keys, 0 guardrails, 1 provider key\n', stderr: '', ok: true });
  });
});

describe('json', () => {
  it('prints one object with counts, errors and warnings', () => {
    const rendered = formatJson(failing, 'aisix.yaml');
    expect(rendered.stderr).toBe('');
    expect(rendered.stdout.endsWith('}\n')).toBe(true);
    expect(rendered.stdout.split('\n')).toHaveLength(2);
    expect(JSON.parse(rendered.stdout)).toEqual({
      ok: false,
      path: 'aisix.yaml',
      counts: { provider_keys: 1, models: 1, api_keys: 0, guardrails: 0 },
      errors: [
        { line: 10, col: 19, scope: 'models[0] ("a")', message: 'provider_key references unknown provider key "up-typo" (defined: up)' },
        { line: 11, col: 1, scope: '(file)', message: 'unknown top-level key `modles` (did you mean `models`?)' },
      ],
      warnings: [{ line: 5, col: 14, scope: 'provider_keys[0] ("up")', message: 'environment variable `OPENAI_API_KEY` is unset or empty' }],
    });
    expect(Object.keys(JSON.parse(rendered.stdout))).toEqual(['ok', 'path', 'counts', 'errors', 'warnings']);
  });

  it('with --strict, warnings are errors and ok is false', () => {
    const body = JSON.parse(formatResult('json', passing, 'aisix.yaml', { strict: true }).stdout) as { ok: boolean; errors: unknown[]; warnings: unknown[] };
    expect([body.ok, body.errors.length, body.warnings.length]).toEqual([false, 1, 0]);
  });
});
