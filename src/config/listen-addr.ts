// `proxy.addr`: `host:port`, with IPv6 hosts in brackets (`[::1]:3000`). The host is returned
// without brackets, as `net.Server#listen` wants it.

export type ParsedAddr = { ok: true; host: string; port: number } | { ok: false; reason: string };

const ADDR = /^(?:\[([0-9A-Fa-f:.%a-zA-Z]+)\]|([^\s:[\]]+)):(\d+)$/;

export function parseAddr(addr: string): ParsedAddr {
  const m = ADDR.exec(addr);
  if (!m) return { ok: false, reason: `must be \`host:port\` such as \`127.0.0.1:3000\` (IPv6 as \`[::1]:3000\`), got ${JSON.stringify(addr)}` };
  const port = Number(m[3]);
  if (port > 65535) return { ok: false, reason: `has port ${m[3]}, outside 0–65535` };
  return { ok: true, host: m[1] ?? m[2] ?? '', port };
}

export { isLoopbackHost } from '../net/loopback.js';
