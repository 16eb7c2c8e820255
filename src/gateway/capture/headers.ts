// Headers and URLs as the capture keeps them (DESIGN.md §13): names lower-case, repeats joined with
// ", ", credentials replaced by `[REDACTED]` — the caller's credential headers (header-policy.ts),
// cookies both ways, and any header whose value holds a loaded provider or caller key.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Config } from '../../config/types.js';
import { CALLER_CREDENTIALS } from '../http/header-policy.js';
import { findSecret, REDACTED, redactSecrets } from '../secrets/search.js';

const ALWAYS_REDACTED: ReadonlySet<string> = new Set([...CALLER_CREDENTIALS, 'set-cookie']);

export function redactedHeaders(headers: IncomingHttpHeaders | OutgoingHttpHeaders, config: Config): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    out[key] = ALWAYS_REDACTED.has(key) || findSecret([text], config) !== null ? REDACTED : text;
  }
  return out;
}

/** The path and query as sent, a key in the query (`?key=…`) redacted. */
export function redactedUrl(url: string, config: Config): string {
  return redactSecrets(url, config);
}
