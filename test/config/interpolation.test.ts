// `${VAR}` interpolation (aisix-behavior.md §1.3): the pure function's edge cases, then how the
// loader reports problems — at the `${` token, as errors for serve and warnings for validate.
import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/config/interpolate.js';
import { issueLines, load, loaded, yaml } from './helpers.js';

describe('interpolate()', () => {
  const env = { A: 'x', B: 'y', EMPTY: '' };
  const cases: [string, string][] = [
    ['plain', 'plain'],
    ['${A}', 'x'],
    ['https://${A}/v1', 'https://x/v1'],
    ['${A}:${B}', 'x:y'],
    ['$$', '$'],
    ['$${A}', '${A}'],
    ['$$$$', '$$'],
    ['$A and $', '$A and $'],
    ['cost: 5$', 'cost: 5$'],
    ['${A}$$${B}', 'x$y'],
  ];
  for (const [raw, expected] of cases) {
    it(`${JSON.stringify(raw)} → ${JSON.stringify(expected)}`, () => {
      expect(interpolate(raw, env)).toEqual({ value: expected, problems: [] });
    });
  }

  it('reports unset and empty variables by name', () => {
    expect(interpolate('${MISSING}-${EMPTY}', env).problems).toEqual([
      { kind: 'missing', name: 'MISSING', token: '${MISSING}' },
      { kind: 'missing', name: 'EMPTY', token: '${EMPTY}' },
    ]);
  });

  it('reports `${}`, an unterminated `${` and shell-style defaults', () => {
    expect(interpolate('a${}b', env).problems).toEqual([{ kind: 'empty-name', token: '${}' }]);
    expect(interpolate('a${A', env).problems).toEqual([{ kind: 'unterminated', token: '${' }]);
    expect(interpolate('${PORT:-3000}', env).problems).toEqual([{ kind: 'default-syntax', name: 'PORT', token: '${PORT:-3000}' }]);
  });

  it('does not read inherited properties as variables', () => {
    expect(interpolate('${constructor}', {}).problems).toEqual([{ kind: 'missing', name: 'constructor', token: '${constructor}' }]);
  });
});

const FILE = yaml`
  _format_version: "1"
  provider_keys:
    - display_name: up
      provider: openai
      api_key: \${OPENAI_API_KEY}
      api_base: "https://\${HOST}/v1"
  models:
    - display_name: a
      provider: openai
      model_name: gpt-4o-mini
      provider_key: up
`;

describe('interpolation in the loader', () => {
  it('substitutes string scalars, including partial values', () => {
    const config = loaded(load(FILE, { OPENAI_API_KEY: 'sk-1', HOST: 'example.com' }));
    expect(config.providerKeys[0]).toMatchObject({ apiKey: 'sk-1', apiBase: 'https://example.com/v1' });
  });

  it('a missing variable is an error for serve, pointing at its `${`', () => {
    const result = load(FILE, { HOST: 'example.com' });
    expect(result.ok).toBe(false);
    expect(issueLines(result)).toEqual(['5:14 error provider_keys[0] ("up"): environment variable `OPENAI_API_KEY` is unset or empty']);
  });

  it('a missing variable is a warning for validate, and the config still loads', () => {
    const result = load(FILE, { OPENAI_API_KEY: '' }, { missingEnv: 'warning' });
    expect(issueLines(result)).toEqual([
      '5:14 warning provider_keys[0] ("up"): environment variable `OPENAI_API_KEY` is unset or empty',
      '6:24 warning provider_keys[0] ("up"): environment variable `HOST` is unset or empty',
    ]);
    expect(loaded(result).providerKeys[0]?.apiKey).toBe('');
  });

  it('never prints a variable value', () => {
    const result = load(FILE.replace('api_base: "https://${HOST}/v1"', 'api_base: "${HOST}"'), { OPENAI_API_KEY: 'sk-secret-value', HOST: 'not a url' });
    expect(issueLines(result)).toEqual(['6:15 error provider_keys[0] ("up"): field `api_base` must be an http:// or https:// URL, got "not a url"']);
    expect(JSON.stringify(result.issues)).not.toContain('sk-secret-value');
  });

  it('unterminated `${`, `${}` and defaults are errors even for validate', () => {
    const text = yaml`
      _format_version: "1"
      provider_keys:
        - display_name: up
          api_key: "abc\${OOPS"
          api_base: "http://x/\${}"
          provider: "\${PROVIDER:-openai}"
    `;
    expect(issueLines(load(text, {}, { missingEnv: 'warning' }))).toEqual([
      '4:18 error provider_keys[0] ("up"): unterminated `${` — close it with `}` or escape the dollar sign as `$$`',
      '5:25 error provider_keys[0] ("up"): empty variable name in `${}`',
      '6:16 error provider_keys[0] ("up"): defaults such as `${PROVIDER:-openai}` are not supported (AISIX has none either); set `PROVIDER` in the environment',
    ]);
  });

  it('does not interpolate mapping keys, numbers or booleans, and `$$` escapes', () => {
    const text = yaml`
      _format_version: "1"
      guardrails:
        - name: costs
          kind: keyword
          patterns:
            - { kind: literal, value: "price $$5 and \${WORD}" }
    `;
    const config = loaded(load(text, { WORD: 'falcon' }));
    const guardrail = config.guardrails[0];
    expect(guardrail?.kind === 'keyword' ? guardrail.patterns[0]?.value : null).toBe('price $5 and falcon');
    expect(issueLines(load('_format_version: "1"\n${KEY}: 1\n'))).toEqual([
      '2:1 error (file): unknown top-level key `${KEY}` (expected _format_version, proxy and resource collections: provider_keys, models, api_keys, guardrails, …)',
    ]);
  });

  it('a number-typed field written with `${VAR}` says interpolation yields a string', () => {
    const text = `${FILE}proxy:\n  request_timeout_ms: \${TIMEOUT}\n`;
    expect(issueLines(load(text, { OPENAI_API_KEY: 'k', HOST: 'h', TIMEOUT: '5' }))).toEqual([
      '13:23 error proxy: field `request_timeout_ms` must be a positive integer (milliseconds), not a string — `${…}` interpolation always yields a string, so write the value itself',
    ]);
  });
});
