// The `proxy:` section: addr parsing (IPv4, IPv6, names), ranges, types, unknown keys, the rule
// that a non-loopback address needs api keys, and `allowed_origins` (exact origins or "*").
import { describe, expect, it } from 'vitest';
import { HEADER, issueLines, load, loaded, yaml } from './helpers.js';

const proxy = (body: string): string => `${HEADER}proxy:\n${body}`;
const API_KEYS = yaml`
  api_keys:
    - { display_name: dev, key_env: CALLER_KEY, allowed_models: ["*"] }
`;
const ENV = { CALLER_KEY: 'caller' };

describe('proxy section', () => {
  it('parses addr into host and port, IPv6 in brackets', () => {
    for (const [addr, host, port] of [
      ['127.0.0.1:3000', '127.0.0.1', 3000],
      ['"[::1]:8080"', '::1', 8080],
      ['localhost:0', 'localhost', 0],
    ] as const) {
      const config = loaded(load(proxy(`  addr: ${addr}\n`)));
      expect([config.proxy.host, config.proxy.port]).toEqual([host, port]);
    }
  });

  it('reports a malformed addr or a port out of range at the value', () => {
    expect(issueLines(load(proxy('  addr: localhost\n')))).toEqual([
      '3:9 error proxy: field `addr` must be `host:port` such as `127.0.0.1:3000` (IPv6 as `[::1]:3000`), got "localhost"',
    ]);
    expect(issueLines(load(proxy('  addr: 127.0.0.1:70000\n')))).toEqual(['3:9 error proxy: field `addr` has port 70000, outside 0–65535']);
    expect(issueLines(load(proxy('  addr: 3000\n')))).toEqual(['3:9 error proxy: field `addr` must be a non-empty string — quote it: "3000"']);
  });

  it('a non-loopback addr without api_keys is refused', () => {
    expect(issueLines(load(proxy('  addr: 0.0.0.0:3000\n')))).toEqual([
      '3:9 error proxy: addr 0.0.0.0:3000 accepts connections from other machines, but no api_keys are defined — add an api key, or listen on 127.0.0.1',
    ]);
  });

  it('a loopback addr in any spelling needs no api_keys (the one definition in src/net/loopback.ts)', () => {
    for (const addr of ['127.0.0.1:3000', '127.9.8.7:3000', 'localhost:3000', 'LOCALHOST.:3000', 'app.localhost:3000', '"[::1]:3000"', '"[0:0:0:0:0:0:0:1]:3000"', '"[0:0:0:0:0:ffff:127.0.0.1]:3000"']) {
      expect(issueLines(load(proxy(`  addr: ${addr}\n`))), addr).toEqual([]);
    }
    for (const addr of ['0.0.0.0:3000', '"[::]:3000"', '192.168.1.10:3000', 'localhost.example.com:3000', '128.0.0.1:3000']) {
      expect(load(proxy(`  addr: ${addr}\n`)).ok, addr).toBe(false);
    }
  });

  it('checks numbers, booleans and unknown keys', () => {
    const result = load(proxy(yaml`
      request_body_limit_bytes: -1
      request_timeout_ms: 0
      log_bodies: yes
      log_file: ""
      upstream_timout_ms: 5
    `.replace(/^/gm, '  ')));
    expect(issueLines(result)).toEqual([
      '3:29 error proxy: field `request_body_limit_bytes` must be a non-negative integer (bytes), got -1',
      '4:23 error proxy: field `request_timeout_ms` must be a positive integer (milliseconds), got 0',
      '5:15 error proxy: field `log_bodies` must be true or false, got "yes"',
      '6:13 error proxy: field `log_file` must be a non-empty string',
      '7:3 error proxy: unknown field `upstream_timout_ms` (did you mean `upstream_timeout_ms`?)',
    ]);
  });
});

describe('proxy.allowed_origins', () => {
  it('defaults to none', () => {
    expect(loaded(load(proxy('  addr: 127.0.0.1:3000\n'))).proxy.allowedOrigins).toEqual([]);
    expect(loaded(load(proxy('  allowed_origins: []\n'))).proxy.allowedOrigins).toEqual([]);
  });

  it('keeps exact origins, normalised as browsers send them (case, default port, IDN)', () => {
    const config = loaded(load(proxy(yaml`
      allowed_origins:
        - http://localhost:5173
        - HTTPS://App.Example.COM
        - https://app.example.com:443
        - http://127.0.0.1:80
        - https://bücher.example
        - "http://[::1]:8080"
    `.replace(/^/gm, '  '))));
    expect(config.proxy.allowedOrigins).toEqual(['http://localhost:5173', 'https://app.example.com', 'http://127.0.0.1', 'https://xn--bcher-kva.example', 'http://[::1]:8080']);
    expect(issueLines(load(proxy('  allowed_origins: ["https://a.example", "HTTPS://A.EXAMPLE"]\n')))).toEqual([
      '3:42 warning proxy: field `allowed_origins[1]` is https://a.example again (already allowed_origins[0])',
    ]);
  });

  it('refuses anything but scheme://host[:port], at the entry, saying why', () => {
    const result = load(proxy(yaml`
      allowed_origins:
        - http://localhost:5173/
        - https://app.example.com/app
        - ftp://files.example.com
        - localhost:5173
        - https://*.example.com
        - https://user@app.example.com
        - "http://localhost:99999"
        - "https://app.example.com?x=1"
        - "http://local host"
        - ""
        - 5173
    `.replace(/^/gm, '  ')));
    expect(issueLines(result)).toEqual([
      '4:7 error proxy: field `allowed_origins[0]` must not end with `/` (a browser\'s Origin header never does): write "http://localhost:5173", got "http://localhost:5173/"',
      '5:7 error proxy: field `allowed_origins[1]` must not have a path, query or fragment: an origin is `scheme://host[:port]`, got "https://app.example.com/app"',
      '6:7 error proxy: field `allowed_origins[2]` must start with http:// or https:// (such as `http://localhost:5173`), got "ftp://files.example.com"',
      '7:7 error proxy: field `allowed_origins[3]` must be an origin `scheme://host[:port]` such as `http://localhost:5173`, got "localhost:5173"',
      '8:7 error proxy: field `allowed_origins[4]` must be an exact origin: wildcards such as `https://*.example.com` are not supported (list each origin, or write `allowed_origins: "*"`), got "https://*.example.com"',
      '9:7 error proxy: field `allowed_origins[5]` must not contain user info (`user@`): an origin is `scheme://host[:port]`, got "https://user@app.example.com"',
      '10:7 error proxy: field `allowed_origins[6]` has an invalid host or port, got "http://localhost:99999"',
      '11:7 error proxy: field `allowed_origins[7]` must not have a path, query or fragment: an origin is `scheme://host[:port]`, got "https://app.example.com?x=1"',
      '12:7 error proxy: field `allowed_origins[8]` must not contain spaces or control characters, got "http://local host"',
      '13:7 error proxy: field `allowed_origins[9]` must be a non-empty string',
      '14:7 error proxy: field `allowed_origins[10]` must be a non-empty string — quote it: "5173"',
    ]);
  });

  it('is a list or the string "*"', () => {
    expect(issueLines(load(proxy('  allowed_origins: http://localhost:5173\n')))).toEqual([
      '3:20 error proxy: field `allowed_origins` must be a list of strings or the string "*", got "http://localhost:5173"',
    ]);
    expect(issueLines(load(proxy('  allowed_origins: { a: 1 }\n')))).toEqual([
      '3:20 error proxy: field `allowed_origins` must be a list of strings or the string "*", not a mapping',
    ]);
  });

  it('"*" allows every origin, with api_keys only; alone, as a string or a one-entry list', () => {
    expect(loaded(load(proxy('  allowed_origins: "*"\n') + API_KEYS, ENV)).proxy.allowedOrigins).toEqual(['*']);
    expect(loaded(load(proxy('  allowed_origins: ["*"]\n') + API_KEYS, ENV)).proxy.allowedOrigins).toEqual(['*']);
    expect(issueLines(load(proxy('  allowed_origins: ["http://localhost:5173", "*"]\n') + API_KEYS, ENV))).toEqual([
      '3:46 error proxy: field `allowed_origins[1]` is "*", which allows every origin: write `allowed_origins: "*"` alone, or list origins only',
    ]);
  });

  it('"*" while auth is off (no api_keys) is an error at the value', () => {
    const message = 'allowed_origins "*" would let any web page open in your browser use this proxy and its provider keys, and auth is off (no api_keys are defined) — list the origins you need (loopback ones are always allowed), or add an api key';
    expect(issueLines(load(proxy('  allowed_origins: "*"\n')))).toEqual([`3:20 error proxy: ${message}`]);
    expect(issueLines(load(proxy('  allowed_origins:\n    - "*"\n')))).toEqual([`4:7 error proxy: ${message}`]);
  });

  it('is interpolated like any string; an unset variable is only a warning in validate mode', () => {
    expect(loaded(load(proxy('  allowed_origins: ["${APP_ORIGIN}"]\n'), { APP_ORIGIN: 'https://App.example' })).proxy.allowedOrigins).toEqual(['https://app.example']);
    const result = load(proxy('  allowed_origins: ["${APP_ORIGIN}", "${ALL}"]\n'), {}, { missingEnv: 'warning' });
    expect(issueLines(result)).toEqual([
      '3:22 warning proxy: environment variable `APP_ORIGIN` is unset or empty',
      '3:39 warning proxy: environment variable `ALL` is unset or empty',
    ]);
    expect(loaded(result).proxy.allowedOrigins).toEqual([]);
  });
});
