// aisix.schema.json is generated from the loader's field tables. This test fails when the committed
// file is stale (regenerate: UPDATE_SCHEMA=1 npx vitest run test/config/json-schema.test.ts) and
// checks the schema is usable: ajv compiles it, the example passes, mistakes are flagged.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildJsonSchema } from '../../src/config/json-schema.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SCHEMA_PATH = join(ROOT, 'aisix.schema.json');
const EXAMPLE = readFileSync(join(ROOT, 'aisix.example.yaml'), 'utf8');
const generated = `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;

describe('aisix.schema.json', () => {
  it('is up to date with the field tables', () => {
    if (process.env['UPDATE_SCHEMA'] === '1') writeFileSync(SCHEMA_PATH, generated);
    const committed = readFileSync(SCHEMA_PATH, 'utf8');
    expect(committed, 'aisix.schema.json is stale: run UPDATE_SCHEMA=1 npx vitest run test/config/json-schema.test.ts').toBe(generated);
  });

  const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  const validate = ajv.compile(JSON.parse(generated) as object);

  it('accepts the example file', () => {
    expect(validate(parse(EXAMPLE)), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('flags unknown keys, bad enums and wrong types the way an editor would show them', () => {
    const broken = EXAMPLE.replace('hook_point: both', 'hook_point: sometimes').replace('timeout: 60000', 'timeout: "60s"').replace('models:', 'modles:');
    expect(validate(parse(broken))).toBe(false);
    const messages = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    expect(messages).toContain(' must NOT have additional properties');
    expect(messages).toContain('/guardrails/0/hook_point must be equal to one of the allowed values');
  });

  it('takes proxy.allowed_origins as a list of strings or the string "*"', () => {
    const doc = (allowed_origins: unknown): unknown => ({ _format_version: '1', proxy: { allowed_origins } });
    expect(validate(doc(['http://localhost:5173']))).toBe(true);
    expect(validate(doc('*'))).toBe(true);
    expect(validate(doc('http://localhost:5173'))).toBe(false);
    expect(validate(doc([5173]))).toBe(false);
  });

  it('describes cache policies, guardrail attachments, passthrough routes, allowed_routes and strip_headers', () => {
    const doc = {
      _format_version: '1',
      provider_keys: [{ display_name: 'up', api_key: 'k', strip_headers: ['authorization', 'x-internal'] }],
      api_keys: [{ display_name: 'dev', key_env: 'K', allowed_models: ['*'], allowed_routes: ['files'] }],
      cache_policies: [{ name: 'c', applies_to: 'model:a', ttl_seconds: 60, scope: 'env' }],
      guardrail_attachments: [{ guardrail_id: 'g', scope_type: 'env', priority: 0 }],
      passthrough_routes: [{ name: 'files', path_prefix: '/files', target_url: 'https://api.openai.com/v1', provider_key: 'up' }],
    };
    expect(validate(doc), ajv.errorsText(validate.errors)).toBe(true);
    expect(validate({ ...doc, cache_policies: [{ name: 'c', ttl_seconds: 0 }] })).toBe(false);
    expect(validate({ ...doc, guardrail_attachments: [{ guardrail_id: 'g', scope_type: 'global', priority: 0 }] })).toBe(false);
    expect(validate({ ...doc, guardrail_attachments: [{ guardrail_id: 'g', scope_type: 'env' }] })).toBe(false);
    expect(validate({ ...doc, passthrough_routes: [{ name: 'r', path_prefix: 'files' }] })).toBe(false);
    expect(validate({ ...doc, provider_keys: [{ display_name: 'up', api_key: 'k', strip_headers: ['bad header'] }] })).toBe(false);
  });

  it('describes keyword and pii guardrails separately by kind', () => {
    const entry = { name: 'g', kind: 'keyword', detectors: [] };
    expect(validate({ _format_version: '1', guardrails: [entry] })).toBe(false);
    expect(validate({ _format_version: '1', guardrails: [{ name: 'l', kind: 'lakera', api_key: 'x' }] })).toBe(true);
  });
});
