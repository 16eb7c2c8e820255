// Configurations that must never start (DESIGN §9, §1 exit codes): `allowed_origins: ["*"]` while
// auth is off, a non-loopback listener without api_keys, a provider key value that cannot be sent
// as an HTTP header value. Each: exit 1, a reason on stderr, no listening line, no secret shown.
import { afterAll, describe, expect, it } from 'vitest';
import {
  addSecret, ALICE_KEY, configYaml, expectNoLeaks, runToExit, stopAllChildren, UPSTREAM_KEY, writeConfig,
} from './harness.js';

// Nothing is ever sent upstream by these tests; a port nothing listens on is enough.
const UPSTREAM = 'http://127.0.0.1:9';

afterAll(async () => {
  await stopAllChildren();
});

function expectNoStart(r: { code: number | null; stdout: string; stderr: string }): void {
  expect(r.code, `exit code; stdout: ${r.stdout}; stderr: ${r.stderr}`).toBe(1);
  expect(r.stdout).not.toContain('listening');
  expect(r.stderr.trim().length).toBeGreaterThan(0);
}

const serveArgs = (path: string, extra: string[] = []) => ['serve', '-c', path, '--port', '0', '--no-tui', ...extra];

describe('allowed_origins: ["*"]', () => {
  it('serve refuses to start while auth is off: exit 1, a one-line reason naming allowed_origins on stderr', async () => {
    const path = writeConfig(configYaml({ upstream: UPSTREAM, allowedOrigins: ['*'] }));
    const r = await runToExit(serveArgs(path));
    expectNoStart(r);
    expect(r.stderr.split('\n').some((l) => l.includes('allowed_origins')), r.stderr).toBe(true);
    // refused for being "*" while auth is off — not because the key is unknown to the loader
    expect(r.stderr).not.toMatch(/unknown field/i);
  });

  it('aisix validate exits 1 for the same file, naming allowed_origins', async () => {
    const path = writeConfig(configYaml({ upstream: UPSTREAM, allowedOrigins: ['*'] }));
    const r = await runToExit(['validate', '-c', path]);
    expect(r.code, r.stderr).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toContain('allowed_origins');
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/unknown field/i);
  });

  it('is accepted by validate when api_keys exist', async () => {
    const path = writeConfig(configYaml({ upstream: UPSTREAM, allowedOrigins: ['*'], callers: ['alice'] }));
    const r = await runToExit(['validate', '-c', path], { ALICE_KEY });
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('non-loopback listener without api_keys', () => {
  it('serve --host 0.0.0.0 with no api_keys refuses to start (exit 1)', async () => {
    const r = await runToExit(serveArgs(writeConfig(configYaml({ upstream: UPSTREAM })), ['--host', '0.0.0.0']));
    expectNoStart(r);
  });

  it('proxy.addr 0.0.0.0:0 with no api_keys refuses to start (exit 1)', async () => {
    const r = await runToExit(serveArgs(writeConfig(configYaml({ upstream: UPSTREAM, addr: '0.0.0.0:0' }))));
    expectNoStart(r);
  });
});

describe('a provider key value that cannot be an HTTP header value', () => {
  const P1 = 'sk-nl-SECRETPARTONE';
  const P2 = 'SECRETPARTTWO-xyz';
  addSecret(P1);
  addSecret(P2);

  const fileWith = (apiKeyYaml: string) =>
    writeConfig(`_format_version: "1"
proxy:
  addr: 127.0.0.1:0
provider_keys:
  - display_name: upnl
    provider: openai
    api_key: ${apiKeyYaml}
    api_base: ${UPSTREAM}/v1
models:
  - display_name: gpt
    provider: openai
    model_name: mock-echo
    provider_key: upnl
`);

  function expectKeyRefused(r: { code: number | null; stdout: string; stderr: string }): void {
    expectNoStart(r);
    expect(r.stderr, 'the error names the provider key').toMatch(/provider_keys\[0\] \("upnl"\)/);
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out).not.toContain(P1);
    expect(out).not.toContain(P2);
    expect(out).not.toContain(JSON.stringify(`${P1}\n${P2}`).slice(1, -1));
  }

  it.each([
    ['a newline', `${P1}\n${P2}`],
    ['a carriage return', `${P1}\r${P2}`],
  ])('serve refuses api_key: "${UPKEY}" when UPKEY holds %s: exit 1, names the key, never prints the value', async (_what, value) => {
    const r = await runToExit(serveArgs(fileWith('"${UPKEY}"')), { UPKEY: value });
    expectKeyRefused(r);
  });

  it('validate reports the same error for the same environment (exit 1)', async () => {
    const r = await runToExit(['validate', '-c', fileWith('"${UPKEY}"')], { UPKEY: `${P1}\n${P2}` });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/provider_keys\[0\] \("upnl"\)/);
    expect(`${r.stdout}${r.stderr}`).not.toContain(P1);
    expect(`${r.stdout}${r.stderr}`).not.toContain(P2);
  });

  it.each([
    ['a YAML-escaped newline', `"${P1}\\n${P2}"`],
    ['a NUL byte', `"${P1}\\0${P2}"`],
    ['a character outside Latin-1', `"${P1}\u043a\u043b\u044e\u0447${P2}"`],
  ])('serve refuses a literal api_key with %s', async (_what, yamlValue) => {
    const r = await runToExit(serveArgs(fileWith(yamlValue)));
    expectKeyRefused(r);
  });

  it('an ordinary key value still starts (control case)', async () => {
    // validate, not serve: proves the file above is otherwise valid without binding a port
    const r = await runToExit(['validate', '-c', fileWith(UPSTREAM_KEY)]);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('startup refusals: secrets', () => {
  it('never printed the upstream key or a rejected key value on any child’s stdout/stderr', () => {
    expectNoLeaks();
  });
});
