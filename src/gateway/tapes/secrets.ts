// The recorder's secret check (DESIGN.md §12): a tape must not hold any loaded secret. Provider
// keys, and the caller keys whose `key_env` variable is set, are searched for as substrings; the
// other caller keys are only known by their SHA-256 (`key_hash` entries never had a plaintext), so
// every token of the texts — JSON escapes undone first, a token being a run of key characters — is
// hashed and compared. Keys shorter than 8 characters are not searched for (they would match
// ordinary text). Computed once per config; the names found say which key.
import { createHash } from 'node:crypto';
import type { Config } from '../../config/types.js';

const MIN_SECRET = 8;
/** a key is a run of these; anything else separates tokens (`key=…`, `**…**`, quotes, slashes) */
const SEPARATORS = /[^A-Za-z0-9_\-.~]+/;
/** JSON escapes, undone so `"\n<key>"` does not hide the key behind an `n` */
const JSON_ESCAPES = /\\(?:u[0-9a-fA-F]{4}|.)/g;
const TRAILING_PUNCTUATION = /[.!?]+$/;

interface Secrets {
  /** plaintext provider keys and what to call them */
  plain: readonly { value: string; what: string }[];
  /** caller key hashes → what to call them */
  hashes: ReadonlyMap<string, string>;
}

const byConfig = new WeakMap<Config, Secrets>();

function secretsOf(config: Config, env: NodeJS.ProcessEnv): Secrets {
  let secrets = byConfig.get(config);
  if (secrets === undefined) {
    const callers = config.apiKeys.flatMap((k) => {
      const value = k.keyEnv === null ? undefined : env[k.keyEnv];
      return value !== undefined && value.length >= MIN_SECRET ? [{ value, what: `the caller key of api key "${k.name}"` }] : [];
    });
    secrets = {
      plain: [...config.providerKeys.filter((k) => k.apiKey.length >= MIN_SECRET).map((k) => ({ value: k.apiKey, what: `the key of provider key "${k.name}"` })), ...callers],
      hashes: new Map(config.apiKeys.filter((k) => k.keyHash !== '').map((k) => [k.keyHash, `the caller key of api key "${k.name}"`])),
    };
    byConfig.set(config, secrets);
  }
  return secrets;
}

/** What secret one of the texts holds (e.g. `the key of provider key "up"`), or null. */
export function findSecret(texts: readonly string[], config: Config, env: NodeJS.ProcessEnv = process.env): string | null {
  const { plain, hashes } = secretsOf(config, env);
  for (const text of texts) {
    for (const { value, what } of plain) if (text.includes(value)) return what;
    if (hashes.size === 0) continue;
    for (const token of text.replace(JSON_ESCAPES, ' ').split(SEPARATORS)) {
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
