// The aisix configs the bench serves: one provider key onto the mock, one alias (`bench` →
// `mock-echo`), one caller key (auth on), and no guardrail / a block-mode keyword guardrail / a
// monitor-mode one, on both hooks, with a pattern that never matches the bench traffic.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CALLER_KEY = 'sk-aisix-bench-caller';
export const UPSTREAM_KEY = 'sk-x';

export const VARIANTS = {
  'aisix': { label: 'aisix (no guardrails)', guardrail: null },
  'aisix-block': { label: 'aisix + keyword guardrail, block', guardrail: 'block' },
  'aisix-monitor': { label: 'aisix + keyword guardrail, monitor', guardrail: 'monitor' },
};

export const NEVER_MATCHES = 'never-matches-xyz';

/**
 * One aisix config onto the mock: alias `bench` → `model`; `guardrail` null, a mode string
 * (`block` | `monitor`, on both hooks) or `{ mode, hook }`; `proxy` extra `proxy:` fields;
 * `forwardHeaders` the provider key's `request.forward_client_headers`.
 */
export function configYaml(mockUrl, guardrail, { model = 'mock-echo', proxy = null, pattern = NEVER_MATCHES, forwardHeaders = null } = {}) {
  const hash = createHash('sha256').update(CALLER_KEY).digest('hex');
  const request = forwardHeaders === null ? '' : `, request: { forward_client_headers: ${JSON.stringify(forwardHeaders)} }`;
  let yaml = `_format_version: "1"
provider_keys:
  - { display_name: up, provider: openai, api_key: ${UPSTREAM_KEY}, api_base: ${mockUrl}/v1${request} }
models:
  - { display_name: bench, provider: openai, model_name: ${model}, provider_key: up }
api_keys:
  - { display_name: bench, key_hash: ${hash}, allowed_models: ["*"] }
`;
  if (proxy !== null) {
    yaml += 'proxy:\n';
    for (const [key, value] of Object.entries(proxy)) yaml += `  ${key}: ${JSON.stringify(value)}\n`;
  }
  if (guardrail !== null) {
    const { mode, hook } = typeof guardrail === 'string' ? { mode: guardrail, hook: 'both' } : guardrail;
    yaml += `guardrails:
  - name: bench-${mode}
    kind: keyword
    hook_point: ${hook}
    enforcement_mode: ${mode}
    patterns:
      - { kind: literal, value: ${JSON.stringify(pattern)} }
`;
  }
  return yaml;
}

/** Writes one config file per variant into `dir`; returns { variant: path }. */
export function writeConfigs(dir, mockUrl) {
  mkdirSync(dir, { recursive: true });
  const paths = {};
  for (const [name, { guardrail }] of Object.entries(VARIANTS)) {
    paths[name] = join(dir, `${name}.yaml`);
    writeFileSync(paths[name], configYaml(mockUrl, guardrail));
  }
  return paths;
}

/** Writes `name`.yaml into `dir` (configYaml's arguments); returns its path. */
export function writeConfig(dir, name, mockUrl, guardrail, options) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, configYaml(mockUrl, guardrail, options));
  return path;
}
