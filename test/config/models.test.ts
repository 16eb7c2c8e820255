// `models` rules: required fields of direct models, provider references, wildcards, shapes
// (routing loads with a warning, its targets must exist), types and AISIX-only fields.
import { describe, expect, it } from 'vitest';
import { deriveResourceId } from '../../src/config/resource-id.js';
import { BASE, HEADER, issueLines, load, loaded, yaml } from './helpers.js';

const KEYS = HEADER + yaml`
  provider_keys:
    - { display_name: up, provider: openai, api_key: k }
    - { display_name: other, provider: openai, api_key: k }
`;

describe('models', () => {
  it('a direct model needs provider, model_name and provider_key, reported at the entry', () => {
    const result = load(KEYS + yaml`
      models:
        - display_name: bare
    `);
    expect(issueLines(result)).toEqual([
      '6:5 error models[0] ("bare"): field `provider` is required (the vendor id, e.g. `openai`)',
      '6:5 error models[0] ("bare"): field `model_name` is required (the upstream model id, e.g. `gpt-4o-mini`)',
      '6:5 error models[0] ("bare"): field `provider_key` is required (the display_name of one of the provider_keys)',
    ]);
  });

  it('provider_key must name a provider key, reported at the value with the defined names', () => {
    const result = load(KEYS + yaml`
      models:
        - display_name: a
          provider: openai
          model_name: gpt-4o
          provider_key: up-typo
    `);
    expect(issueLines(result)).toEqual(['9:19 error models[0] ("a"): provider_key references unknown provider key "up-typo" (defined: up, other)']);
  });

  it('says so when no provider keys exist at all', () => {
    const result = load(HEADER + yaml`
      models:
        - { display_name: a, provider: openai, model_name: m, provider_key: up }
    `);
    expect(issueLines(result)).toEqual(['3:71 error models[0] ("a"): provider_key references unknown provider key "up" (no provider_keys are defined in this file)']);
  });

  it('accepts AISIX canonical provider_key_id when it is a derived id, and not together with provider_key', () => {
    const id = deriveResourceId('provider_keys', 'other');
    const ok = load(KEYS + `models:\n  - { display_name: a, provider: openai, model_name: m, provider_key_id: ${id} }\n`);
    expect(issueLines(ok)).toEqual([]);
    const bad = load(KEYS + yaml`
      models:
        - display_name: a
          provider: openai
          model_name: m
          provider_key: up
          provider_key_id: 0000
    `);
    expect(issueLines(bad)).toEqual([
      '10:5 error models[0] ("a"): `provider_key` and `provider_key_id` are mutually exclusive — keep `provider_key`',
      '10:22 error models[0] ("a"): field `provider_key_id` must be a non-empty string — quote it: "0000"',
    ]);
  });

  it('resolves provider_key_id to the provider key, so the model carries its display_name as with provider_key', () => {
    const id = deriveResourceId('provider_keys', 'other');
    const config = loaded(load(KEYS + yaml`
      models:
        - display_name: by-id
          provider: openai
          model_name: gpt-4o
          provider_key_id: ${id}
        - display_name: by-name
          provider: openai
          model_name: gpt-4o
          provider_key: other
    `));
    expect(config.models.map((m) => [m.name, m.providerKey])).toEqual([['by-id', 'other'], ['by-name', 'other']]);
    expect(config.providerKeys.find((k) => k.name === config.models[0]?.providerKey)?.name).toBe('other');
    expect(Object.isFrozen(config.models[0])).toBe(true);
  });

  it('resolves a provider_key_id written with ${VAR} interpolation', () => {
    const config = loaded(load(KEYS + 'models:\n  - { display_name: a, provider: openai, model_name: m, provider_key_id: "${PK_ID}" }\n', { PK_ID: deriveResourceId('provider_keys', 'up') }));
    expect(config.models[0]?.providerKey).toBe('up');
  });

  it('an unknown provider_key_id is an error at its value, listing the defined ids and names', () => {
    const up = deriveResourceId('provider_keys', 'up');
    const other = deriveResourceId('provider_keys', 'other');
    const unknown = load(KEYS + 'models:\n  - { display_name: a, provider: openai, model_name: m, provider_key_id: nope }\n');
    expect(issueLines(unknown)).toEqual([
      `6:74 error models[0] ("a"): provider_key_id "nope" is not the derived id of any provider key in this file (defined: ${up} (up), ${other} (other)) — or write \`provider_key: <display_name>\``,
    ]);
    const name = load(KEYS + 'models:\n  - { display_name: a, provider: openai, model_name: m, provider_key_id: up }\n');
    expect(issueLines(name)).toEqual([
      '6:74 error models[0] ("a"): provider_key_id "up" is a provider key\'s display_name, not its derived id — write `provider_key: up` instead',
    ]);
    const none = load(HEADER + `models:\n  - { display_name: a, provider: openai, model_name: m, provider_key_id: ${up} }\n`);
    expect(issueLines(none)).toEqual([
      `3:74 error models[0] ("a"): provider_key_id "${up}" is not the derived id of a provider key (no provider_keys are defined in this file)`,
    ]);
  });

  it('an unset variable in provider_key_id is only the missing-variable warning in validate mode', () => {
    const result = load(KEYS + 'models:\n  - { display_name: a, provider: openai, model_name: m, provider_key_id: "${PK_ID}" }\n', {}, { missingEnv: 'warning' });
    expect(issueLines(result)).toEqual(['6:75 warning models[0] ("a"): environment variable `PK_ID` is unset or empty']);
  });

  it('duplicate display_names are reported at the second one', () => {
    const result = load(BASE + yaml`
        - display_name: a
          provider: openai
          model_name: gpt-4o
          provider_key: up
    `.replace(/^/gm, '  ').replace(/^ {2}$/gm, ''));
    expect(issueLines(result)).toEqual([
      '11:19 error models[1] ("a"): duplicate models entry: display_name "a" is already defined at models[0] (line 7) — identities must be unique within a kind',
    ]);
  });

  it('a wildcard model has exactly one `*`; a template model_name has at most one', () => {
    const result = load(KEYS + yaml`
      models:
        - { display_name: "a/*/*", provider: openai, model_name: x, provider_key: up }
        - { display_name: "b/*", provider: openai, model_name: "*-*", provider_key: up }
        - { display_name: "c", provider: openai, model_name: "gpt-*", provider_key: up }
    `);
    expect(issueLines(result)).toEqual([
      '6:21 error models[0] ("a/*/*"): display_name "a/*/*" has 2 `*`; a wildcard model has exactly one',
      '7:58 error models[1] ("b/*"): model_name "*-*" has 2 `*`; it may contain one, replaced by the part the wildcard matched',
      '8:56 warning models[2] ("c"): model_name contains `*` but display_name has none, so the `*` is sent upstream literally',
    ]);
  });

  it('checks provider format, timeouts and cost with human messages', () => {
    const result = load(KEYS + yaml`
      models:
        - display_name: a
          provider: OpenAI
          model_name: m
          provider_key: up
          timeout: -1
          stream_timeout: 1.5
          cost: { input_per_1k: "0.1", outptu_per_1k: 2 }
    `);
    expect(issueLines(result)).toEqual([
      '7:15 error models[0] ("a"): field `provider` must be lowercase letters, digits, `.`, `_` or `-` (e.g. `openai`), got "OpenAI"',
      '10:14 error models[0] ("a"): field `timeout` must be a non-negative integer (milliseconds), got -1',
      '11:21 error models[0] ("a"): field `stream_timeout` must be a non-negative integer (milliseconds), got 1.5',
      '12:11 error models[0] ("a"): field `cost.output_per_1k` is required',
      '12:27 error models[0] ("a"): field `cost.input_per_1k` must be a non-negative number, not a string — remove the quotes',
      '12:34 error models[0] ("a"): unknown field `cost.outptu_per_1k` (did you mean `output_per_1k`?)',
    ]);
  });

  it('a routing model loads; its targets must exist; shape rules apply', () => {
    const result = load(BASE + yaml`
      - display_name: group
        routing:
          strategy: round_robin
          targets:
            - model: a
            - model: "openai/*"
            - model: ghost
      - display_name: bad-group
        provider: openai
        routing: { targets: [] }
        ensemble: {}
    `.replace(/^/gm, '  ').replace(/^ {2}$/gm, ''));
    expect(issueLines(result)).toEqual([
      '17:18 error models[1] ("group"): routing target references unknown model "ghost" (defined: a, group, bad-group)',
      '19:5 error models[2] ("bad-group"): `provider` is not accepted on a routing model',
      '20:25 error models[2] ("bad-group"): field `routing.targets` must have at least 1 entry',
      '21:5 error models[2] ("bad-group"): a model has at most one of `routing`, `ensemble` and `semantic` — remove `ensemble` or `routing`',
      '21:5 warning models[2] ("bad-group"): field `ensemble` is ignored by the local proxy (it makes an ensemble model, which the local proxy does not serve; requests for it answer 400)',
    ]);
    const routing = loaded(load(BASE + '  - { display_name: g, routing: { targets: [{ model: a }] } }\n')).models[1];
    expect(routing).toMatchObject({ name: 'g', kind: 'routing', provider: null, modelName: null, providerKey: null, wildcard: false, timeoutMs: null, streamTimeoutMs: null, cost: null, retries: null, cooldown: null });
    expect(routing?.routing).toEqual({ targets: [{ model: 'a', weight: 1, priority: 0 }], strategy: 'failover', retries: null, retryOn429: false, fallbackOnStatuses: [], maxFallbacks: null, whenAllUnavailable: 'fail' });
  });

  it('an ensemble model refuses direct-model fields; keys inside an entry must be plain strings', () => {
    const result = load(BASE + yaml`
      - display_name: panel
        ensemble: { panel: [{ model: a }], judge: { model: a } }
        timeout: 100
        1: one
    `.replace(/^/gm, '  ').replace(/^ {2}$/gm, ''));
    expect(issueLines(result)).toEqual([
      '12:5 warning models[1] ("panel"): field `ensemble` is ignored by the local proxy (it makes an ensemble model, which the local proxy does not serve; requests for it answer 400)',
      '13:5 error models[1] ("panel"): `timeout` is not accepted on an ensemble model',
      '14:5 error models[1] ("panel"): keys must be plain strings',
    ]);
  });

  it('AISIX-only model fields load with one warning each', () => {
    const result = load(BASE + yaml`
        retries: 3
        rate_limit: { rpm: 60 }
        allowed_cidrs: ["10.0.0.0/8"]
    `.replace(/^/gm, '    ').replace(/^ {4}$/gm, ''));
    expect(issueLines(result)).toEqual([
      '13:5 warning models[0] ("a"): field `allowed_cidrs` is ignored by the local proxy (AISIX restricts client addresses with it)',
    ]);
    expect(result.ok).toBe(true);
  });
});
