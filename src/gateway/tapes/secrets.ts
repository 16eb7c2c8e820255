// The recorder's secret check (DESIGN.md §12): a tape must not hold any loaded secret. Provider
// keys are known in plaintext and searched for as substrings; caller keys are only known by their
// SHA-256 (`key_env` values are hashed at load, `key_hash` entries never had a plaintext), so every
// token of the texts is hashed and compared. Keys shorter than 8 characters are not searched for
// (they would match ordinary text). Computed once per config; the names found say which key.
import { createHash } from 'node:crypto';
import type { Config } from '../../config/types.js';

const MIN_SECRET = 8;
/** what separates tokens in JSON text and prose; a key is a run of anything else */
const SEPARATORS = /[\s"'`\\,;:()[\]{}<>]+/;
const TRAILING_PUNCTUATION = /[.!?]+$/;

interface Secrets {
  /** plaintext provider keys and what to call them */
  plain: readonly { value: string; what: string }[];
  /** caller key hashes → what to call them */
  hashes: ReadonlyMap<string, string>;
}

const byConfig = new WeakMap<Config, Secrets>();

function secretsOf(config: Config): Secrets {
  let secrets = byConfig.get(config);
  if (secrets === undefined) {
    secrets = {
      plain: config.providerKeys.filter((k) => k.apiKey.length >= MIN_SECRET).map((k) => ({ value: k.apiKey, what: `the key of provider key "${k.name}"` })),
      hashes: new Map(config.apiKeys.filter((k) => k.keyHash !== '').map((k) => [k.keyHash, `the caller key of api key "${k.name}"`])),
    };
    byConfig.set(config, secrets);
  }
  return secrets;
}

/** What secret one of the texts holds (e.g. `the key of provider key "up"`), or null. */
export function findSecret(texts: readonly string[], config: Config): string | null {
  const { plain, hashes } = secretsOf(config);
  for (const text of texts) {
    for (const { value, what } of plain) if (text.includes(value)) return what;
    if (hashes.size === 0) continue;
    for (const token of text.split(SEPARATORS)) {
      if (token.length < MIN_SECRET) continue;
      const trimmed = token.replace(TRAILING_PUNCTUATION, '');
      const found = hashes.get(sha256(token)) ?? (trimmed !== token && trimmed.length >= MIN_SECRET ? hashes.get(sha256(trimmed)) : undefined);
      if (found !== undefined) return found;
    }
  }
  return null;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
