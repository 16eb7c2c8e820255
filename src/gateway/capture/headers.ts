// Headers and URLs as the capture keeps them (DESIGN.md §13): names lower-case, repeats joined with
// ", ", credentials replaced by `[REDACTED]` — the caller's credential headers and other providers'
// (header-policy.ts), cookies both ways, the headers a provider key strips (`strip_headers`), a
// WebSocket subprotocol list that carries a key (`openai-insecure-api-key.<key>`), and any header
// whose value holds a loaded provider or caller key. A whole value goes, never a part of it.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Config } from '../../config/types.js';
import { CALLER_CREDENTIALS, PROVIDER_CREDENTIALS } from '../http/header-policy.js';
import { findSecret, REDACTED, redactSecrets } from '../secrets/search.js';

const ALWAYS_REDACTED: ReadonlySet<string> = new Set([...CALLER_CREDENTIALS, ...PROVIDER_CREDENTIALS, 'set-cookie']);
/** a subprotocol naming a credential: browsers can only send a key to a WebSocket this way */
const KEY_PROTOCOL = /key|token|auth|secret|bearer/i;

const byConfig = new WeakMap<Config, ReadonlySet<string>>();

/** The header names whose values are never kept under `config`. */
function redactedNames(config: Config): ReadonlySet<string> {
  let names = byConfig.get(config);
  if (names === undefined) {
    names = new Set([...ALWAYS_REDACTED, ...config.providerKeys.flatMap((k) => k.stripHeaders)]);
    byConfig.set(config, names);
  }
  return names;
}

function isCredential(name: string, text: string, config: Config): boolean {
  if (redactedNames(config).has(name)) return true;
  if (name === 'sec-websocket-protocol' && KEY_PROTOCOL.test(text)) return true;
  return findSecret([text], config) !== null;
}

export function redactedHeaders(headers: IncomingHttpHeaders | OutgoingHttpHeaders, config: Config): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    out[key] = isCredential(key, text, config) ? REDACTED : text;
  }
  return out;
}

/** The path and query as sent, a key in the query (`?key=…`) redacted. */
export function redactedUrl(url: string, config: Config): string {
  return redactSecrets(url, config);
}
