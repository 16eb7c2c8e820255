// Compatibility with the AISIX gateway: a production AISIX file loads (with one warning per
// thing the local proxy ignores), and our files desugared to AISIX's canonical form validate
// against AISIX's published JSON Schemas.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deriveResourceId } from '../../src/config/resource-id.js';
import { GLOBAL_GUARDRAILS, issueLines, load, loaded } from './helpers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// AISIX's published schemas (Apache-2.0, see NOTICE.md there), vendored so the check runs anywhere
const SCHEMAS = join(ROOT, 'test/fixtures/aisix-schemas');
const PRODUCTION = readFileSync(join(ROOT, 'test/fixtures/config/aisix-production.yaml'), 'utf8');
const EXAMPLE = readFileSync(join(ROOT, 'aisix.example.yaml'), 'utf8');
const ENV = { OPENAI_API_KEY: 'sk-openai', DEEPSEEK_API_KEY: 'sk-deepseek', LAKERA_API_KEY: 'lk', PROD_CALLER_KEY: 'caller', CALLER_API_KEY: 'dev' };

describe('an AISIX production file', () => {
  it('loads, with one warning naming each thing the local proxy does not act on', () => {
    const result = load(PRODUCTION, ENV);
    expect(result.ok).toBe(true);
    expect(issueLines(result)).toEqual([
      '8:5 warning provider_keys[0] ("openai-prod"): field `telemetry_tags` is ignored by the local proxy (AISIX tags its metrics with it)',
      '10:7 warning provider_keys[0] ("openai-prod"): field `request.param_renames` is ignored by the local proxy (AISIX renames request body fields with it)',
      '40:5 warning api_keys[0] ("backend"): field `team_id` is ignored by the local proxy (AISIX scopes policies with it)',
      `41:1 warning (file): ${GLOBAL_GUARDRAILS}`,
      '43:11 warning guardrails[0] ("injection"): guardrail kind `lakera` is not supported by the local proxy: this guardrail is loaded but not applied (AISIX applies it)',
      '50:1 warning (file): collection `mcp_servers` (1 entry) is ignored: the local proxy does not support MCP servers',
      '55:1 warning (file): collection `rate_limit_policies` (1 entry) is ignored: the local proxy does not support rate-limit policies',
      '58:60 warning passthrough_routes[0] ("files"): no api key\'s `allowed_routes` admits this route: every request to it answers 403 permission_denied',
      '59:1 warning (file): collection `mcp_auth_settings` (1 entry) is ignored: the local proxy does not support MCP authentication',
    ]);
    const config = loaded(result);
    expect(config.models.map((m) => `${m.name}:${m.kind}`)).toEqual(['gpt-4o:direct', 'deepseek-chat:direct', 'smart:routing']);
    expect(config.guardrails.map((g) => g.name)).toEqual(['secrets']);
    expect(config.guardrailAttachments).toBeNull();
    expect(config.passthroughRoutes.map((r) => `${r.name}:${r.pathPrefix}->${r.targetUrl} (${r.providerKey})`)).toEqual(['files:/openai->https://api.openai.com/v1 (openai-prod)']);
  });

  it('still loads in validate mode without any of its secrets', () => {
    const result = load(PRODUCTION, {}, { missingEnv: 'warning' });
    expect(result.ok).toBe(true);
    expect(result.issues.filter((i) => i.message.includes('environment variable')).map((i) => `${i.line}:${i.col}`)).toEqual(['7:14', '15:13', '37:14']);
  });
});

describe('the example file', () => {
  it('loads with zero errors and, when its variables are set, zero warnings', () => {
    const result = load(EXAMPLE, ENV);
    expect(issueLines(result)).toEqual([]);
    expect(result.counts).toEqual({ providerKeys: 1, models: 4, apiKeys: 2, guardrails: 2 });
    expect(loaded(load(EXAMPLE, {}, { missingEnv: 'warning' })).models).toHaveLength(4);
  });
});

type Doc = Record<string, unknown>;
const entries = (doc: Doc, key: string): Doc[] => (Array.isArray(doc[key]) ? (doc[key] as Doc[]) : []);

/** The file sugar undone, as AISIX does before schema validation (aisix-behavior.md §1.5, §1.6). */
function desugar(doc: Doc): Record<'provider_key' | 'model' | 'api_key' | 'guardrail', Doc[]> {
  return {
    provider_key: entries(doc, 'provider_keys'),
    model: entries(doc, 'models').map(({ provider_key, ...rest }) =>
      typeof provider_key === 'string' ? { ...rest, provider_key_id: deriveResourceId('provider_keys', provider_key) } : rest,
    ),
    api_key: entries(doc, 'api_keys').map(({ key_env, display_name: _name, ...rest }) =>
      typeof key_env === 'string' ? { ...rest, key_hash: createHash('sha256').update(ENV[key_env as keyof typeof ENV] ?? 'x').digest('hex') } : rest,
    ),
    guardrail: entries(doc, 'guardrails'),
  };
}

describe('AISIX canonical schemas', () => {
  // schemars' numeric formats only annotate the width; the `type`/`minimum` keywords carry the rules
  const widths = Object.fromEntries(['double', 'float', 'int32', 'uint8', 'uint16', 'uint32', 'uint64'].map((f) => [f, true] as const));
  const ajv = new Ajv({ strict: false, allErrors: true, formats: widths });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  const validators = Object.fromEntries(
    ['provider_key', 'model', 'api_key', 'guardrail'].map((kind) => [kind, ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, `${kind}.schema.json`), 'utf8')))]),
  );

  for (const [name, text] of [['aisix.example.yaml', EXAMPLE], ['the production fixture', PRODUCTION]] as const) {
    it(`every entry of ${name}, desugared, is valid`, () => {
      const problems: string[] = [];
      for (const [kind, list] of Object.entries(desugar(parse(text) as Doc))) {
        list.forEach((entry, i) => {
          const validate = validators[kind];
          if (validate && !validate(entry)) problems.push(`${kind}[${i}]: ${ajv.errorsText(validate.errors)}`);
        });
      }
      expect(problems).toEqual([]);
    });
  }

  it('notices an entry AISIX would refuse (the check can fail)', () => {
    const bad = desugar(parse(EXAMPLE.replace('model_name: gpt-4o-mini-2024-07-18', 'model_name: 42')) as Doc);
    expect(validators['model']?.(bad.model[0])).toBe(false);
  });
});
