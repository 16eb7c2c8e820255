import { describe, expect, it } from 'vitest';
import type { ProviderKey } from '../../src/config/types.js';
import { buildUpstreams, closeUnused, upstreamPath } from '../../src/gateway/upstream.js';

const key = (name: string, apiBase: string, apiKey = 'sk'): ProviderKey => ({ name, provider: 'openai', apiKey, apiBase, adapter: null, forwardClientHeaders: [] });

describe('upstream agents across a config reload', () => {
  it('keeps the agent of an unchanged provider key and replaces (and closes) a changed one', async () => {
    const before = buildUpstreams([key('a', 'http://127.0.0.1:1/v1'), key('b', 'http://127.0.0.1:2/v1')], null, {});
    const after = buildUpstreams([key('a', 'http://127.0.0.1:1/v1'), key('b', 'http://127.0.0.1:2/v1', 'sk-rotated')], before, {});
    expect(after.get('a')?.dispatcher).toBe(before.get('a')?.dispatcher);
    expect(after.get('b')?.dispatcher).not.toBe(before.get('b')?.dispatcher);
    await closeUnused(before, after);
    expect(before.get('b')?.dispatcher.closed).toBe(true);
    expect(after.get('a')?.dispatcher.closed).toBe(false);
    await Promise.all([...after.values()].map((u) => u.dispatcher.close()));
  });

  it('builds upstream paths from api_base as AISIX does', () => {
    const table = buildUpstreams([key('v1', 'http://h/v1/'), key('bare', 'http://h'), key('pasted', 'http://h/v2/responses')], null, {});
    const path = (name: string, endpoint: string, addV1ToBareHost: boolean) => upstreamPath(table.get(name)!, endpoint, { addV1ToBareHost });
    expect(path('v1', 'responses', true)).toBe('/v1/responses');
    expect(path('bare', 'responses', true)).toBe('/v1/responses');
    expect(path('bare', 'chat/completions', false)).toBe('/chat/completions');
    expect(path('pasted', 'responses', true)).toBe('/v2/responses');
  });
});
