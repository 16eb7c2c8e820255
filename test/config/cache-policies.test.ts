// `cache_policies` rules: defaults, `applies_to` (all, model:<name>, api_key:<name>, derived ids
// resolved to names, unknown names listed, any other form an error), the warnings for forms AISIX
// would match differently, `backend: redis` and `semantic` (memory, exact matches only), field checks.
import { describe, expect, it } from 'vitest';
import { deriveResourceId } from '../../src/config/resource-id.js';
import { BASE, issueLines, load, loaded, yaml } from './helpers.js';

const HASH = 'b'.repeat(64);
/** BASE (provider key `up`, model `a`), a wildcard model, the caller `dev`, then the policies */
const policies = (body: string): string =>
  BASE.replace('models:\n', 'models:\n  - { display_name: "openai/*", provider: openai, model_name: "*", provider_key: up }\n') +
  `api_keys:\n  - { display_name: dev, key_hash: ${HASH}, allowed_models: ["*"] }\ncache_policies:\n${body}`;
const DEV_ID = deriveResourceId('api_keys', 'dev');
const MODEL_ID = deriveResourceId('models', 'a');

describe('cache_policies', () => {
  it('loads with AISIX defaults: every request, private per caller, one hour, memory', () => {
    const result = load(policies('  - name: everything\n'));
    expect(issueLines(result)).toEqual([]);
    expect(loaded(result).cachePolicies).toEqual([{ name: 'everything', enabled: true, appliesTo: { kind: 'all' }, scope: 'api_key', ttlSeconds: 3600 }]);
  });

  it('maps every field, in file order, disabled policies included', () => {
    const result = load(policies(yaml`
      - { name: one-model, applies_to: "model:a", scope: env, ttl_seconds: 60 }
      - { name: wildcard, applies_to: "model:openai/gpt-4o", ttl_seconds: 604800 }
      - { name: caller, applies_to: "api_key:${DEV_ID}", enabled: false }
      - { name: spaced, applies_to: " all ", backend: memory, ttl_seconds: 1 }
    `));
    expect(issueLines(result)).toEqual([]);
    expect(loaded(result).cachePolicies).toEqual([
      { name: 'one-model', enabled: true, appliesTo: { kind: 'model', name: 'a' }, scope: 'env', ttlSeconds: 60 },
      { name: 'wildcard', enabled: true, appliesTo: { kind: 'model', name: 'openai/gpt-4o' }, scope: 'api_key', ttlSeconds: 604800 },
      { name: 'caller', enabled: false, appliesTo: { kind: 'api_key', name: 'dev' }, scope: 'api_key', ttlSeconds: 3600 },
      { name: 'spaced', enabled: true, appliesTo: { kind: 'all' }, scope: 'api_key', ttlSeconds: 1 },
    ]);
  });

  it('resolves names AISIX would not match, with a warning giving the form that works on both', () => {
    const result = load(policies(yaml`
      - { name: by-name, applies_to: "api_key:dev" }
      - { name: by-id, applies_to: "model:${MODEL_ID}" }
    `));
    expect(issueLines(result)).toEqual([
      `15:32 warning cache_policies[0] ("by-name"): AISIX compares \`api_key:\` with the caller's derived id, so in production this policy would cache nothing — write \`api_key:${DEV_ID}\` (the id of "dev"), which the local proxy accepts too`,
      '16:30 warning cache_policies[1] ("by-id"): AISIX compares `model:` with the model name a request sends, so in production this policy would cache nothing — write `model:a`',
    ]);
    expect(loaded(result).cachePolicies.map((p) => p.appliesTo)).toEqual([
      { kind: 'api_key', name: 'dev' },
      { kind: 'model', name: 'a' },
    ]);
  });

  it('applies_to: any other form is an error; unknown names list what the file defines', () => {
    const result = load(policies(yaml`
      - { name: typo, applies_to: "models:a" }
      - { name: empty, applies_to: "api_key:" }
      - { name: ghost-model, applies_to: "model:gpt-5" }
      - { name: ghost-key, applies_to: "api_key:prod" }
      - { name: number, applies_to: 5 }
    `));
    expect(issueLines(result)).toEqual([
      '15:29 error cache_policies[0] ("typo"): field `applies_to` must be `all`, `model:<model display_name>` or `api_key:<api key display_name>`, got "models:a" (AISIX would apply this policy to every request)',
      '16:30 error cache_policies[1] ("empty"): field `applies_to` must be `all`, `model:<model display_name>` or `api_key:<api key display_name>`, got "api_key:"',
      '17:36 error cache_policies[2] ("ghost-model"): applies_to references unknown model "gpt-5" (defined: openai/*, a)',
      '18:34 error cache_policies[3] ("ghost-key"): applies_to references unknown api key "prod" (defined: dev)',
      '19:31 error cache_policies[4] ("number"): field `applies_to` must be a non-empty string — quote it: "5"',
    ]);
  });

  it('an api_key: name in a file without api keys says none are defined', () => {
    const result = load(`${BASE}cache_policies:\n  - { name: c, applies_to: "api_key:dev" }\n`);
    expect(issueLines(result)).toEqual(['12:28 error cache_policies[0] ("c"): applies_to references unknown api key "dev" (no api_keys are defined in this file)']);
  });

  it('backend redis and semantic load with a warning: the local proxy keeps exact matches in memory', () => {
    const result = load(policies(yaml`
      - name: shared
        backend: redis
        semantic: { embedding_model: embed, threshold: 0.92 }
        purge_generation: 4
      - { name: similar, semantic: { embedding_model: embed, threshold: 0.9 } }
    `));
    expect(issueLines(result)).toEqual([
      "16:12 warning cache_policies[0] (\"shared\"): backend `redis` is not used by the local proxy: it keeps this policy's entries in memory, in this process (AISIX shares them through Redis)",
      '17:3 warning cache_policies[0] ("shared"): field `semantic` is ignored by the local proxy (AISIX also serves similar requests from the cache with it; the local proxy matches exactly-identical requests only); also on 1 more cache policy',
      "18:3 warning cache_policies[0] (\"shared\"): field `purge_generation` is ignored by the local proxy (AISIX bumps it to purge the policy's entries)",
    ]);
    expect(loaded(result).cachePolicies.map((p) => p.name)).toEqual(['shared', 'similar']);
  });

  it('semantic must be a mapping; its contents are not checked', () => {
    const result = load(policies(yaml`
      - { name: s, semantic: [embed] }
      - { name: t, semantic: { anything: [1, 2], goes: true } }
    `));
    expect(issueLines(result)).toEqual([
      '15:14 warning cache_policies[0] ("s"): field `semantic` is ignored by the local proxy (AISIX also serves similar requests from the cache with it; the local proxy matches exactly-identical requests only); also on 1 more cache policy',
      '15:24 error cache_policies[0] ("s"): field `semantic` must be a mapping',
    ]);
  });

  it('checks name, ttl_seconds, scope, backend, enabled and unknown fields; duplicates at the second name', () => {
    const result = load(policies(yaml`
      - { applies_to: all }
      - { name: "${'n'.repeat(121)}" }
      - { name: t, ttl_seconds: 604801, scope: team, backend: disk, enabled: "no" }
      - { name: t, ttl_seconds: 0, colour: red }
    `));
    expect(issueLines(result)).toEqual([
      "15:3 error cache_policies[0]: name is required and must be a non-empty string (it is the entry's identity)",
      `16:11 error cache_policies[1] ("${'n'.repeat(121)}"): field \`name\` must be at most 120 characters (it has 121)`,
      '17:27 error cache_policies[2] ("t"): field `ttl_seconds` must be an integer from 1 to 604800, got 604801',
      '17:42 error cache_policies[2] ("t"): field `scope` must be one of `api_key`, `env`, got `team`',
      '17:57 error cache_policies[2] ("t"): field `backend` must be one of `memory`, `redis`, got `disk`',
      '17:72 error cache_policies[2] ("t"): field `enabled` must be true or false, got "no"',
      '18:11 error cache_policies[3] ("t"): duplicate cache_policies entry: name "t" is already defined at cache_policies[2] (line 17) — identities must be unique within a kind',
      '18:27 error cache_policies[3] ("t"): field `ttl_seconds` must be an integer from 1 to 604800, got 0',
      '18:30 error cache_policies[3] ("t"): unknown field `colour` (known fields: name, enabled, applies_to, backend, scope, ttl_seconds)',
    ]);
  });

  it('an applies_to with an unset variable is only the missing-variable warning in validate mode', () => {
    const text = policies('  - { name: c, applies_to: "model:${MODEL}" }\n');
    expect(issueLines(load(text, {}, { missingEnv: 'warning' }))).toEqual(['15:35 warning cache_policies[0] ("c"): environment variable `MODEL` is unset or empty']);
    expect(loaded(load(text, { MODEL: 'a' })).cachePolicies[0]?.appliesTo).toEqual({ kind: 'model', name: 'a' });
  });
});
