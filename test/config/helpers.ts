// Test helpers for the config loader: dedented YAML literals (so line:col in assertions match
// what you read), a loader call with an explicit environment, and issues as one-line strings.
import { loadConfigText, type LoadOptions } from '../../src/config/load.js';
import type { Config, LoadResult } from '../../src/config/types.js';

/**
 * Removes the common indentation and the first/last blank line of a template literal. The text
 * is taken raw (a `\d` stays `\d`, as in the file), except that `\${` is written `${`.
 */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = String.raw({ raw: strings.raw }, ...values).replaceAll('\\${', '${');
  const lines = raw.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return `${lines.map((l) => l.slice(indent)).join('\n')}\n`;
}

export function load(text: string, env: LoadOptions['env'] = {}, options: Partial<LoadOptions> = {}): LoadResult {
  return loadConfigText(text, 'aisix.yaml', { env, missingEnv: 'error', ...options });
}

/** `7:14 warning provider_keys[0] ("up"): message` per issue, in the loader's order. */
export function issueLines(result: LoadResult): string[] {
  return result.issues.map((i) => `${i.line}:${i.col} ${i.severity} ${i.scope}: ${i.message}`);
}

export function loaded(result: LoadResult): Config {
  if (!result.ok) throw new Error(`expected the config to load, got:\n${issueLines(result).join('\n')}`);
  return result.config;
}

/** The file-level warning of a file with guardrails and no `guardrail_attachments` (at the `guardrails` key). */
export const GLOBAL_GUARDRAILS =
  'every guardrail applies to every request, as in AISIX releases without `guardrail_attachments`; newer releases apply a guardrail only where a `guardrail_attachments` entry attaches it (`scope_type: env` for every request)';

/** The minimum valid file, to which a test appends the part it is about. */
export const HEADER = '_format_version: "1"\n';

export const BASE = yaml`
  _format_version: "1"
  provider_keys:
    - display_name: up
      provider: openai
      api_key: sk-test
  models:
    - display_name: a
      provider: openai
      model_name: gpt-4o-mini
      provider_key: up
`;
