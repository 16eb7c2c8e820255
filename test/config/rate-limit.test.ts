// `rate_limit` on api keys and models: every dimension a positive integer, read into
// `ApiKey.rateLimit` / `Model.rateLimit` without a warning; unknown keys and bad values are
// errors at their line:col. A routing model may carry one too.
import { describe, expect, it } from 'vitest';
import { BASE, issueLines, load, loaded, yaml } from './helpers.js';

const HASH = 'a'.repeat(64);
const NONE = { rps: null, rpm: null, rph: null, rpd: null, tpm: null, tpd: null, concurrency: null };

describe('rate_limit', () => {
  it('reads every dimension on api keys and models, with no warning', () => {
    const result = load(BASE + yaml`
      api_keys:
        - display_name: dev
          key_hash: ${HASH}
          allowed_models: ["*"]
          rate_limit: { rps: 1, rpm: 2, rph: 3, rpd: 4, tpm: 5, tpd: 6, concurrency: 7 }
        - display_name: open
          key_hash: ${'b'.repeat(64)}
          allowed_models: ["*"]
    `);
    expect(issueLines(result)).toEqual([]);
    const config = loaded(result);
    expect(config.apiKeys.map((k) => k.rateLimit)).toEqual([{ rps: 1, rpm: 2, rph: 3, rpd: 4, tpm: 5, tpd: 6, concurrency: 7 }, null]);
    expect(config.models[0]?.rateLimit).toBeNull();
  });

  it('reads a direct, a wildcard and a routing model’s block; null dimensions are no limit', () => {
    const result = load(BASE.replace('provider_key: up\n', 'provider_key: up\n    rate_limit: { rpm: 60, tpd: null }\n') + yaml`
        - display_name: openai/*
          provider: openai
          model_name: "*"
          provider_key: up
          rate_limit:
            concurrency: 2
        - display_name: smart
          routing: { targets: [{ model: a }] }
          rate_limit: { rps: 5 }
        - display_name: empty
          provider: openai
          model_name: m
          provider_key: up
          rate_limit: { rpm: null }
    `.replace(/^/gm, '  ').replace(/^ {2}$/gm, ''));
    expect(issueLines(result)).toEqual([]);
    expect(loaded(result).models.map((m) => [m.name, m.rateLimit])).toEqual([
      ['a', { ...NONE, rpm: 60 }],
      ['openai/*', { ...NONE, concurrency: 2 }],
      ['smart', { ...NONE, rps: 5 }],
      ['empty', null],
    ]);
  });

  it('reports unknown keys and values that are not positive integers at their positions', () => {
    const result = load(BASE + yaml`
      api_keys:
        - display_name: dev
          key_hash: ${HASH}
          allowed_models: ["*"]
          rate_limit:
            concurency: 10
            tpm: 0
            rpd: -3
            rph: 1.5
            rps: "4"
            burst: 2
    `);
    expect(issueLines(result)).toEqual([
      '16:7 error api_keys[0] ("dev"): unknown field `rate_limit.concurency` (did you mean `concurrency`?)',
      '17:12 error api_keys[0] ("dev"): field `rate_limit.tpm` must be a positive integer, got 0',
      '18:12 error api_keys[0] ("dev"): field `rate_limit.rpd` must be a positive integer, got -3',
      '19:12 error api_keys[0] ("dev"): field `rate_limit.rph` must be a positive integer, got 1.5',
      '20:12 error api_keys[0] ("dev"): field `rate_limit.rps` must be a positive integer, not a string — remove the quotes',
      '21:7 error api_keys[0] ("dev"): unknown field `rate_limit.burst` (known fields: rps, rpm, rph, rpd, tpm, tpd, concurrency)',
    ]);
    expect(result.ok).toBe(false);
  });

  it('a model block that is not a mapping is an error at the value', () => {
    const result = load(BASE.replace('provider_key: up\n', 'provider_key: up\n    rate_limit: 60\n'));
    expect(issueLines(result)).toEqual(['11:17 error models[0] ("a"): field `rate_limit` must be a mapping, got 60']);
  });
});
