import { describe, expect, it } from 'vitest';
import type { ProviderKey } from '../../src/config/types.js';
import { buildUpstreams, upstreamPath } from '../../src/gateway/runtime/upstream.js';
import { configYaml, loadStackConfig, providerKey } from '../helpers/stack.js';

/** The provider keys as the loader produces them from `provider_keys` entries (api_key through `${KEY}`). */
function loadKeys(entries: { name: string; apiBase: string; envKey?: string }[], env: Record<string, string> = {}): ProviderKey[] {
  const yaml = configYaml({
    provider_keys: entries.map((e) => providerKey(e.name, e.apiBase, { api_key: `\${${e.envKey ?? 'KEY'}}` })),
    models: [],
    api_keys: [],
  });
  return [...loadStackConfig(yaml, { KEY: 'sk', ...env }).config.providerKeys];
}

/** Whether an upstream's undici dispatcher (an Agent or EnvHttpProxyAgent, both with `closed`) is closed. */
const isClosed = (upstream: { dispatcher: object } | undefined): boolean | undefined => (upstream?.dispatcher as { closed?: boolean } | undefined)?.closed;

describe('upstream agents across a config reload', () => {
  it('keeps the agent of an unchanged provider key and replaces (and closes) a changed one', async () => {
    const before = buildUpstreams(loadKeys([{ name: 'a', apiBase: 'http://127.0.0.1:1/v1' }, { name: 'b', apiBase: 'http://127.0.0.1:2/v1' }]), null, {});
    const after = buildUpstreams(
      loadKeys([{ name: 'a', apiBase: 'http://127.0.0.1:1/v1' }, { name: 'b', apiBase: 'http://127.0.0.1:2/v1', envKey: 'ROTATED' }], { ROTATED: 'sk-rotated' }),
      before,
      {},
    );
    expect(after.get('a')?.dispatcher).toBe(before.get('a')?.dispatcher);
    expect(after.get('b')?.dispatcher).not.toBe(before.get('b')?.dispatcher);
    // the old table lets go of its agents: the shared one stays open, the replaced one closes
    await Promise.all([...before.values()].map((u) => u.agent.release()));
    expect(isClosed(before.get('b'))).toBe(true);
    expect(isClosed(after.get('a'))).toBe(false);
    await Promise.all([...after.values()].map((u) => u.agent.release()));
    expect(isClosed(after.get('a'))).toBe(true);
  });

  it('builds upstream paths from api_base as AISIX does', () => {
    const table = buildUpstreams(
      loadKeys([{ name: 'v1', apiBase: 'http://h/v1/' }, { name: 'bare', apiBase: 'http://h' }, { name: 'pasted', apiBase: 'http://h/v2/responses' }]),
      null,
      {},
    );
    const path = (name: string, endpoint: string, addV1ToBareHost: boolean) => upstreamPath(table.get(name)!, endpoint, { addV1ToBareHost });
    expect(path('v1', 'responses', true)).toBe('/v1/responses');
    expect(path('bare', 'responses', true)).toBe('/v1/responses');
    expect(path('bare', 'chat/completions', false)).toBe('/chat/completions');
    expect(path('pasted', 'responses', true)).toBe('/v2/responses');
  });
});
