// The one search for loaded secrets in texts (DESIGN.md §9, §12, §13): the tape recorder refuses a
// tape that holds one (findSecret), the body capture replaces each with `[REDACTED]`
// (redactSecrets). Provider keys, and the caller keys whose `key_env` variable is set, are searched
// for as substrings; the other caller keys are only known by their SHA-256 (`key_hash` entries
// never had a plaintext), so every token of a text — JSON escapes undone first, a token being a run
// of key characters — is hashed and compared. Keys shorter than 8 characters are not searched for
// (they would match ordinary text). Computed once per config; the names found say which key.
import { createHash } from 'node:crypto';
import type { Config } from '../../config/types.js';

export const REDACTED = '[REDACTED]';

const MIN_SECRET = 8;
/** a key is a run of these; anything else separates tokens (`key=…`, `**…**`, quotes, slashes) */
const SEPARATORS = /[^A-Za-z0-9_\-.~]+/;
const TOKENS = /[A-Za-z0-9_\-.~]+/g;
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

/** The hashed caller key a token is (itself, or without trailing punctuation): its name and length, or null. */
function hashedKey(token: string, hashes: ReadonlyMap<string, string>): { what: string; length: number } | null {
  if (token.length < MIN_SECRET) return null;
  const found = hashes.get(sha256(token));
  if (found !== undefined) return { what: found, length: token.length };
  const trimmed = token.replace(TRAILING_PUNCTUATION, '');
  if (trimmed === token || trimmed.length < MIN_SECRET) return null;
  const again = hashes.get(sha256(trimmed));
  return again === undefined ? null : { what: again, length: trimmed.length };
}

/** What secret one of the texts holds (e.g. `the key of provider key "up"`), or null. */
export function findSecret(texts: readonly string[], config: Config, env: NodeJS.ProcessEnv = process.env): string | null {
  const { plain, hashes } = secretsOf(config, env);
  for (const text of texts) {
    for (const { value, what } of plain) if (text.includes(value)) return what;
    if (hashes.size === 0) continue;
    for (const token of text.replace(JSON_ESCAPES, ' ').split(SEPARATORS)) {
      const found = hashedKey(token, hashes);
      if (found !== null) return found.what;
    }
  }
  return null;
}

/** The text with every loaded secret it holds replaced by `[REDACTED]` (the same search as findSecret). */
export function redactSecrets(text: string, config: Config, env: NodeJS.ProcessEnv = process.env): string {
  const { plain, hashes } = secretsOf(config, env);
  let out = text;
  for (const { value } of plain) if (out.includes(value)) out = out.replaceAll(value, REDACTED);
  if (hashes.size === 0) return out;
  // escapes blanked to the same length, so a token's place in the copy is its place in the text
  const blanked = out.replace(JSON_ESCAPES, (escape) => ' '.repeat(escape.length));
  let redacted = '';
  let from = 0;
  for (const match of blanked.matchAll(TOKENS)) {
    const found = hashedKey(match[0], hashes);
    if (found === null) continue;
    redacted += out.slice(from, match.index) + REDACTED;
    from = match.index + found.length;
  }
  return from === 0 ? out : redacted + out.slice(from);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
