// DESIGN §9/§8: the loopback rule (a non-loopback listener needs api_keys) is re-checked on every
// reload against the address actually bound, `--host` included. A reload that would drop auth on
// 0.0.0.0 is rejected whole and the last good config (with its keys) keeps serving.
// Traffic goes to 127.0.0.1 only, whatever the bind address.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import {
  ALICE_KEY, bearer, configYaml, expectError, expectNoLeaks, http, json, JSON_HEADERS, saveConfig, startServe, stopAllChildren,
  writeConfig, type Serve,
} from './harness.js';

let mock: MockServer;

beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  await stopAllChildren();
  await mock.close();
});
beforeEach(() => mock.clearRequests());

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;
const rejections = (s: Serve) => count(s.stderr().toString('utf8'), /rejected/gi);
const reloads = (s: Serve) => count(s.stderr().toString('utf8'), /config reloaded/gi);

/**
 * Triggers a reload and waits (bounded) until the child reports its outcome; fails if it was
 * accepted. Should the file watcher miss a rewrite, SIGHUP (which also reloads, §5) is sent after
 * 2 s, so the verdict never depends on watcher timing.
 */
async function expectRejected(s: Serve, trigger: () => void): Promise<void> {
  const [r0, l0] = [rejections(s), reloads(s)];
  trigger();
  const reported = () => rejections(s) > r0 || reloads(s) > l0;
  const hup = setTimeout(() => {
    if (!reported()) s.child.kill('SIGHUP');
  }, 2_000);
  try {
    await s.until(reported, 'a config rejected/reloaded report', 6_000);
  } finally {
    clearTimeout(hup);
  }
  expect(reloads(s), `the reload was accepted; stderr: ${s.stderr().toString()}`).toBe(l0);
  expect(rejections(s)).toBeGreaterThan(r0);
}

async function expectStillRequiresKey(s: Serve): Promise<void> {
  mock.clearRequests();
  const body = json({ model: 'gpt', input: 'still here' });
  const without = await http(s.base, { path: '/v1/responses', headers: JSON_HEADERS, body });
  expectError(without, 401, 'invalid_api_key');
  expect(mock.requests()).toHaveLength(0);
  const withKey = await http(s.base, { path: '/v1/responses', headers: { ...JSON_HEADERS, ...bearer(ALICE_KEY) }, body });
  expect(withKey.status, withKey.body).toBe(200);
  expect(mock.requests()).toHaveLength(1);
}

describe('reload cannot expose a non-loopback listener without auth', () => {
  let path: string;
  let serve: Serve;

  beforeAll(async () => {
    path = writeConfig(configYaml({ upstream: mock.url, callers: ['alice'], addr: '127.0.0.1:0' }));
    serve = await startServe(path, { ALICE_KEY }, ['--host', '0.0.0.0']);
  });

  it('binds 0.0.0.0 with --host and requires the key', async () => {
    expect(serve.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    await expectStillRequiresKey(serve);
  });

  it('rejects a file rewrite that drops api_keys (the file says 127.0.0.1, but --host bound 0.0.0.0)', async () => {
    await expectRejected(serve, () => saveConfig(path, configYaml({ upstream: mock.url, addr: '127.0.0.1:0' })));
    await expectStillRequiresKey(serve);
  });

  it('rejects the same file again on SIGHUP', async () => {
    await expectRejected(serve, () => serve.child.kill('SIGHUP'));
    await expectStillRequiresKey(serve);
  });

  it('still accepts a good edit afterwards (the watcher is alive; keys kept)', async () => {
    const l0 = reloads(serve);
    saveConfig(path, configYaml({
      upstream: mock.url, callers: ['alice'], addr: '127.0.0.1:0',
      extraModels: '  - { display_name: gpt2, provider: openai, model_name: mock-echo, provider_key: up }',
    }));
    await serve.until(() => reloads(serve) > l0, 'config reloaded');
    const res = await http(serve.base, { path: '/v1/responses', headers: { ...JSON_HEADERS, ...bearer(ALICE_KEY) }, body: json({ model: 'gpt2', input: 'x' }) });
    expect(res.status, res.body).toBe(200);
    await expectStillRequiresKey(serve);
  });
});

describe('reload against the bound address, not the file’s', () => {
  it('proxy.addr 0.0.0.0:0 with keys; a rewrite to addr 127.0.0.1:0 without api_keys is rejected (the listener is still 0.0.0.0)', async () => {
    const path = writeConfig(configYaml({ upstream: mock.url, callers: ['alice'], addr: '0.0.0.0:0' }));
    const serve = await startServe(path, { ALICE_KEY });
    expect(serve.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    await expectRejected(serve, () => saveConfig(path, configYaml({ upstream: mock.url, addr: '127.0.0.1:0' })));
    await expectStillRequiresKey(serve);
  });
});

describe('reload exposure: secrets', () => {
  it('never showed the upstream key in any response body or header, nor on the child’s stdout/stderr', () => {
    expectNoLeaks();
  });
});
