// The caller keys of one runtime, looked up by the SHA-256 of the presented token. A token that
// matched is remembered, so a known caller costs no hash on later requests; only matches are kept,
// so the memo never holds more entries than there are configured keys.
import { createHash } from 'node:crypto';
import type { ApiKey } from '../../config/types.js';

export class KeyIndex {
  private readonly byHash: ReadonlyMap<string, ApiKey>;
  private readonly byToken = new Map<string, ApiKey>();

  constructor(keys: readonly ApiKey[]) {
    this.byHash = new Map(keys.filter((k) => k.keyHash !== '').map((k) => [k.keyHash, k]));
  }

  lookup(token: string): ApiKey | undefined {
    const known = this.byToken.get(token);
    if (known !== undefined) return known;
    const key = this.byHash.get(createHash('sha256').update(token).digest('hex'));
    if (key !== undefined) this.byToken.set(token, key);
    return key;
  }
}

/** null when the config has no api_keys (auth off, loopback only). */
export function indexKeys(keys: readonly ApiKey[]): KeyIndex | null {
  return keys.length === 0 ? null : new KeyIndex(keys);
}
