// `aisix env`: prints `export` lines that point a shell at a proxy running elsewhere (DESIGN §11):
// the OpenAI and Anthropic base URLs and keys, the same variables `aisix run` gives its command.
//   eval "$(aisix env)"
// The key is printed as a `"$VAR"` reference to the variable that holds it, so it does not land in
// a terminal's scrollback or a pasted snippet; `--show-key` prints the value instead. Values are
// shell-quoted (POSIX sh, bash, zsh). The caller-key resolution here is shared with `aisix run`.
import { readDefaultsConfig, type DefaultsConfig } from './defaults-config.js';
import type { Config } from '../config/types.js';
import { terminalSafe } from '../text/terminal-safe.js';
import { ExitCode } from './exit-codes.js';
import type { EnvOptions } from './main.js';

export const DEFAULT_PROXY_URL = 'http://127.0.0.1:3000';
/** the key handed out when the proxy has no api_keys (auth off): SDKs refuse an empty one */
export const PLACEHOLDER_KEY = 'aisix-local';

/** Where the caller key came from, in the order they are tried. */
export interface CallerKey {
  /** the plaintext key, or null when no source had one */
  value: string | null;
  /** the environment variable that holds it (`AISIX_API_KEY` or the config's key_env); null for --api-key, the demo key or none */
  variable: string | null;
  source: 'flag' | 'env' | 'key_env' | 'demo' | 'none';
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

/**
 * `--api-key`, else `$AISIX_API_KEY`, else the value of the first api key's `key_env` variable
 * (null when that variable is unset), else the demo key (only `aisix run --demo` passes one).
 */
export function resolveCallerKey(flag: string | undefined, config: Config | null, env: NodeJS.ProcessEnv, demoKey: string | null = null): CallerKey {
  if (flag !== undefined) return { value: flag, variable: null, source: 'flag' };
  const fromEnv = nonEmpty(env.AISIX_API_KEY);
  if (fromEnv !== null) return { value: fromEnv, variable: 'AISIX_API_KEY', source: 'env' };
  const entry = config?.apiKeys.find((key) => key.keyEnv !== null);
  if (entry?.keyEnv != null) return { value: nonEmpty(env[entry.keyEnv]), variable: entry.keyEnv, source: 'key_env' };
  if (demoKey !== null) return { value: demoKey, variable: null, source: 'demo' };
  return { value: null, variable: null, source: 'none' };
}

/** the variables that carry the caller key (the others carry URLs) */
const KEY_VARIABLES: ReadonlySet<string> = new Set(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN']);

/** The variables that point OpenAI and Anthropic clients at the proxy at `url` (its root, no `/v1`). */
export function proxyEnv(url: string, key: string): Record<string, string> {
  return {
    OPENAI_BASE_URL: `${url}/v1`,
    OPENAI_API_KEY: key,
    ANTHROPIC_BASE_URL: url,
    ANTHROPIC_API_KEY: key,
    ANTHROPIC_AUTH_TOKEN: key,
  };
}

/** `value` as one POSIX shell word: bare when only safe characters, else single-quoted. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export async function runEnv(opts: EnvOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const loaded = await readDefaultsConfig('env', opts.config, env);
  if (typeof loaded === 'number') return loaded;
  const rawUrl = opts.url ?? (loaded === null ? DEFAULT_PROXY_URL : proxyUrl(loaded.config));
  const url = normalizeUrl(rawUrl);
  if (url === null) {
    process.stderr.write(`${terminalSafe(`aisix env: invalid URL "${rawUrl}" (expected e.g. ${DEFAULT_PROXY_URL})`)}\n`);
    return ExitCode.usage;
  }
  const config = loaded?.config ?? null;
  const key = resolveCallerKey(opts.apiKey, config, env);
  const word = keyWord(key, opts.showKey === true, config, env);
  if (typeof word === 'number') return word;
  // the key word is already quoted (or a "$VAR" reference); the URLs are quoted here
  const lines = Object.entries(proxyEnv(url, word)).map(([name, value]) => `export ${name}=${KEY_VARIABLES.has(name) ? value : shellQuote(value)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.ok;
}

/** The key as printed: a `"$VAR"` reference, or (with --show-key, --api-key, or auth off) the quoted value. */
function keyWord(key: CallerKey, showKey: boolean, config: Config | null, env: NodeJS.ProcessEnv): string | number {
  if (key.variable !== null && VARIABLE_NAME.test(key.variable)) {
    if (!showKey) {
      if (key.value === null) note(`$${key.variable} (the key_env of the config's first api key) is not set in this shell; set it before using these variables`);
      return `"$${key.variable}"`;
    }
    if (key.value === null) {
      process.stderr.write(`${terminalSafe(`aisix env: --show-key: $${key.variable} is not set`)}\n`);
      return ExitCode.failure;
    }
    return shellQuote(key.value);
  }
  if (key.value !== null) return shellQuote(key.value);
  if (config !== null && config.apiKeys.length === 0) return shellQuote(PLACEHOLDER_KEY);
  // no config to tell whether auth is on, or api keys given only as key_hash: the caller must say
  if (!showKey) {
    if (nonEmpty(env.AISIX_API_KEY) === null) note('$AISIX_API_KEY is not set; set it to your caller key (or pass --api-key)');
    return '"$AISIX_API_KEY"';
  }
  process.stderr.write('aisix env: --show-key: no caller key (pass --api-key, or set $AISIX_API_KEY)\n');
  return ExitCode.failure;
}

function note(message: string): void {
  process.stderr.write(`${terminalSafe(`aisix: note: ${message}`)}\n`);
}

/** The proxy's root URL: `http://host:port[/path]` without a trailing slash or `/v1`; a bare `host:port` gets `http://`. */
function normalizeUrl(raw: string): string | null {
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '').replace(/\/v1$/, '');
  } catch {
    return null;
  }
}

/** The proxy's own address from `proxy.addr`; a wildcard listen host is reached on loopback. */
function proxyUrl(config: Config): string {
  const host = config.proxy.host === '0.0.0.0' ? '127.0.0.1' : config.proxy.host === '::' ? '::1' : config.proxy.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.proxy.port}`;
}

type LoadedConfig = DefaultsConfig;

