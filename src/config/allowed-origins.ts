// `proxy.allowed_origins` (DESIGN.md §9): exact browser origins `scheme://host[:port]`, http or
// https, normalised the way browsers send the `Origin` header (lower-case scheme and host, IDN
// as punycode, no default port), or `"*"` alone. Anything else is refused with the reason.

export type ParsedOrigin = { ok: true; origin: string } | { ok: false; reason: string };

export const ANY_ORIGIN = '*';

const SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;
const EXAMPLE = '`http://localhost:5173`';

export function parseOrigin(text: string): ParsedOrigin {
  if (/[\s\p{Cc}]/u.test(text)) return fail('must not contain spaces or control characters');
  const m = SHAPE.exec(text);
  if (m === null) return fail(`must be an origin \`scheme://host[:port]\` such as ${EXAMPLE}`);
  const scheme = (m[1] ?? '').toLowerCase();
  const authority = m[2] ?? '';
  const rest = m[3] ?? '';
  if (scheme !== 'http' && scheme !== 'https') return fail(`must start with http:// or https:// (such as ${EXAMPLE})`);
  if (rest === '/') return fail(`must not end with \`/\` (a browser's Origin header never does): write ${JSON.stringify(text.slice(0, -1))}`);
  if (rest !== '') return fail('must not have a path, query or fragment: an origin is `scheme://host[:port]`');
  if (authority.includes('@')) return fail('must not contain user info (`user@`): an origin is `scheme://host[:port]`');
  if (authority.includes('*')) return fail('must be an exact origin: wildcards such as `https://*.example.com` are not supported (list each origin, or write `allowed_origins: "*"`)');
  if (authority === '' || authority.endsWith(':')) return fail('has no host or an empty port');
  let url: URL;
  try {
    url = new URL(`${scheme}://${authority}`);
  } catch {
    return fail('has an invalid host or port');
  }
  return { ok: true, origin: url.origin };
}

function fail(reason: string): ParsedOrigin {
  return { ok: false, reason };
}
