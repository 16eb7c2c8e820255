import { describe, expect, it } from 'vitest';
import { ResponseIds } from '../../src/gateway/runtime/response-ids.js';

describe('ResponseIds', () => {
  it('keeps at least the last `limit` ids and forgets older generations', () => {
    const affinity = new ResponseIds(3);
    for (let i = 0; i < 7; i++) affinity.remember(`resp_${i}`, { providerKey: `key${i}`, alias: 'alias', caller: 'c' });
    expect(affinity.lookup('resp_6')).toEqual({ providerKey: 'key6', alias: 'alias', caller: 'c' });
    expect(affinity.lookup('resp_4')?.providerKey).toBe('key4');
    expect(affinity.lookup('resp_3')?.providerKey).toBe('key3');
    expect(affinity.lookup('resp_0')).toBeUndefined();
    expect(affinity.lookup('resp_2')).toBeUndefined();
  });
});
