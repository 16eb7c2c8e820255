// A 5,000-model file loads; the time is logged for the record (a benchmark, not an assertion:
// machines are noisy), and the result is checked so the test can fail.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { issueLines, load, loaded } from './helpers.js';

function bigFile(models: number): string {
  const lines = ['_format_version: "1"', 'provider_keys:', '  - { display_name: up, provider: openai, api_key: sk-x }', 'models:'];
  for (let i = 0; i < models; i += 1) {
    lines.push(`  - display_name: model-${i}`, '    provider: openai', `    model_name: gpt-${i}`, '    provider_key: up', '    cost: { input_per_1k: 0.001, output_per_1k: 0.002 }');
  }
  lines.push('api_keys:', '  - { display_name: dev, key_hash: ' + 'e'.repeat(64) + ', allowed_models: [model-0, model-4999, "model-1*"] }');
  return `${lines.join('\n')}\n`;
}

describe('a 5,000-model file', () => {
  it('loads (time logged)', () => {
    const text = bigFile(5000);
    load(text); // warm-up: first-call JIT and module initialisation
    const started = performance.now();
    const result = load(text);
    const ms = performance.now() - started;
    console.log(`5,000 models (${(text.length / 1024).toFixed(0)} KiB) loaded in ${ms.toFixed(1)} ms`);
    expect(issueLines(result)).toEqual([]);
    expect(loaded(result).models).toHaveLength(5000);
    expect(loaded(result).models[4999]?.modelName).toBe('gpt-4999');
  });
});
