// One run reports every problem: a file with five different mistakes gets all five, each at
// the key or value it is about, in file order (plus the missing-secret warning).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { issueLines, load } from './helpers.js';

const TEXT = readFileSync(new URL('../fixtures/config/five-mistakes.yaml', import.meta.url), 'utf8');

describe('a file with five different mistakes', () => {
  it('reports all five with their positions in one pass', () => {
    const result = load(TEXT, { CALLER_API_KEY: 'k' }, { missingEnv: 'warning' });
    expect(result.ok).toBe(false);
    expect(issueLines(result)).toEqual([
      '5:14 warning provider_keys[0] ("up"): environment variable `OPENAI_API_KEY` is unset or empty',
      '10:19 error models[0] ("a"): provider_key references unknown provider key "up-typo" (defined: up)',
      '11:14 error models[0] ("a"): field `timeout` must be a non-negative integer (milliseconds), got "30s"',
      '15:27 error api_keys[0] ("dev"): allowed_models entry references unknown model "b" (defined: a)',
      '20:31 error guardrails[0] ("words"): field `patterns[0].value` is not a valid regular expression: unterminated group',
      '21:1 error (file): unknown top-level key `modles` (did you mean `models`?)',
    ]);
  });
});
