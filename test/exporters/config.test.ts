// `observability_exporters` through the real loader: otlp_http entries become
// Config.observabilityExporters; AISIX's other kinds load with a warning naming them; mistakes are
// errors at the offending key or value (line:col), secrets in `headers` are never printed; and
// the entries we accept pass AISIX's own published schema (the production-parity check).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildJsonSchema } from '../../src/config/json-schema.js';
import { BASE, issueLines, load, loaded, yaml } from '../config/helpers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('observability_exporters: otlp_http', () => {
  it('loads into Config.observabilityExporters with defaults, interpolated headers and no warnings', () => {
    const text = BASE + yaml`
      observability_exporters:
        - name: otel
          kind: otlp_http
          endpoint: http://localhost:4318
          headers:
            authorization: Bearer \${OTLP_TOKEN}
            x-team: platform
        - name: vendor
          kind: otlp_http
          enabled: false
          endpoint: https://otlp.example.com/v1/traces
          sample_rate: 0.25
          content_mode: metadata_only
          content_max_bytes: 4096
    `;
    const result = load(text, { OTLP_TOKEN: 'tok' });
    expect(issueLines(result)).toEqual([]);
    expect(loaded(result).observabilityExporters).toEqual([
      { name: 'otel', kind: 'otlp_http', endpoint: 'http://localhost:4318', enabled: true, headers: { authorization: 'Bearer tok', 'x-team': 'platform' }, sampleRate: 1 },
      { name: 'vendor', kind: 'otlp_http', endpoint: 'https://otlp.example.com/v1/traces', enabled: false, sampleRate: 0.25 },
    ]);
  });

  it('a file without the collection has no exporters', () => {
    expect(loaded(load(BASE)).observabilityExporters).toEqual([]);
  });

  it('loads the other AISIX kinds with a warning naming each, and leaves them out', () => {
    const text = BASE + yaml`
      observability_exporters:
        - { name: dd, kind: datadog, credential_ref: dd, service: gw, site: datadoghq.com }
        - { name: sls, kind: aliyun_sls, credential_ref: c, endpoint: x.aliyuncs.com, logstore: l, project: p }
        - { name: s3, kind: object_store, bucket: b, prefix: p, provider: s3 }
    `;
    const result = load(text);
    expect(issueLines(result)).toEqual([
      '12:23 warning observability_exporters[0] ("dd"): exporter kind `datadog` is not supported by the local proxy: this exporter is loaded but sends nothing (AISIX exports with it)',
      '13:24 warning observability_exporters[1] ("sls"): exporter kind `aliyun_sls` is not supported by the local proxy: this exporter is loaded but sends nothing (AISIX exports with it)',
      '14:23 warning observability_exporters[2] ("s3"): exporter kind `object_store` is not supported by the local proxy: this exporter is loaded but sends nothing (AISIX exports with it)',
    ]);
    expect(loaded(result).observabilityExporters).toEqual([]);
  });

  it('reports an invalid endpoint URL at the value', () => {
    const text = BASE + yaml`
      observability_exporters:
        - name: a
          kind: otlp_http
          endpoint: localhost:4318
        - name: b
          kind: otlp_http
          endpoint: "ftp://collector:21"
        - name: c
          kind: otlp_http
          endpoint: 4318
    `;
    expect(issueLines(load(text))).toEqual([
      '14:15 error observability_exporters[0] ("a"): field `endpoint` must be an http:// or https:// URL, got "localhost:4318"',
      '17:15 error observability_exporters[1] ("b"): field `endpoint` must be an http:// or https:// URL, got "ftp://collector:21"',
      '20:15 error observability_exporters[2] ("c"): field `endpoint` must be a non-empty string — quote it: "4318"',
    ]);
  });

  it('warns where AISIX would refuse a plain-http endpoint, but still sends to it', () => {
    const text = BASE + yaml`
      observability_exporters:
        - { name: otel, kind: otlp_http, endpoint: "http://otel:4318" }
    `;
    const result = load(text);
    expect(issueLines(result)).toEqual([
      '12:46 warning observability_exporters[0] ("otel"): AISIX accepts `endpoint` only as an https:// URL, or plain http:// to localhost, 127.0.0.1, otel-collector or mock-otlp: the local proxy sends to it, but production would refuse this entry',
    ]);
    expect(loaded(result).observabilityExporters.map((e) => e.endpoint)).toEqual(['http://otel:4318']);
  });

  it('reports a missing kind, name or endpoint, an unknown kind and an unknown field, each at its place', () => {
    const text = BASE + yaml`
      observability_exporters:
        - name: a
          endpoint: http://localhost:4318
        - name: b
          kind: otlp_htpp
        - kind: otlp_http
          endpoint: http://localhost:4318
        - name: d
          kind: otlp_http
        - name: e
          kind: otlp_http
          endpiont: http://localhost:4318
    `;
    expect(issueLines(load(text))).toEqual([
      '12:5 error observability_exporters[0] ("a"): field `kind` is required: `otlp_http` (other AISIX kinds such as `datadog` load but export nothing locally)',
      '15:11 error observability_exporters[1] ("b"): unknown exporter kind `otlp_htpp` (did you mean `otlp_http`?); the local proxy runs `otlp_http`',
      "16:5 error observability_exporters[2]: name is required and must be a non-empty string (it is the entry's identity)",
      '18:5 error observability_exporters[3] ("d"): field `endpoint` is required',
      '20:5 error observability_exporters[4] ("e"): field `endpoint` is required',
      '22:5 error observability_exporters[4] ("e"): unknown field `endpiont` (did you mean `endpoint`?)',
    ]);
  });

  it('reports sample_rate, content_max_bytes and duplicate names; content_mode full only warns', () => {
    const text = BASE + yaml`
      observability_exporters:
        - name: a
          kind: otlp_http
          endpoint: http://localhost:4318
          sample_rate: 1.5
          content_max_bytes: 0
        - name: a
          kind: otlp_http
          endpoint: http://localhost:4318
          content_mode: full
    `;
    expect(issueLines(load(text))).toEqual([
      '15:18 error observability_exporters[0] ("a"): field `sample_rate` must be a number from 0.0 to 1.0, got 1.5',
      expect.stringMatching(/^16:24 error observability_exporters\[0\] \("a"\): field `content_max_bytes` must be /),
      '17:11 error observability_exporters[1] ("a"): duplicate observability_exporters entry: name "a" is already defined at observability_exporters[0] (line 12) — identities must be unique within a kind',
      '20:19 warning observability_exporters[1] ("a"): content_mode `full` is not applied by the local proxy: its spans carry metadata only (AISIX adds the prompt and the response)',
    ]);
  });

  it('checks headers: a mapping of HTTP header names to sendable strings, never printing a value', () => {
    const text = BASE + yaml`
      observability_exporters:
        - name: a
          kind: otlp_http
          endpoint: http://localhost:4318
          headers:
            "bad name": x
            x-ok: fine
            x-number: 42
            x-missing: \${NOT_SET}
            X-Ok: again
            x-control: "secret\u0001value"
        - name: b
          kind: otlp_http
          endpoint: http://localhost:4318
          headers: [authorization]
    `;
    const lines = issueLines(load(text));
    expect(lines).toEqual([
      `16:7 error observability_exporters[0] ("a"): \`headers\` key "bad name" must be an HTTP header name (letters, digits and !#$%&'*+-.^_\`|~)`,
      '18:17 error observability_exporters[0] ("a"): field `headers.x-number` must be a string — quote it',
      '19:18 error observability_exporters[0] ("a"): environment variable `NOT_SET` is unset or empty',
      '20:7 error observability_exporters[0] ("a"): `headers` sets X-Ok twice (header names are case-insensitive)',
      '21:18 error observability_exporters[0] ("a"): field `headers.x-control` contains a control character (U+0001), which cannot be sent in an HTTP header',
      '25:14 error observability_exporters[1] ("b"): field `headers` must be a mapping of header names to string values',
    ]);
    expect(lines.join('\n')).not.toContain('secret');
  });
});

describe('observability_exporters: production parity', () => {
  const widths = Object.fromEntries(['double', 'uint32'].map((f) => [f, true] as const));
  const ajv = new Ajv({ strict: false, allErrors: true, formats: widths });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  const aisix = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'test/fixtures/aisix-schemas/observability_exporter.schema.json'), 'utf8')) as object);

  it("the README's and the example's exporter entries pass AISIX's own schema and load without warnings", () => {
    for (const file of ['aisix.example.yaml', 'README.md']) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const block = /^#? ?observability_exporters:\n(?:#? {2}.*\n)+/m.exec(text)?.[0];
      expect(block, `${file} shows an observability_exporters example`).toBeDefined();
      const uncommented = (block ?? '').replace(/^# ?/gm, '');
      const entries = (parse(uncommented) as { observability_exporters: unknown[] }).observability_exporters;
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) expect(aisix(entry), `${file}: ${ajv.errorsText(aisix.errors)}`).toBe(true);
      const result = load(BASE + uncommented, { OTLP_TOKEN: 't', HONEYCOMB_API_KEY: 'k' });
      expect(issueLines(result)).toEqual([]);
    }
  });

  it("AISIX's schema refuses what the loader warns about (the check can fail)", () => {
    expect(aisix({ name: 'otel', kind: 'otlp_http', endpoint: 'http://otel:4318' })).toBe(false);
    expect(aisix({ name: 'otel', kind: 'otlp_http', endpoint: 'http://localhost:4318' })).toBe(true);
  });
});

describe('observability_exporters: aisix.schema.json', () => {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  const validate = ajv.compile(buildJsonSchema());
  const doc = (entry: object): object => ({ _format_version: '1', observability_exporters: [entry] });

  it('describes otlp_http entries closed over their fields (headers included) and leaves other kinds open', () => {
    expect(validate(doc({ name: 'o', kind: 'otlp_http', endpoint: 'http://localhost:4318', headers: { authorization: 'Bearer x' } })), ajv.errorsText(validate.errors)).toBe(true);
    expect(validate(doc({ name: 'o', kind: 'otlp_http', endpiont: 'http://localhost:4318' }))).toBe(false);
    expect(validate(doc({ name: 'o', kind: 'otlp_http', endpoint: 'http://localhost:4318', headers: { n: 1 } }))).toBe(false);
    expect(validate(doc({ name: 'd', kind: 'datadog', credential_ref: 'c', service: 's', site: 'datadoghq.com' }))).toBe(true);
    expect(validate(doc({ name: 'x', kind: 'zipkin' }))).toBe(false);
  });
});
