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

export function configYaml(mockUrl, guardrail) {
  const hash = createHash('sha256').update(CALLER_KEY).digest('hex');
  let yaml = `_format_version: "1"
provider_keys:
  - { display_name: up, provider: openai, api_key: ${UPSTREAM_KEY}, api_base: ${mockUrl}/v1 }
models:
  - { display_name: bench, provider: openai, model_name: mock-echo, provider_key: up }
api_keys:
  - { display_name: bench, key_hash: ${hash}, allowed_models: ["*"] }
`;
  if (guardrail !== null) {
    yaml += `guardrails:
  - name: bench-${guardrail}
    kind: keyword
    hook_point: both
    enforcement_mode: ${guardrail}
    patterns:
      - { kind: literal, value: "never-matches-xyz" }
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
