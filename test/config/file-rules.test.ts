// File-level rules (aisix-behavior.md §1.2): syntax, emptiness, one document, a mapping at the top,
// `_format_version`, and unknown top-level keys with "did you mean". Exact messages and positions.
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { issueLines, load, yaml } from './helpers.js';

describe('file-level rules', () => {
  it('an empty file, or one with only comments, is "file is empty" at 1:1', () => {
    for (const text of ['', '\n\n', '# just a comment\n', '~\n']) {
      const result = load(text);
      expect(result.ok).toBe(false);
      expect(issueLines(result)).toEqual(['1:1 error (file): file is empty']);
    }
  });

  it('a missing _format_version is reported at 1:1', () => {
    expect(issueLines(load('models: []\n'))).toEqual(['1:1 error (file): missing mandatory _format_version (expected "1")']);
  });

  it('an unquoted 1 asks for quotes, another string is unrecognized, other types are wrong', () => {
    expect(issueLines(load('_format_version: 1\n'))).toEqual(['1:18 error (file): _format_version must be the string "1" (quote it)']);
    expect(issueLines(load('_format_version: "2"\n'))).toEqual(['1:18 error (file): unrecognized _format_version "2" (supported: "1")']);
    expect(issueLines(load('_format_version: [1]\n'))).toEqual(['1:18 error (file): _format_version must be the string "1"']);
  });

  it('a YAML syntax error is reported alone, at its position', () => {
    const result = load(yaml`
      _format_version: "1"
      models: [a, b
      modles: {}
    `);
    const lines = issueLines(result);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^3:1 error \(file\): YAML parse error: /);
  });

  it('a duplicate YAML key names the key at its second occurrence', () => {
    const result = load(yaml`
      _format_version: "1"
      models: []
      models: []
    `);
    expect(issueLines(result)).toEqual(['3:1 error (file): YAML parse error: duplicate key `models` (keys must be unique within a mapping)']);
  });

  it('several YAML documents are refused at the second one', () => {
    expect(issueLines(load('_format_version: "1"\n---\nmodels: []\n'))).toEqual(['2:1 error (file): expected a single YAML document, found 2']);
  });

  it('the top level must be a mapping', () => {
    expect(issueLines(load('- a\n- b\n'))).toEqual([
      '1:1 error (file): top level must be a mapping with `_format_version` and resource collections',
    ]);
  });

  it('an unknown top-level key is an error at the key, with a suggestion when one is close', () => {
    const result = load(yaml`
      _format_version: "1"
      modles: []
      gaurdrails: []
      Provider-Keys: []
      frobnicate: 1
    `);
    expect(issueLines(result)).toEqual([
      '2:1 error (file): unknown top-level key `modles` (did you mean `models`?)',
      '3:1 error (file): unknown top-level key `gaurdrails` (did you mean `guardrails`?)',
      '4:1 error (file): unknown top-level key `Provider-Keys` (did you mean `provider_keys`?)',
      '5:1 error (file): unknown top-level key `frobnicate` (expected _format_version, proxy and resource collections: provider_keys, models, api_keys, guardrails, …)',
    ]);
  });

  it('top-level keys must be plain strings', () => {
    expect(issueLines(load('_format_version: "1"\n42: x\n'))).toEqual(['2:1 error (file): top-level keys must be plain strings']);
  });

  it('a collection must be a list of mappings, and each entry a mapping', () => {
    const result = load(yaml`
      _format_version: "1"
      models: { display_name: a }
      api_keys:
        - just-a-string
    `);
    expect(issueLines(result)).toEqual([
      '2:9 error (file): `models` must be a list of mappings (entries written `- display_name: …`)',
      '4:5 error api_keys[0]: entry must be a mapping',
    ]);
  });

  it('the proxy section must be a mapping', () => {
    expect(issueLines(load('_format_version: "1"\nproxy: 127.0.0.1:3000\n'))).toEqual([
      '2:8 error (file): `proxy` must be a mapping of settings (`addr`, `request_body_limit_bytes`, …)',
    ]);
  });

  it('YAML aliases are refused where a value is expected', () => {
    const result = load(yaml`
      _format_version: "1"
      provider_keys:
        - display_name: &name up
          provider: openai
          api_key: *name
    `);
    expect(issueLines(result)).toEqual(['5:14 error provider_keys[0] ("up"): YAML aliases (`*name`) are not supported (AISIX rejects them too); write the value out']);
  });

  it('an unreadable file is one (file) error at 1:1 with the OS reason', async () => {
    const result = await loadConfigFile('/nonexistent/dir/aisix.yaml', { env: {}, missingEnv: 'error' });
    expect(result.ok).toBe(false);
    expect(issueLines(result)).toEqual(['1:1 error (file): cannot read file: ENOENT: no such file or directory']);
  });

  it('issues are sorted by line, then column', () => {
    const result = load(yaml`
      zzz: 1
      _format_version: 2
      aaa: 1
    `);
    expect(issueLines(result)).toEqual([
      '1:1 error (file): unknown top-level key `zzz` (expected _format_version, proxy and resource collections: provider_keys, models, api_keys, guardrails, …)',
      '2:18 error (file): _format_version must be the string "1" (quote it)',
      '3:1 error (file): unknown top-level key `aaa` (expected _format_version, proxy and resource collections: provider_keys, models, api_keys, guardrails, …)',
    ]);
  });
});
