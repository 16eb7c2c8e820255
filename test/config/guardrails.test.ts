// `guardrails` rules: kinds (local, remote with a warning, unknown with a suggestion), common
// fields, enforcement_mode mapping, keyword regexes compiled at load, pii detectors and patterns.
import { describe, expect, it } from 'vitest';
import { GLOBAL_GUARDRAILS, HEADER, issueLines, load, loaded, yaml } from './helpers.js';

const guardrails = (body: string): string => `${HEADER}guardrails:\n${body}`;
/** these files have no `guardrail_attachments` (see guardrail-attachments.test.ts) */
const GLOBAL = `2:1 warning (file): ${GLOBAL_GUARDRAILS}`;

describe('guardrails', () => {
  it('kind is required; unknown kinds are errors with a suggestion', () => {
    const result = load(guardrails(yaml`
      - name: a
        patterns: []
      - name: b
        kind: keywrod
      - name: c
        kind: no-such-guardrail-kind
    `));
    expect(issueLines(result)).toEqual([
      GLOBAL,
      '3:3 error guardrails[0] ("a"): field `kind` is required: `keyword` or `pii` (remote AISIX kinds such as `lakera` load but are not applied)',
      '6:9 error guardrails[1] ("b"): unknown guardrail kind `keywrod` (did you mean `keyword`?); the local proxy runs `keyword` and `pii`',
      '8:9 error guardrails[2] ("c"): unknown guardrail kind `no-such-guardrail-kind`; the local proxy runs `keyword` and `pii`',
    ]);
  });

  it('remote AISIX kinds load with a warning and are left out of the Config', () => {
    const result = load(guardrails(yaml`
      - name: lk
        kind: lakera
        api_key: \${LAKERA_KEY}
        whatever_lakera_takes: 1
      - { name: words, kind: keyword, patterns: [{ kind: literal, value: x }] }
    `));
    expect(issueLines(result)).toEqual([
      GLOBAL,
      '4:9 warning guardrails[0] ("lk"): guardrail kind `lakera` is not supported by the local proxy: this guardrail is loaded but not applied (AISIX applies it)',
    ]);
    expect(loaded(result).guardrails.map((g) => g.name)).toEqual(['words']);
    expect(result.counts?.guardrails).toBe(2);
  });

  it('checks common fields and maps an unknown enforcement_mode to block with a warning', () => {
    const result = load(guardrails(yaml`
      - name: g
        kind: keyword
        hook_point: inptu
        enabled: "false"
        enforcement_mode: enforce
        created_at: 2024-01-01T00:00:00Z
        patterns: [{ kind: literal, value: x }]
    `));
    expect(issueLines(result)).toEqual([
      GLOBAL,
      '5:15 error guardrails[0] ("g"): field `hook_point` must be one of `input`, `output`, `both`, got `inptu` (did you mean `input`?)',
      '6:12 error guardrails[0] ("g"): field `enabled` must be true or false, not a string — remove the quotes',
      '7:21 warning guardrails[0] ("g"): enforcement_mode `enforce` is neither `block` nor `monitor`; AISIX treats it as `block`, and so does aisix',
      '8:3 warning guardrails[0] ("g"): field `created_at` is ignored by the local proxy (AISIX orders guardrails by it; aisix applies them in file order)',
    ]);
    const ok = loaded(load(guardrails('  - { name: g, kind: keyword, enforcement_mode: blokc, patterns: [] }\n')));
    expect(ok.guardrails[0]).toMatchObject({ mode: 'block', enabled: true, hookPoint: 'both' });
  });

  it('keyword: patterns are required, closed, and regexes compile at load (error at the value)', () => {
    const result = load(guardrails(yaml`
      - name: none
        kind: keyword
      - name: k
        kind: keyword
        patterns:
          - { kind: regex, value: "(?i)internal[-_ ]only" }
          - { kind: regex, value: "(unclosed" }
          - { kind: regex, value: "(?x) a b" }
          - { kind: regex, value: "a(?i)b" }
          - { kind: glob, value: "x*" }
          - { kind: literal, value: "" }
          - { kind: literal, valeu: x }
    `));
    expect(issueLines(result)).toEqual([
      GLOBAL,
      '3:3 error guardrails[0] ("none"): field `patterns` is required',
      '9:29 error guardrails[1] ("k"): field `patterns[1].value` is not a valid regular expression: unterminated group',
      '10:29 error guardrails[1] ("k"): field `patterns[2].value` is not a valid regular expression: the `x` (verbose) flag has no JavaScript equivalent; remove it and the spaces or comments it allows',
      '11:29 error guardrails[1] ("k"): field `patterns[3].value` is not a valid regular expression: invalid group (inline flags such as `(?i)` are only supported as a prefix at the very start of the pattern)',
      '12:15 error guardrails[1] ("k"): field `patterns[4].kind` must be one of `literal`, `regex`, got `glob`',
      '13:31 error guardrails[1] ("k"): field `patterns[5].value` must be a non-empty string',
      '14:7 error guardrails[1] ("k"): field `patterns[6].value` is required',
      '14:24 error guardrails[1] ("k"): unknown field `patterns[6].valeu` (did you mean `value`?)',
    ]);
  });

  it('keyword: an empty pattern list loads with a warning (it never matches)', () => {
    const result = load(guardrails('  - { name: k, kind: keyword, patterns: [] }\n'));
    expect(issueLines(result)).toEqual([GLOBAL, '3:41 warning guardrails[0] ("k"): field `patterns` is empty: this guardrail never matches']);
  });

  it('pii: detectors from the fixed list, custom patterns compiled, replacement only on masks', () => {
    const result = load(guardrails(yaml`
      - name: p
        kind: pii
        default_action: block
        detectors: [{ type: email }, { type: passport }]
        custom_patterns:
          - { name: emp, regex: 'EMP-\d+', replacement: "[EMP]" }
          - { name: ok, regex: 'OK-\d+', action: mask, replacement: "" }
          - { name: bad, regex: '[z-a]' }
          - { name: ${'n'.repeat(65)}, regex: x }
        on_buffer_exceeded: fail-open
    `));
    expect(issueLines(result)).toEqual([
      GLOBAL,
      '6:40 error guardrails[0] ("p"): field `detectors[1].type` must be one of `email`, `china_mobile`, `china_id_card`, `bank_card`, `us_ssn`, `ip_address`, `api_key`, `jwt`, `private_key`, got `passport`',
      "8:38 error guardrails[0] (\"p\"): field `custom_patterns[0].replacement` only applies to masks, and the guardrail's default_action is block (remove it, or set `action: mask`)",
      '10:27 error guardrails[0] ("p"): field `custom_patterns[2].regex` is not a valid regular expression: range out of order in character class',
      '11:15 error guardrails[0] ("p"): field `custom_patterns[3].name` must be at most 64 characters (it has 65)',
      '12:23 error guardrails[0] ("p"): field `on_buffer_exceeded` must be one of `fail_closed`, `fail_open`, got `fail-open` (did you mean `fail_open`?)',
    ]);
  });

  it('pii: no detectors and no custom patterns loads with a warning', () => {
    const result = load(guardrails('  - { name: p, kind: pii }\n'));
    expect(issueLines(result)).toEqual([GLOBAL, '3:5 warning guardrails[0] ("p"): no `detectors` and no `custom_patterns`: this guardrail never matches']);
    expect(loaded(result).guardrails[0]).toEqual({
      name: 'p', kind: 'pii', enabled: true, hookPoint: 'both', mode: 'block', detectors: [], customPatterns: [], defaultAction: 'mask', maxBufferBytes: null, onBufferExceeded: 'fail_closed',
    });
  });

  it('pii max_buffer_bytes is null when unset (proxy.guardrail_buffer_bytes applies), as written when set', () => {
    const text = `${HEADER}proxy:\n  guardrail_buffer_bytes: 1048576\nguardrails:\n` + yaml`
      - { name: unset, kind: pii, detectors: [{ type: email }] }
      - { name: set, kind: pii, detectors: [{ type: email }], max_buffer_bytes: 4096 }
    `.replace(/^/gm, '  ');
    const config = loaded(load(text));
    expect(config.proxy.guardrailBufferBytes).toBe(1048576);
    expect(config.guardrails.map((g) => (g.kind === 'pii' ? g.maxBufferBytes : 'keyword'))).toEqual([null, 4096]);
  });

  it('duplicate names are reported at the second one', () => {
    const result = load(guardrails(yaml`
      - { name: g, kind: pii, detectors: [{ type: email }] }
      - { name: g, kind: pii, detectors: [{ type: jwt }] }
    `));
    expect(issueLines(result)).toEqual([
      GLOBAL,
      '4:11 error guardrails[1] ("g"): duplicate guardrails entry: name "g" is already defined at guardrails[0] (line 3) — identities must be unique within a kind',
    ]);
  });
});
