// The one search for loaded secrets in texts (DESIGN.md §9, §12, §13): the tape recorder refuses a
// tape that holds one (findSecret), the body capture replaces each with `[REDACTED]`
// (redactSecrets). Provider keys, and the caller keys whose `key_env` variable is set, are searched
// for as substrings; the other caller keys are only known by their SHA-256 (`key_hash` entries
// never had a plaintext), so every token of a text — a token being a run of key characters, 8 to
// MAX_SECRET long — is hashed (once per distinct token and call) and compared. A text holding JSON
// escapes is also searched with them decoded (`"\u0073k-…"` is the key a JSON reader sees; other
// `\x` read as a separator), a find there redacting the escaped span it came from. Keys shorter
// than 8 characters are not searched for (they would match ordinary text). Computed once per
// config; the names found say which key.
import { hash } from 'node:crypto';
import type { Config } from '../../config/types.js';

export const REDACTED = '[REDACTED]';

const MIN_SECRET = 8;
/** no key is longer: longer tokens are not hashed, and a body cut keeps this much beyond the cap (capture/body.ts) */
export const MAX_SECRET = 4096;
/** a key is a run of these; anything else separates tokens (`key=…`, `**…**`, quotes, slashes) */
const TOKENS = /[A-Za-z0-9_\-.~]+/g;
/** JSON escapes (and any other backslash pair, read as a separator) */
const JSON_ESCAPES = /\\(?:u[0-9a-fA-F]{4}|.)/g;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const TRAILING_PUNCTUATION = /[.!?]+$/;

interface Secrets {
  /** plaintext provider and caller keys and what to call them */
  plain: readonly { value: string; what: string }[];
  /** hashes of the caller keys with no plaintext at hand → what to call them */
  hashes: ReadonlyMap<string, string>;
}

const byConfig = new WeakMap<Config, Secrets>();

function secretsOf(config: Config, env: NodeJS.ProcessEnv): Secrets {
  let secrets = byConfig.get(config);
  if (secrets === undefined) {
    const callers = config.apiKeys.flatMap((k) => {
      const value = k.keyEnv === null ? undefined : env[k.keyEnv];
      return value !== undefined && value.length >= MIN_SECRET ? [{ value, what: `the caller key of api key "${k.name}"`, hash: sha256(value) }] : [];
    });
    // a caller key searched for as plaintext needs no hashing (its substring search finds more)
    const known = new Set(callers.map((c) => c.hash));
    secrets = {
      plain: [...config.providerKeys.filter((k) => k.apiKey.length >= MIN_SECRET).map((k) => ({ value: k.apiKey, what: `the key of provider key "${k.name}"` })), ...callers.map(({ value, what }) => ({ value, what }))],
      hashes: new Map(config.apiKeys.filter((k) => k.keyHash !== '' && !known.has(k.keyHash)).map((k) => [k.keyHash, `the caller key of api key "${k.name}"`])),
    };
    byConfig.set(config, secrets);
  }
  return secrets;
}

interface Hit {
  what: string;
  /** how much of the token is the key (trailing punctuation is not) */
  length: number;
}

/** One search: the secrets, and the tokens already hashed (a text repeats its words). */
class Search {
  private readonly seen = new Map<string, Hit | null>();

  constructor(private readonly secrets: Secrets) {}

  /** The hashed caller key a token is (itself, or without trailing punctuation), or null. */
  private hashed(token: string): Hit | null {
    if (token.length < MIN_SECRET || token.length > MAX_SECRET) return null;
    let hit = this.seen.get(token);
    if (hit !== undefined) return hit;
    const { hashes } = this.secrets;
    const found = hashes.get(sha256(token));
    hit = found === undefined ? null : { what: found, length: token.length };
    if (hit === null) {
      const trimmed = token.replace(TRAILING_PUNCTUATION, '');
      const again = trimmed === token || trimmed.length < MIN_SECRET ? undefined : hashes.get(sha256(trimmed));
      if (again !== undefined) hit = { what: again, length: trimmed.length };
    }
    this.seen.set(token, hit);
    return hit;
  }

  /** The secrets' places in `text`, read as it is and through its JSON escapes; with `first`, at most one. */
  spans(text: string, first: boolean): Span[] {
    const out: Span[] = [];
    this.scan(text, null, out, first);
    if (text.includes('\\') && !(first && out.length > 0)) {
      const view = decoded(text);
      if (view !== null) this.scan(view.text, view.origin, out, first);
    }
    return out;
  }

  private scan(text: string, origin: ((at: number) => number) | null, out: Span[], first: boolean): void {
    const add = (start: number, end: number, what: string): boolean => {
      out.push(origin === null ? { start, end, what } : { start: origin(start), end: origin(end), what });
      return first;
    };
    for (const { value, what } of this.secrets.plain) {
      for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + value.length)) if (add(at, at + value.length, what)) return;
    }
    if (this.secrets.hashes.size === 0) return;
    for (const match of text.matchAll(TOKENS)) {
      const hit = this.hashed(match[0]);
      if (hit !== null && add(match.index, match.index + hit.length, hit.what)) return;
    }
  }
}

interface Span {
  start: number;
  end: number;
  what: string;
}

/**
 * The text with its JSON escapes decoded, each to the one UTF-16 unit it stands for (`\uXXXX`,
 * `\n`, `\"`, …; any other `\x` to a space), and where each decoded position starts in the text;
 * null when it holds no escape.
 */
function decoded(text: string): { text: string; origin: (at: number) => number } | null {
  /** decoded positions of the escapes, and how many characters longer the text is after each */
  const at: number[] = [];
  const shift: number[] = [];
  let extra = 0;
  const out = text.replace(JSON_ESCAPES, (escape: string, offset: number) => {
    at.push(offset - extra);
    extra += escape.length - 1;
    shift.push(extra);
    const c = escape[1] as string;
    return c === 'u' && escape.length === 6 ? String.fromCharCode(parseInt(escape.slice(2), 16)) : (SIMPLE_ESCAPES[c] ?? ' ');
  });
  if (at.length === 0) return null;
  const origin = (d: number): number => {
    // the last escape before position d
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((at[mid] as number) < d) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? d : d + (shift[lo - 1] as number);
  };
  return { text: out, origin };
}

/** What secret one of the texts holds (e.g. `the key of provider key "up"`), or null. */
export function findSecret(texts: readonly string[], config: Config, env: NodeJS.ProcessEnv = process.env): string | null {
  const search = new Search(secretsOf(config, env));
  for (const text of texts) {
    const [span] = search.spans(text, true);
    if (span !== undefined) return span.what;
  }
  return null;
}

/** The text with every loaded secret it holds replaced by `[REDACTED]` (the same search as findSecret). */
export function redactSecrets(text: string, config: Config, env: NodeJS.ProcessEnv = process.env): string {
  const spans = new Search(secretsOf(config, env)).spans(text, false);
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let from = 0;
  for (const { start, end } of spans) {
    if (end <= from) continue; // inside one already redacted
    out += start < from ? '' : text.slice(from, start) + REDACTED;
    from = end;
  }
  return out + text.slice(from);
}

function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}
