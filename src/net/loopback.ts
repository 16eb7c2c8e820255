// The one definition of "loopback" (DESIGN.md §9): the listen-address rule (a non-loopback
// listener needs api_keys, at start and on every reload), the Host rule while auth is off and the
// Origin rule all ask this module. Loopback names: `localhost`, `*.localhost`, `127.0.0.0/8`,
// `::1` (also written out in full, or IPv4-mapped `::ffff:127.x.y.z`), with or without brackets.

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const V4_MAPPED = /^(?:0:0:0:0:0:|::)ffff:(.+)$/;
const NOT_A_HOST = /[\s/\\@]/;
const PORT_SUFFIX = /^:\d{1,5}$/;
const PORT = /^\d{1,5}$/;

/** true for hosts only this machine can reach (no port; IPv6 with or without brackets). */
export function isLoopbackHost(host: string): boolean {
  let h = host.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1); // `localhost.` is still localhost
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (LOOPBACK_V4.test(h)) return h.split('.').every((part) => Number(part) <= 255);
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const mapped = V4_MAPPED.exec(h);
  return mapped !== null && LOOPBACK_V4.test(mapped[1] ?? '');
}

/**
 * The host part of a `Host` header value (`name[:port]`, `[v6][:port]`), or null when the value
 * is not a plausible host (empty, spaces, a path).
 */
export function hostOfHeader(value: string): string | null {
  const v = value.trim();
  if (v === '' || NOT_A_HOST.test(v)) return null;
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    if (end < 0) return null;
    const rest = v.slice(end + 1);
    if (rest !== '' && !PORT_SUFFIX.test(rest)) return null;
    return v.slice(0, end + 1);
  }
  const colon = v.indexOf(':');
  if (colon < 0) return v;
  if (!PORT.test(v.slice(colon + 1))) return null;
  return v.slice(0, colon);
}

/** true when an `Origin` header value names a loopback origin (`http://localhost:5173`, …). */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
}
