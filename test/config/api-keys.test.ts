// `api_keys` rules: key_env xor key_hash, hashing without printing, AISIX_ names, hash format,
// duplicate credentials, allowed_models and allowed_routes references and globs, expires_at, disabled.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BASE, issueLines, load, loaded, yaml } from './helpers.js';

const keys = (body: string): string => `${BASE}api_keys:\n${body}`;
const HASH = 'b'.repeat(64);

describe('api_keys', () => {
  it('requires exactly one of key_env and key_hash', () => {
    const result = load(keys(yaml`
      - display_name: none
        allowed_models: ["*"]
      - display_name: both
        key_env: CALLER
        key_hash: ${HASH}
        allowed_models: ["*"]
    `), { CALLER: 'x' });
    expect(issueLines(result)).toEqual([
      '12:3 error api_keys[0] ("none"): one of `key_env` (an environment variable holding the plaintext key) or `key_hash` (its SHA-256 hex) is required',
      '16:3 error api_keys[1] ("both"): `key_env` and `key_hash` are mutually exclusive — set exactly one',
    ]);
  });

  it('hashes key_env with SHA-256 and never prints the plaintext', () => {
    const result = load(keys('  - { display_name: dev, key_env: CALLER, allowed_models: [a] }\n'), { CALLER: 'plaintext-caller-key' });
    expect(loaded(result).apiKeys[0]?.keyHash).toBe(createHash('sha256').update('plaintext-caller-key').digest('hex'));
    expect(JSON.stringify(result)).not.toContain('plaintext-caller-key');
  });

  it('an unset key_env is an error for serve and a warning for validate (with a hash that never matches)', () => {
    const text = keys('  - { display_name: dev, key_env: CALLER, allowed_models: [a] }\n');
    expect(issueLines(load(text, {}))).toEqual(['12:35 error api_keys[0] ("dev"): `key_env` environment variable `CALLER` is unset or empty']);
    const validate = load(text, { CALLER: '' }, { missingEnv: 'warning' });
    expect(issueLines(validate)).toEqual(['12:35 warning api_keys[0] ("dev"): `key_env` environment variable `CALLER` is unset or empty']);
    expect(loaded(validate).apiKeys[0]?.keyHash).toBe('');
  });

  it('warns about AISIX_ names and refuses values that still contain `${`', () => {
    const result = load(keys(yaml`
      - { display_name: a, key_env: AISIX_CALLER, allowed_models: [a] }
      - { display_name: b, key_env: TEMPLATE, allowed_models: [a] }
      - { display_name: c, key_env: "lower-case!", allowed_models: [a] }
    `), { AISIX_CALLER: 'one', TEMPLATE: '${NOT_EXPANDED}' });
    expect(issueLines(result)).toEqual([
      '12:31 warning api_keys[0] ("a"): `key_env` variable `AISIX_CALLER` starts with AISIX_, which the AISIX gateway reads as its own settings — pick another name',
      '13:31 error api_keys[1] ("b"): `key_env` environment variable `TEMPLATE` contains an uninterpolated `${...}` reference — set it to the plaintext key itself',
      '14:31 error api_keys[2] ("c"): field `key_env` must be the name of an environment variable (letters, digits and `_`), not the key itself',
    ]);
  });

  it('key_hash must be 64 lowercase hex characters', () => {
    const result = load(keys(yaml`
      - { display_name: upper, key_hash: ${'A'.repeat(64)}, allowed_models: [a] }
      - { display_name: short, key_hash: abc123, allowed_models: [a] }
    `));
    expect(issueLines(result)).toEqual([
      '12:36 error api_keys[0] ("upper"): field `key_hash` must be lowercase hex: AISIX compares the exact string, so an uppercase hash never matches',
      `13:36 error api_keys[1] ("short"): field \`key_hash\` must be a SHA-256 digest: 64 lowercase hex characters (printf '%s' "$KEY" | sha256sum)`,
    ]);
  });

  it('two keys with the same credential are reported at the second', () => {
    const result = load(keys(yaml`
      - { display_name: one, key_hash: ${HASH}, allowed_models: [a] }
      - { display_name: two, key_env: SAME, allowed_models: [a] }
      - { display_name: three, key_hash: ${HASH}, allowed_models: [a] }
    `), { SAME: 'other' });
    expect(issueLines(result)).toEqual([
      '14:36 error api_keys[2] ("three"): duplicate api key credential: this entry\'s key resolves to the same key_hash as api_keys[0] ("one") — every api key must have a distinct plaintext',
    ]);
  });

  it('allowed_models is required; names must exist (wildcard models count); globs have one `*`', () => {
    const text = BASE.replace('models:\n', 'models:\n  - { display_name: "openai/*", provider: openai, model_name: "*", provider_key: up }\n');
    const result = load(`${text}api_keys:\n${yaml`
      - { display_name: a, key_hash: ${HASH} }
      - display_name: b
        key_hash: ${'c'.repeat(64)}
        allowed_models: [a, "openai/gpt-4o", nope, "g*", "*x*"]
    `}`);
    expect(issueLines(result)).toEqual([
      '13:3 error api_keys[0] ("a"): field `allowed_models` is required (use ["*"] to allow every model)',
      '16:40 error api_keys[1] ("b"): allowed_models entry references unknown model "nope" (defined: openai/*, a)',
      '16:52 error api_keys[1] ("b"): allowed_models entry "*x*" has 2 `*`; a glob may contain exactly one',
    ]);
  });

  it('allowed_routes defaults to none; names must be passthrough routes in the file; globs have one `*`', () => {
    const text = `${keys(yaml`
      - { display_name: a, key_hash: ${HASH}, allowed_models: ["*"] }
      - display_name: b
        key_hash: ${'c'.repeat(64)}
        allowed_models: ["*"]
        allowed_routes: [files, "openai-*", "*", nope, "*x*", ~]
    `)}passthrough_routes:
  - { name: files, path_prefix: /files, target_url: "https://api.openai.com/v1", provider_key: up }
`;
    const result = load(text);
    expect(issueLines(result)).toEqual([
      '16:44 error api_keys[1] ("b"): allowed_routes entry references unknown passthrough route "nope" (defined: files)',
      '16:50 error api_keys[1] ("b"): allowed_routes entry "*x*" has 2 `*`; a glob may contain exactly one',
    ]);
    const ok = loaded(load(text.replace(', nope, "*x*", ~', '')));
    expect(ok.apiKeys.map((k) => k.allowedRoutes)).toEqual([[], ['files', 'openai-*', '*']]);
  });

  it('an allowed_routes name without any passthrough routes says none are defined', () => {
    const result = load(keys(`  - { display_name: a, key_hash: ${HASH}, allowed_models: ["*"], allowed_routes: [files] }
`));
    expect(issueLines(result)).toEqual([
      '12:140 error api_keys[0] ("a"): allowed_routes entry references unknown passthrough route "files" (no passthrough_routes are defined in this file)',
    ]);
  });

  it('expires_at is RFC 3339; a past date warns when the time is known; disabled is a boolean', () => {
    const text = keys(yaml`
      - { display_name: a, key_hash: ${HASH}, allowed_models: [a], expires_at: "2026-02-30T00:00:00Z" }
      - { display_name: b, key_hash: ${'d'.repeat(64)}, allowed_models: [a], expires_at: 2020-01-01T00:00:00Z, disabled: "yes" }
    `);
    expect(issueLines(load(text, {}, { now: Date.UTC(2025, 0, 1) }))).toEqual([
      '12:131 error api_keys[0] ("a"): field `expires_at` must be an RFC 3339 date-time such as 2026-12-31T23:59:59Z, got "2026-02-30T00:00:00Z"',
      '13:131 warning api_keys[1] ("b"): expires_at 2020-01-01T00:00:00Z is in the past: requests with this key get 401 api_key_expired',
      '13:163 error api_keys[1] ("b"): field `disabled` must be true or false, got "yes"',
    ]);
  });

  it('an allowed_models entry with an unset variable is only a warning for validate (no reference error)', () => {
    const text = keys(`  - { display_name: dev, key_hash: ${HASH}, allowed_models: ["\${MODEL}"] }\n`);
    expect(issueLines(load(text, {}, { missingEnv: 'warning' }))).toEqual([
      '12:120 warning api_keys[0] ("dev"): environment variable `MODEL` is unset or empty',
    ]);
    expect(issueLines(load(text, { MODEL: 'a' }))).toEqual([]);
  });

  it('AISIX-only fields load with a warning', () => {
    const result = load(keys(yaml`
      - display_name: a
        key_hash: ${HASH}
        allowed_models: ["*"]
        rate_limit: { rpm: 10 }
        team_id: platform
    `));
    expect(issueLines(result)).toEqual([
      '16:3 warning api_keys[0] ("a"): field `team_id` is ignored by the local proxy (AISIX scopes policies with it)',
    ]);
  });
});
