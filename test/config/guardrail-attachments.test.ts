// `guardrail_attachments` rules: without the collection every guardrail is global (one warning
// at the `guardrails` key); with it, attachments by name or derived id resolved to names, scopes
// env/model/api_key kept and the other AISIX scopes left out with a warning, scope_id required
// or ignored per scope, duplicates, and a warning for a guardrail no enabled attachment applies.
import { describe, expect, it } from 'vitest';
import { deriveResourceId } from '../../src/config/resource-id.js';
import { BASE, GLOBAL_GUARDRAILS, issueLines, load, loaded, yaml } from './helpers.js';

const HASH = 'b'.repeat(64);
/** BASE (model `a`), a wildcard model, the caller `dev`, guardrails g1 and g2 (lines 15, 16) */
const FILE =
  BASE.replace('models:\n', 'models:\n  - { display_name: "openai/*", provider: openai, model_name: "*", provider_key: up }\n') +
  yaml`
    api_keys:
      - { display_name: dev, key_hash: ${HASH}, allowed_models: ["*"] }
    guardrails:
      - { name: g1, kind: keyword, patterns: [{ kind: literal, value: x }] }
      - { name: g2, kind: keyword, patterns: [{ kind: literal, value: y }] }
  `;
/** `guardrail_attachments:` is line 17; the entries start on line 18 */
const attachments = (body: string): string => `${FILE}guardrail_attachments:\n${body}`;

describe('a file without guardrail_attachments', () => {
  it('applies every guardrail to every request, with one warning at the `guardrails` key', () => {
    const result = load(FILE);
    expect(issueLines(result)).toEqual([`14:1 warning (file): ${GLOBAL_GUARDRAILS}`]);
    expect(loaded(result).guardrailAttachments).toBeNull();
  });

  it('says nothing when it has no guardrails (an empty or null collection included)', () => {
    expect(issueLines(load(BASE))).toEqual([]);
    expect(issueLines(load(`${BASE}guardrails: []\n`))).toEqual([]);
    expect(issueLines(load(`${BASE}guardrails:\n`))).toEqual([]);
  });

  it('warns for guardrails the local proxy does not run too (production applies them)', () => {
    const result = load(`${BASE}guardrails:\n  - { name: lk, kind: lakera }\n`);
    expect(issueLines(result)).toEqual([
      `11:1 warning (file): ${GLOBAL_GUARDRAILS}`,
      '12:23 warning guardrails[0] ("lk"): guardrail kind `lakera` is not supported by the local proxy: this guardrail is loaded but not applied (AISIX applies it)',
    ]);
  });
});

describe('guardrail_attachments', () => {
  it('maps env, model and api_key attachments, names and derived ids resolved to names', () => {
    const result = load(attachments(yaml`
      - { guardrail_id: g1, scope_type: env, priority: 0 }
      - { guardrail_id: ${deriveResourceId('guardrails', 'g2')}, scope_type: model, scope_id: "openai/*", priority: 10 }
      - { guardrail_id: g2, scope_type: model, scope_id: ${deriveResourceId('models', 'a')}, priority: -5, enabled: false, env_id: prod }
      - { guardrail_id: g2, scope_type: api_key, scope_id: dev, priority: 2147483647 }
      - { guardrail_id: g1, scope_type: api_key, scope_id: ${deriveResourceId('api_keys', 'dev')}, priority: -2147483648 }
    `));
    expect(issueLines(result)).toEqual([]);
    expect(loaded(result).guardrailAttachments).toEqual([
      { guardrail: 'g1', scope: 'env', scopeId: null, priority: 0, enabled: true },
      { guardrail: 'g2', scope: 'model', scopeId: 'openai/*', priority: 10, enabled: true },
      { guardrail: 'g2', scope: 'model', scopeId: 'a', priority: -5, enabled: false },
      { guardrail: 'g2', scope: 'api_key', scopeId: 'dev', priority: 2147483647, enabled: true },
      { guardrail: 'g1', scope: 'api_key', scopeId: 'dev', priority: -2147483648, enabled: true },
    ]);
  });

  it('an empty collection is [] and leaves every enabled guardrail applying to no request, with a warning each', () => {
    const text = FILE.replace('value: y }] }', 'value: y }], enabled: false }');
    for (const written of ['guardrail_attachments: []\n', 'guardrail_attachments:\n']) {
      const result = load(text + written);
      expect(issueLines(result)).toEqual([
        '15:13 warning guardrails[0] ("g1"): this guardrail applies to no request: no enabled `guardrail_attachments` entry attaches it (`scope_type: env` attaches it to every request)',
      ]);
      expect(loaded(result).guardrailAttachments).toEqual([]);
    }
  });

  it('a guardrail attached only by disabled attachments applies to no request', () => {
    const result = load(attachments(yaml`
      - { guardrail_id: g1, scope_type: env, priority: 0 }
      - { guardrail_id: g2, scope_type: env, priority: 0, enabled: false }
    `));
    expect(issueLines(result)).toEqual([
      '16:13 warning guardrails[1] ("g2"): this guardrail applies to no request: no enabled `guardrail_attachments` entry attaches it (`scope_type: env` attaches it to every request)',
    ]);
  });

  it('unknown guardrails, models and api keys are errors listing what the file defines', () => {
    const result = load(attachments(yaml`
      - { guardrail_id: g3, scope_type: env, priority: 0 }
      - { guardrail_id: g1, scope_type: model, scope_id: openai/gpt-4o, priority: 0 }
      - { guardrail_id: g2, scope_type: api_key, scope_id: ci, priority: 0 }
    `));
    expect(issueLines(result)).toEqual([
      '18:19 error guardrail_attachments[0]: guardrail_id references unknown guardrail "g3" (defined: g1, g2)',
      '19:52 error guardrail_attachments[1]: scope_id references unknown model "openai/gpt-4o" (defined: openai/*, a)',
      '20:54 error guardrail_attachments[2]: scope_id references unknown api key "ci" (defined: dev)',
    ]);
  });

  it('checks required fields, scope_type, the int32 priority and unknown fields', () => {
    const result = load(attachments(yaml`
      - { scope_type: env }
      - { guardrail_id: g1, scope_type: models, priority: 1.5 }
      - { guardrail_id: g1, scope_type: env, priority: 2147483648, name: x }
      - { guardrail_id: g1, scope_type: model, priority: 0 }
      - { guardrail_id: g2, scope_type: api_key, scope_id: ~, priority: 0 }
    `));
    expect(issueLines(result)).toEqual([
      '18:3 error guardrail_attachments[0]: field `guardrail_id` is required',
      '18:3 error guardrail_attachments[0]: field `priority` is required',
      '19:35 error guardrail_attachments[1]: field `scope_type` must be one of `env`, `model`, `api_key`, `mcp_server`, `team`, `passthrough_route`, got `models` (did you mean `model`?)',
      '19:53 error guardrail_attachments[1]: field `priority` must be an integer from -2147483648 to 2147483647, got 1.5',
      '20:50 error guardrail_attachments[2]: field `priority` must be an integer from -2147483648 to 2147483647, got 2147483648',
      '20:62 error guardrail_attachments[2]: unknown field `name` (known fields: guardrail_id, scope_type, scope_id, priority, enabled, env_id)',
      '21:3 error guardrail_attachments[3]: field `scope_id` is required with `scope_type: model` (a model display_name)',
      '22:3 error guardrail_attachments[4]: field `scope_id` is required with `scope_type: api_key` (an api key display_name)',
    ]);
  });

  it('an env attachment ignores a scope_id, with a warning', () => {
    const result = load(attachments(yaml`
      - { guardrail_id: g1, scope_type: env, scope_id: a, priority: 0 }
      - { guardrail_id: g2, scope_type: env, scope_id: ~, priority: 0 }
    `));
    expect(issueLines(result)).toEqual(['18:50 warning guardrail_attachments[0]: field `scope_id` is ignored with `scope_type: env`: an env attachment applies to every request']);
    expect(loaded(result).guardrailAttachments?.map((a) => a.scopeId)).toEqual([null, null]);
  });

  it('mcp_server, team and passthrough_route scopes load with a warning and are left out', () => {
    const result = load(attachments(yaml`
      - { guardrail_id: g1, scope_type: env, priority: 0 }
      - { guardrail_id: g2, scope_type: mcp_server, scope_id: github, priority: 0 }
      - { guardrail_id: g2, scope_type: team, scope_id: platform, priority: 0 }
      - { guardrail_id: g2, scope_type: passthrough_route, scope_id: files, priority: 0 }
    `));
    expect(issueLines(result)).toEqual([
      '16:13 warning guardrails[1] ("g2"): this guardrail applies to no request: no enabled `guardrail_attachments` entry attaches it (`scope_type: env` attaches it to every request)',
      "19:35 warning guardrail_attachments[1]: scope_type `mcp_server` is not supported by the local proxy: this attachment is left out (AISIX applies the guardrail to that MCP server's traffic)",
      "20:35 warning guardrail_attachments[2]: scope_type `team` is not supported by the local proxy: this attachment is left out (AISIX applies the guardrail to that team's traffic)",
      "21:35 warning guardrail_attachments[3]: scope_type `passthrough_route` is not supported by the local proxy: this attachment is left out (AISIX applies the guardrail to that passthrough route's traffic)",
      '21:64 error guardrail_attachments[3]: scope_id references unknown passthrough route "files" (no passthrough_routes are defined in this file)',
    ]);
  });

  it('attaching a guardrail to the same scope twice is an error at the second (names and ids compared resolved)', () => {
    const result = load(attachments(yaml`
      - { guardrail_id: g1, scope_type: model, scope_id: a, priority: 0 }
      - { guardrail_id: ${deriveResourceId('guardrails', 'g1')}, scope_type: model, scope_id: ${deriveResourceId('models', 'a')}, priority: 5 }
      - { guardrail_id: g2, scope_type: env, priority: 0 }
      - { guardrail_id: g2, scope_type: env, priority: 1, enabled: false }
      - { guardrail_id: g2, scope_type: model, scope_id: a, priority: 0 }
    `));
    expect(issueLines(result)).toEqual([
      '19:19 error guardrail_attachments[1]: duplicate guardrail_attachments entry: guardrail "g1" is already attached to model "a" by guardrail_attachments[0] (line 18) — attach a guardrail to a scope once',
      '21:19 error guardrail_attachments[3]: duplicate guardrail_attachments entry: guardrail "g2" is already attached to every request (`scope_type: env`) by guardrail_attachments[2] (line 20) — attach a guardrail to a scope once',
    ]);
  });

  it('attachments of guardrails the local proxy does not run are left out', () => {
    const text = FILE.replace('guardrails:\n', 'guardrails:\n  - { name: lk, kind: lakera }\n');
    const result = load(`${text}guardrail_attachments:\n  - { guardrail_id: lk, scope_type: env, priority: 0 }\n  - { guardrail_id: g1, scope_type: env, priority: 0 }\n  - { guardrail_id: g2, scope_type: env, priority: 0 }\n`);
    expect(issueLines(result)).toEqual([
      '15:23 warning guardrails[0] ("lk"): guardrail kind `lakera` is not supported by the local proxy: this guardrail is loaded but not applied (AISIX applies it)',
    ]);
    expect(loaded(result).guardrailAttachments?.map((a) => a.guardrail)).toEqual(['g1', 'g2']);
  });

  it('must be a list of mappings, entries without identity', () => {
    expect(issueLines(load(`${FILE}guardrail_attachments: { guardrail_id: g1 }\n`))).toEqual([
      '15:13 warning guardrails[0] ("g1"): this guardrail applies to no request: no enabled `guardrail_attachments` entry attaches it (`scope_type: env` attaches it to every request)',
      '16:13 warning guardrails[1] ("g2"): this guardrail applies to no request: no enabled `guardrail_attachments` entry attaches it (`scope_type: env` attaches it to every request)',
      '17:24 error (file): `guardrail_attachments` must be a list of mappings (entries written `- guardrail_id: …`)',
    ]);
    expect(issueLines(load(attachments('  - g1\n  - { guardrail_id: g1, scope_type: env, priority: 0, id: 7 }\n  - { guardrail_id: g2, scope_type: env, priority: 0 }\n')))).toEqual([
      '18:5 error guardrail_attachments[0]: entry must be a mapping',
      "19:55 error guardrail_attachments[1]: the resources file does not accept `id` — ids are derived deterministically from the entry's name",
    ]);
  });
});
