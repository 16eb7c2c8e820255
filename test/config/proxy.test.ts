// The `proxy:` section: addr parsing (IPv4, IPv6, names), ranges, types, unknown keys, and the
// rule that a non-loopback address needs api keys.
import { describe, expect, it } from 'vitest';
import { HEADER, issueLines, load, loaded, yaml } from './helpers.js';

const proxy = (body: string): string => `${HEADER}proxy:\n${body}`;

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
