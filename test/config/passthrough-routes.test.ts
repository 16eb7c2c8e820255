// `passthrough_routes` rules: the served form (path_prefix + target_url, gateway_key auth, an
// injected provider key by name or derived id), identity `name` or `display_name`, prefix rules
// (leading `/`, not `/` alone, not the gateway's namespaces, unique among enabled routes),
// AISIX's other forms loaded with a warning and left out, and the auth rules: a served route is a
// load error without api_keys, and a warning when no api key's allowed_routes admits it.
import { describe, expect, it } from 'vitest';
import { deriveResourceId } from '../../src/config/resource-id.js';
import { BASE, issueLines, load, loaded, yaml } from './helpers.js';

const HASH = 'b'.repeat(64);
const KEYS = `api_keys:\n  - { display_name: dev, key_hash: ${HASH}, allowed_models: ["*"], allowed_routes: ["*"] }\n`;
/** BASE (provider key `up`, lines 1-10), the caller `dev` (line 12) admitted to every route, then the routes from line 14 */
const routes = (body: string, keys = KEYS): string => `${BASE}${keys}passthrough_routes:\n${body}`;
const UNSERVED = 'not supported by the local proxy: this route is loaded but not served (the local proxy serves `path_prefix` + `target_url` routes with `auth_mode: gateway_key` and `credential_mode: inject`)';

describe('passthrough_routes', () => {
  it('maps the served form, enabled and disabled, trailing `/`s dropped and provider_key_id resolved to a name', () => {
    const result = load(routes(yaml`
      - name: openai
        path_prefix: /passthrough/openai/
        target_url: https://api.openai.com/v1/
        provider_key: up
      - display_name: local
        path_prefix: /local
        target_url: "http://127.0.0.1:8080"
        provider_key_id: ${deriveResourceId('provider_keys', 'up')}
        auth_mode: gateway_key
        credential_mode: inject
        timeout_ms: 5000
        enabled: false
    `));
    expect(issueLines(result)).toEqual([]);
    expect(loaded(result).passthroughRoutes).toEqual([
      { name: 'openai', enabled: true, pathPrefix: '/passthrough/openai', targetUrl: 'https://api.openai.com/v1', providerKey: 'up', timeoutMs: null },
      { name: 'local', enabled: false, pathPrefix: '/local', targetUrl: 'http://127.0.0.1:8080', providerKey: 'up', timeoutMs: 5000 },
    ]);
  });

  it('the identity is `name` or `display_name`, exactly one; duplicates at the second, whichever is written', () => {
    const result = load(routes(yaml`
      - { name: a, display_name: b, path_prefix: /a, target_url: "https://x.example", provider_key: up }
      - { path_prefix: /b, target_url: "https://x.example", provider_key: up }
      - { display_name: a, path_prefix: /c, target_url: "https://x.example", provider_key: up }
    `));
    expect(issueLines(result)).toEqual([
      '14:14 error passthrough_routes[0] ("a"): `name` and `display_name` are the same setting (`display_name` is an alternative spelling) — set only one',
      "15:3 error passthrough_routes[1]: name (or display_name) is required and must be a non-empty string (it is the entry's identity)",
      '16:19 error passthrough_routes[2] ("a"): duplicate passthrough_routes entry: display_name "a" is already defined at passthrough_routes[0] (line 14) — identities must be unique within a kind',
    ]);
  });

  it('path_prefix is required, starts with `/`, is not `/` alone and claims none of the gateway\'s namespaces', () => {
    const route = (name: string, prefix: string): string => `  - { name: ${name}, path_prefix: "${prefix}", target_url: "https://x.example", provider_key: up }\n`;
    const result = load(routes(
      '  - { name: none, target_url: "https://x.example", provider_key: up }\n' +
        route('rel', 'files') +
        route('root', '/') +
        route('slashes', '//') +
        ['/v1', '/v1/files', '/mcp/x', '/a2a', '/admin/', '/livez', '/readyz', '/metrics', '/healthz'].map((p, i) => route(`r${i}`, p)).join('') +
        route('v10', '/v10') +
        route('metricsx', '/metricsx/y'),
    ));
    const reserved = (line: number, name: string, ns: string): string =>
      `${line}:30 error passthrough_routes[${line - 14}] ("${name}"): field \`path_prefix\` must not claim \`/${ns}\`, which belongs to the gateway's own routes (reserved: /v1, /mcp, /a2a, /admin, /livez, /readyz, /metrics, /healthz) — use a prefix such as \`/passthrough/openai\``;
    expect(issueLines(result)).toEqual([
      '14:5 error passthrough_routes[0] ("none"): field `path_prefix` is required (the proxy path this route serves, e.g. `/passthrough/openai`)',
      '15:31 error passthrough_routes[1] ("rel"): field `path_prefix` must start with `/` (e.g. `/passthrough/openai`), got "files"',
      "16:32 error passthrough_routes[2] (\"root\"): field `path_prefix` must not be `/` alone: the route would claim every path, the proxy's own routes included",
      "17:35 error passthrough_routes[3] (\"slashes\"): field `path_prefix` must not be `/` alone: the route would claim every path, the proxy's own routes included",
      reserved(18, 'r0', 'v1'),
      reserved(19, 'r1', 'v1'),
      reserved(20, 'r2', 'mcp'),
      reserved(21, 'r3', 'a2a'),
      reserved(22, 'r4', 'admin'),
      reserved(23, 'r5', 'livez'),
      reserved(24, 'r6', 'readyz'),
      reserved(25, 'r7', 'metrics'),
      reserved(26, 'r8', 'healthz'),
    ]);
  });

  it('two enabled routes cannot share a prefix (compared without the trailing `/`); a disabled one may', () => {
    const result = load(routes(yaml`
      - { name: a, path_prefix: /p, target_url: "https://x.example", provider_key: up }
      - { name: b, path_prefix: /p/, target_url: "https://y.example", provider_key: up }
      - { name: c, path_prefix: /p, target_url: "https://z.example", provider_key: up, enabled: false }
      - { name: d, path_prefix: /p/deeper, target_url: "https://z.example", provider_key: up }
    `));
    expect(issueLines(result)).toEqual([
      '15:27 error passthrough_routes[1] ("b"): path_prefix `/p` is already served by passthrough_routes[0] ("a") (line 14) — two enabled routes cannot share a prefix',
    ]);
  });

  it('target_url is required: an http(s) URL without query or fragment', () => {
    const result = load(routes(yaml`
      - { name: none, path_prefix: /a, provider_key: up }
      - { name: ftp, path_prefix: /b, target_url: "ftp://x.example", provider_key: up }
      - { name: query, path_prefix: /c, target_url: "https://x.example/v1?key=1", provider_key: up }
      - { name: hash, path_prefix: /d, target_url: "https://x.example/#top", provider_key: up }
    `));
    expect(issueLines(result)).toEqual([
      '14:3 error passthrough_routes[0] ("none"): field `target_url` is required (the upstream base URL, e.g. `https://api.openai.com`)',
      '15:45 error passthrough_routes[1] ("ftp"): field `target_url` must be an http:// or https:// URL, got "ftp://x.example"',
      "16:47 error passthrough_routes[2] (\"query\"): field `target_url` must not have a query or fragment: the request's own path and query are appended to it",
      "17:46 error passthrough_routes[3] (\"hash\"): field `target_url` must not have a query or fragment: the request's own path and query are appended to it",
    ]);
  });

  it('the injected provider key: provider_key or provider_key_id, exactly one, naming a key in the file', () => {
    const result = load(routes(yaml`
      - { name: none, path_prefix: /a, target_url: "https://x.example" }
      - { name: both, path_prefix: /b, target_url: "https://x.example", provider_key: up, provider_key_id: ${deriveResourceId('provider_keys', 'up')} }
      - { name: typo, path_prefix: /c, target_url: "https://x.example", provider_key: upp }
      - { name: raw, path_prefix: /d, target_url: "https://x.example", provider_key_id: up }
      - { name: stale, path_prefix: /e, target_url: "https://x.example", provider_key_id: 00000000-0000-5000-8000-000000000000 }
    `));
    expect(issueLines(result)).toEqual([
      '14:3 error passthrough_routes[0] ("none"): field `provider_key` is required (the display_name of the provider key whose secret is injected upstream)',
      '15:85 error passthrough_routes[1] ("both"): `provider_key` and `provider_key_id` are mutually exclusive — keep `provider_key`',
      '16:81 error passthrough_routes[2] ("typo"): provider_key references unknown provider key "upp" (defined: up)',
      '17:83 error passthrough_routes[3] ("raw"): provider_key_id "up" is a provider key\'s display_name, not its derived id — write `provider_key: up` instead',
      `18:85 error passthrough_routes[4] ("stale"): provider_key_id "00000000-0000-5000-8000-000000000000" is not the derived id of any provider key in this file (defined: ${deriveResourceId('provider_keys', 'up')} (up)) — or write \`provider_key: <display_name>\``,
    ]);
  });

  it('AISIX forms the local proxy does not serve load with one warning each, naming what is unsupported, and are left out', () => {
    const result = load(routes(yaml`
      - { name: served, path_prefix: /ok, target_url: "https://x.example", provider_key: up }
      - name: copilot
        hosts: [api.githubcopilot.com]
        preserve_host: true
        auth_mode: header_key
        auth_header_name: x-aisix-api-key
        credential_mode: forward_client
      - { name: anon, path_prefix: /anon, target_url: "https://x.example", provider_key: up, auth_mode: anonymous, anonymous_key: dev, source_cidrs: [10.0.0.0/8] }
      - { name: byo, path_prefix: /byo, target_url: "https://x.example", credential_mode: forward_client }
      - { name: host, hosts: ["*.example.com"], path_prefix: /v1, target_url: "https://x.example", provider_key: up }
    `));
    expect(issueLines(result)).toEqual([
      `16:3 warning passthrough_routes[1] ("copilot"): \`hosts\`, \`preserve_host: true\`, \`auth_mode: header_key\` and \`credential_mode: forward_client\` are ${UNSERVED}`,
      "19:3 warning passthrough_routes[1] (\"copilot\"): field `auth_header_name` is ignored by the local proxy (AISIX reads the caller's api key from this header with `auth_mode: header_key`)",
      `21:99 warning passthrough_routes[2] ("anon"): \`auth_mode: anonymous\` is ${UNSERVED}`,
      '21:110 warning passthrough_routes[2] ("anon"): field `anonymous_key` is ignored by the local proxy (AISIX runs `auth_mode: anonymous` traffic as this api key)',
      '21:130 warning passthrough_routes[2] ("anon"): field `source_cidrs` is ignored by the local proxy (AISIX restricts callers by source address; the local proxy does not)',
      `22:85 warning passthrough_routes[3] ("byo"): \`credential_mode: forward_client\` is ${UNSERVED}`,
      `23:17 warning passthrough_routes[4] ("host"): \`hosts\` is ${UNSERVED}`,
    ]);
    expect(loaded(result).passthroughRoutes.map((r) => r.name)).toEqual(['served']);
  });

  it('still checks what AISIX would refuse in those forms', () => {
    const result = load(routes(yaml`
      - { name: both-targets, hosts: [a.example], preserve_host: true, target_url: "https://x.example", provider_key: up }
      - { name: no-hosts, path_prefix: /n, preserve_host: true, provider_key: up }
      - { name: byo-key, path_prefix: /k, target_url: "https://x.example", credential_mode: forward_client, provider_key: up }
      - { name: nothing, hosts: ~, target_url: "https://x.example", provider_key: up }
    `));
    expect(issueLines(result)).toEqual([
      `14:25 warning passthrough_routes[0] ("both-targets"): \`hosts\` and \`preserve_host: true\` are ${UNSERVED}`,
      '14:45 error passthrough_routes[0] ("both-targets"): `target_url` and `preserve_host: true` are mutually exclusive — set one',
      `15:53 warning passthrough_routes[1] ("no-hosts"): \`preserve_host: true\` is ${UNSERVED}`,
      "15:53 error passthrough_routes[1] (\"no-hosts\"): `preserve_host: true` needs `hosts`: the target is taken from the request's Host, which must be one of them",
      `16:87 warning passthrough_routes[2] ("byo-key"): \`credential_mode: forward_client\` is ${UNSERVED}`,
      "16:103 error passthrough_routes[2] (\"byo-key\"): `provider_key` is not used with `credential_mode: forward_client` (the caller's own credentials are forwarded) — remove it",
      '17:3 error passthrough_routes[3] ("nothing"): field `path_prefix` is required (the proxy path this route serves, e.g. `/passthrough/openai`)',
    ]);
  });

  it('a field written as null counts as absent', () => {
    const result = load(routes('  - { name: ~, display_name: n, path_prefix: ~, target_url: ~, provider_key: ~, provider_key_id: ~ }\n'));
    expect(issueLines(result)).toEqual([
      '14:5 error passthrough_routes[0] ("n"): field `path_prefix` is required (the proxy path this route serves, e.g. `/passthrough/openai`)',
      '14:5 error passthrough_routes[0] ("n"): field `target_url` is required (the upstream base URL, e.g. `https://api.openai.com`)',
      '14:5 error passthrough_routes[0] ("n"): field `provider_key` is required (the display_name of the provider key whose secret is injected upstream)',
    ]);
  });

  it('checks enums, timeout_ms, hosts and unknown fields', () => {
    const result = load(routes(yaml`
      - { name: a, path_prefix: /a, target_url: "https://x.example", provider_key: up, auth_mode: gateway, timeout_ms: 0, path: /x }
      - { name: b, path_prefix: /b, target_url: "https://x.example", provider_key: up, credential_mode: injected, hosts: [], identity_header: x-user }
    `));
    expect(issueLines(result)).toEqual([
      '14:93 error passthrough_routes[0] ("a"): field `auth_mode` must be one of `gateway_key`, `header_key`, `anonymous`, got `gateway`',
      '14:114 error passthrough_routes[0] ("a"): field `timeout_ms` must be a positive integer (milliseconds), got 0',
      '14:117 error passthrough_routes[0] ("a"): unknown field `path` (known fields: name, display_name, enabled, path_prefix, target_url, provider_key, provider_key_id, auth_mode, credential_mode, timeout_ms, hosts, preserve_host)',
      '15:99 error passthrough_routes[1] ("b"): field `credential_mode` must be one of `inject`, `forward_client`, got `injected` (did you mean `inject`?)',
      `15:109 warning passthrough_routes[1] ("b"): \`hosts\` is ${UNSERVED}`,
      '15:116 error passthrough_routes[1] ("b"): field `hosts` must have at least 1 entry',
      '15:120 warning passthrough_routes[1] ("b"): field `identity_header` is ignored by the local proxy (AISIX records the end user named in this header)',
    ]);
  });
});

describe('passthrough routes and auth', () => {
  const ROUTE = '  - { name: files, path_prefix: /files, target_url: "https://api.openai.com/v1", provider_key: up }\n';

  it('a served, enabled route without api_keys is an error: it would relay the provider key to whoever calls it', () => {
    const result = load(routes(ROUTE + '  - { name: off, path_prefix: /off, target_url: "https://x.example", provider_key: up, enabled: false }\n  - { name: h, hosts: [x.example], target_url: "https://x.example", provider_key: up }\n', ''));
    expect(result.ok).toBe(false);
    expect(issueLines(result)).toEqual([
      '12:33 error passthrough_routes[0] ("files"): this route relays provider key "up" to whoever calls it, and auth is off (no api_keys are defined) — add an api key whose `allowed_routes` names it, or set `enabled: false`',
      `14:16 warning passthrough_routes[2] ("h"): \`hosts\` is ${UNSERVED}`,
    ]);
  });

  it('a route no api key admits loads with a warning (every request answers 403); globs admit', () => {
    const noRoutes = `api_keys:\n  - { display_name: dev, key_hash: ${HASH}, allowed_models: ["*"] }\n`;
    expect(issueLines(load(routes(ROUTE, noRoutes)))).toEqual([
      "14:33 warning passthrough_routes[0] (\"files\"): no api key's `allowed_routes` admits this route: every request to it answers 403 permission_denied",
    ]);
    const glob = `api_keys:\n  - { display_name: dev, key_hash: ${HASH}, allowed_models: ["*"], allowed_routes: ["fi*"] }\n`;
    expect(issueLines(load(routes(ROUTE, glob)))).toEqual([]);
    expect(issueLines(load(routes(ROUTE.replace('}', ', enabled: false }'), noRoutes)))).toEqual([]);
  });

  it('must be a list of mappings', () => {
    expect(issueLines(load(`${BASE}${KEYS}passthrough_routes: { name: files }\n`))).toEqual([
      '13:21 error (file): `passthrough_routes` must be a list of mappings (entries written `- name: …`)',
    ]);
  });
});
