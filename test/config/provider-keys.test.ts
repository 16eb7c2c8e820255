// `provider_keys` rules: identity, api_key/secret, api_base, adapter, strip_headers, unknown and AISIX-only fields.
import { describe, expect, it } from 'vitest';
import { HEADER, issueLines, load, loaded, yaml } from './helpers.js';

describe('provider_keys', () => {
  it('requires a display_name, reported at the entry', () => {
    const result = load(HEADER + yaml`
      provider_keys:
        - provider: openai
          api_key: k
    `);
    expect(issueLines(result)).toEqual([
      "3:5 error provider_keys[0]: display_name is required and must be a non-empty string (it is the entry's identity)",
    ]);
  });

  it('requires exactly one of api_key and secret', () => {
    const result = load(HEADER + yaml`
      provider_keys:
        - display_name: none
          provider: openai
        - display_name: both
          api_key: a
          secret: b
    `);
    expect(issueLines(result)).toEqual([
      '3:5 error provider_keys[0] ("none"): one of `api_key` or `secret` is required (the upstream API key, e.g. `api_key: ${OPENAI_API_KEY}`)',
      '7:5 error provider_keys[1] ("both"): `api_key` and `secret` are the same setting (`secret` is an alias) — set only one',
    ]);
  });

  it('checks api_base, adapter and types without echoing the secret', () => {
    const result = load(HEADER + yaml`
      provider_keys:
        - display_name: up
          api_key: 12345
          api_base: ftp://example.com
          adapter: opneai
    `);
    expect(issueLines(result)).toEqual([
      '4:14 error provider_keys[0] ("up"): field `api_key` must be a non-empty string — quote it',
      '5:15 error provider_keys[0] ("up"): field `api_base` must be an http:// or https:// URL, got "ftp://example.com"',
      '6:14 error provider_keys[0] ("up"): field `adapter` must be one of `openai`, `anthropic`, `bedrock`, `vertex`, `azure-openai`, got `opneai` (did you mean `openai`?)',
    ]);
    expect(issueLines(result).join('\n')).not.toContain('12345');
  });

  it('reports duplicates at the second identity', () => {
    const result = load(HEADER + yaml`
      provider_keys:
        - display_name: up
          api_key: a
        - display_name: up
          api_key: b
    `);
    expect(issueLines(result)).toEqual([
      '5:19 error provider_keys[1] ("up"): duplicate provider_keys entry: display_name "up" is already defined at provider_keys[0] (line 3) — identities must be unique within a kind',
    ]);
  });

  it('an unknown field suggests the close one; `id` gets AISIX explanation', () => {
    const result = load(HEADER + yaml`
      provider_keys:
        - display_name: up
          id: 123
          api_key: a
          api_bsae: http://x
          colour: red
    `);
    expect(issueLines(result)).toEqual([
      "4:5 error provider_keys[0] (\"up\"): the resources file does not accept `id` — ids are derived deterministically from the entry's name",
      '6:5 error provider_keys[0] ("up"): unknown field `api_bsae` (did you mean `api_base`?)',
      '7:5 error provider_keys[0] ("up"): unknown field `colour` (known fields: display_name, api_key, secret, api_base, provider, adapter, request, strip_headers)',
    ]);
  });

  it('AISIX-only fields load with one warning per field, however many entries use it', () => {
    const result = load(HEADER + yaml`
      provider_keys:
        - display_name: a
          api_key: x
          tls: { verify: false }
          request:
            param_renames: { max_tokens: max_completion_tokens }
            forward_client_headers: ["x-*-id"]
        - display_name: b
          api_key: y
          tls: { verify: false }
        - display_name: c
          api_key: z
          tls: { verify: false }
    `);
    expect(issueLines(result)).toEqual([
      '5:5 warning provider_keys[0] ("a"): field `tls` is ignored by the local proxy (AISIX uses it for custom CA certificates); also on 2 more provider keys',
      '7:7 warning provider_keys[0] ("a"): field `request.param_renames` is ignored by the local proxy (AISIX renames request body fields with it)',
    ]);
    expect(loaded(result).providerKeys[0]?.forwardClientHeaders).toEqual(['x-*-id']);
  });

  it('strip_headers defaults to AISIX\'s list; written, it is HTTP header names, stored lower-case once each', () => {
    const result = load(HEADER + yaml`
      provider_keys:
        - { display_name: default, api_key: x }
        - { display_name: custom, api_key: y, strip_headers: [Cookie, X-Internal-Token, cookie] }
        - { display_name: none, api_key: z, strip_headers: [] }
        - { display_name: nulled, api_key: w, strip_headers: ~ }
    `);
    expect(issueLines(result)).toEqual([]);
    expect(loaded(result).providerKeys.map((k) => k.stripHeaders)).toEqual([
      ['authorization', 'cookie', 'set-cookie', 'x-api-key'],
      ['cookie', 'x-internal-token'],
      [],
      ['authorization', 'cookie', 'set-cookie', 'x-api-key'],
    ]);
  });

  it('a strip_headers entry must be a header name', () => {
    const result = load(HEADER + yaml`
      provider_keys:
        - { display_name: a, api_key: x, strip_headers: ["x header", "", 7] }
        - { display_name: b, api_key: y, strip_headers: authorization }
    `);
    expect(issueLines(result)).toEqual([
      "3:52 error provider_keys[0] (\"a\"): field `strip_headers[0]` must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~), got \"x header\"",
      '3:64 error provider_keys[0] ("a"): field `strip_headers[1]` must be a non-empty string',
      '3:68 error provider_keys[0] ("a"): field `strip_headers[2]` must be a non-empty string — quote it: "7"',
      '4:51 error provider_keys[1] ("b"): field `strip_headers` must be a list of strings, got "authorization"',
    ]);
  });

  it('a forward_client_headers glob has at most one `*`', () => {
    const result = load(HEADER + yaml`
      provider_keys:
        - display_name: a
          api_key: x
          request: { forward_client_headers: ["x-*-*"] }
    `);
    expect(issueLines(result)).toEqual(['5:41 error provider_keys[0] ("a"): forward_client_headers entry "x-*-*" has 2 `*`; a glob may contain exactly one']);
  });
});

describe('provider key values must be sendable as an HTTP header value', () => {
  const key = (value: string): string => HEADER + `provider_keys:\n  - display_name: up\n    provider: openai\n    api_key: ${value}\n`;

  it('a newline from ${VAR} interpolation is an error at the value, naming the variable, never the value', () => {
    const result = load(key('${OPENAI_API_KEY}'), { OPENAI_API_KEY: 'sk-live-123\n' });
    expect(result.ok).toBe(false);
    expect(issueLines(result)).toEqual([
      '5:14 error provider_keys[0] ("up"): field `api_key` contains a line feed (U+000A), which cannot be sent in an HTTP header: every request with this key would fail — check environment variable `OPENAI_API_KEY`',
    ]);
    expect(JSON.stringify(result.issues)).not.toContain('sk-live-123');
  });

  it('a literal YAML escape "sk-abc\\ndef" is an error at the value', () => {
    const result = load(key('"sk-abc\\ndef"'));
    expect(issueLines(result)).toEqual([
      '5:14 error provider_keys[0] ("up"): field `api_key` contains a line feed (U+000A), which cannot be sent in an HTTP header: every request with this key would fail — fix the value',
    ]);
    expect(JSON.stringify(result.issues)).not.toContain('sk-abc');
  });

  it('refuses CR, NUL, tab, DEL, C1 controls and characters beyond Latin-1, in api_key and secret alike', () => {
    const cases: [string, string][] = [
      ['"sk\\r"', 'a carriage return (U+000D)'],
      ['"sk\\0x"', 'a NUL character (U+0000)'],
      ['"sk\\tx"', 'a tab (U+0009)'],
      ['"sk\\x7Fx"', 'a control character (U+007F)'],
      ['"sk\\x85x"', 'a control character (U+0085)'],
      ['"sk\\e"', 'a control character (U+001B)'],
      ['"sk–abc"', 'U+2013, a character outside Latin-1'],
      ['"sk-\\U0001F511"', 'U+1F511, a character outside Latin-1'],
    ];
    for (const [value, what] of cases) {
      expect(issueLines(load(key(value)))).toEqual([
        `5:14 error provider_keys[0] ("up"): field \`api_key\` contains ${what}, which cannot be sent in an HTTP header: every request with this key would fail — fix the value`,
      ]);
    }
    const secret = load(HEADER + 'provider_keys:\n  - { display_name: up, secret: "${K}" }\n', { K: 'a\u0000b' });
    expect(issueLines(secret)).toEqual([
      '3:33 error provider_keys[0] ("up"): field `secret` contains a NUL character (U+0000), which cannot be sent in an HTTP header: every request with this key would fail — check environment variable `K`',
    ]);
  });

  it('Latin-1 letters load; leading or trailing spaces load with a warning and are kept as written', () => {
    expect(issueLines(load(key('"sk-é"')))).toEqual([]);
    const trailing = load(key('"${K}"'), { K: 'sk-abc ' });
    expect(issueLines(trailing)).toEqual([
      '5:14 warning provider_keys[0] ("up"): field `api_key` has a trailing space, sent as part of the key (upstreams usually answer 401) — check environment variable `K`',
    ]);
    expect(loaded(trailing).providerKeys[0]?.apiKey).toBe('sk-abc ');
    expect(issueLines(load(key('" sk-abc "')))).toEqual([
      '5:14 warning provider_keys[0] ("up"): field `api_key` has leading and trailing spaces, sent as part of the key (upstreams usually answer 401) — remove it',
    ]);
  });

  it('an unset variable is only the missing-variable warning in validate mode', () => {
    expect(issueLines(load(key('"${K}\\n"'), {}, { missingEnv: 'warning' }))).toEqual([
      '5:15 warning provider_keys[0] ("up"): environment variable `K` is unset or empty',
    ]);
  });
});
