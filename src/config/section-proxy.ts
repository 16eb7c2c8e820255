// The `proxy:` section: local listen address, limits, timeouts, the request log, the browser
// origins allowed besides loopback, injected faults (section-faults.ts) and the tape key's ignored
// fields, with the defaults of DESIGN.md §2 (kept in spec/proxy.ts). Rules that need the api keys
// or models (non-loopback addr, `"*"` origins, fault rules' names) are checked by load.ts.
import { ANY_ORIGIN, parseOrigin } from './allowed-origins.js';
import type { Entry } from './field-spec.js';
import { FILE_SCOPE } from './issues.js';
import { parseAddr } from './listen-addr.js';
import { readEntry, type LoadContext } from './read-fields.js';
import { readFaults, type FaultRef } from './section-faults.js';
import { DEFAULT_TAPE_IGNORE_FIELDS } from './spec/fault.js';
import { PROXY_FIELDS } from './spec/proxy.js';
import type { ProxySettings, SourcePosition } from './types.js';
import { FILE_START, isMap, isNullNode } from './yaml-source.js';

type ProxyEntry = Entry<typeof PROXY_FIELDS>;

export interface ProxyRead {
  settings: ProxySettings;
  /** where `addr` is written (or the section, or 1:1) for problems found later */
  addrPos: SourcePosition;
  /** where `"*"` is written in `allowed_origins`, or null (it needs api_keys: checked later) */
  anyOriginPos: SourcePosition | null;
  /** fault rules' `match` names, checked against the models and api keys later */
  faultRefs: readonly FaultRef[];
}

export function readProxy(node: unknown, base: LoadContext): ProxyRead {
  let entry: ProxyEntry | null = null;
  if (!isNullNode(node)) {
    if (isMap(node)) entry = readEntry(node, PROXY_FIELDS, { ...base, scope: 'proxy', collection: 'proxy', noun: 'proxy section', resource: false });
    else base.sink.error(base.src.posOf(node), FILE_SCOPE, '`proxy` must be a mapping of settings (`addr`, `request_body_limit_bytes`, …)');
  }
  const v = entry?.values ?? {};
  const addr = v.addr ?? PROXY_FIELDS.addr.default;
  const parsed = parseAddr(addr);
  if (!parsed.ok && entry !== null && !entry.unresolved('addr')) {
    base.sink.error(entry.at('addr'), 'proxy', `field \`addr\` ${parsed.reason}`);
  }
  const addrPos = entry?.at('addr') ?? (isNullNode(node) ? FILE_START : base.src.posOf(node));
  const origins = entry === null ? { list: [], anyOriginPos: null } : allowedOrigins(entry, base);
  const faults = readFaults(entry?.values.faults ?? [], base);
  return { settings: { ...settings(addr, parsed, entry, origins.list), faults: faults.rules }, addrPos, anyOriginPos: origins.anyOriginPos, faultRefs: faults.refs };
}

/** Normalised origins; `"*"` must stand alone. Each bad entry is reported at itself. */
function allowedOrigins(entry: ProxyEntry, base: LoadContext): { list: string[]; anyOriginPos: SourcePosition | null } {
  const written = entry.values.allowed_origins ?? [];
  const list: string[] = [];
  const first = new Map<string, number>();
  let anyOriginPos: SourcePosition | null = null;
  for (const [i, { value, pos, unresolved }] of written.entries()) {
    if (unresolved === true) continue;
    const field = `field \`allowed_origins[${i}]\``;
    if (value === ANY_ORIGIN) {
      if (written.length > 1) base.sink.error(pos, 'proxy', `${field} is "*", which allows every origin: write \`allowed_origins: "*"\` alone, or list origins only`);
      anyOriginPos = pos;
      continue;
    }
    const parsed = parseOrigin(value);
    if (!parsed.ok) {
      base.sink.error(pos, 'proxy', `${field} ${parsed.reason}, got ${JSON.stringify(value)}`);
      continue;
    }
    const seen = first.get(parsed.origin);
    if (seen === undefined) {
      first.set(parsed.origin, i);
      list.push(parsed.origin);
    } else {
      base.sink.warning(pos, 'proxy', `${field} is ${parsed.origin} again (already allowed_origins[${seen}])`);
    }
  }
  return { list: anyOriginPos === null ? list : [ANY_ORIGIN], anyOriginPos };
}

function settings(addr: string, parsed: ReturnType<typeof parseAddr>, entry: ProxyEntry | null, allowedOrigins: readonly string[]): Omit<ProxySettings, 'faults'> {
  const v = entry?.values ?? {};
  return {
    addr,
    host: parsed.ok ? parsed.host : '127.0.0.1',
    port: parsed.ok ? parsed.port : 3000,
    requestBodyLimitBytes: v.request_body_limit_bytes ?? PROXY_FIELDS.request_body_limit_bytes.default,
    requestTimeoutMs: v.request_timeout_ms ?? PROXY_FIELDS.request_timeout_ms.default,
    upstreamTimeoutMs: v.upstream_timeout_ms ?? PROXY_FIELDS.upstream_timeout_ms.default,
    streamIdleTimeoutMs: v.stream_idle_timeout_ms ?? PROXY_FIELDS.stream_idle_timeout_ms.default,
    guardrailBufferBytes: v.guardrail_buffer_bytes ?? PROXY_FIELDS.guardrail_buffer_bytes.default,
    logFile: v.log_file ?? null,
    logBodies: v.log_bodies ?? PROXY_FIELDS.log_bodies.default,
    shutdownGraceMs: v.shutdown_grace_ms ?? PROXY_FIELDS.shutdown_grace_ms.default,
    upstreamRetries: v.upstream_retries ?? PROXY_FIELDS.upstream_retries.default,
    websocket: v.websocket ?? PROXY_FIELDS.websocket.default,
    streamGuardrails: v.stream_guardrails ?? PROXY_FIELDS.stream_guardrails.default,
    streamGuardrailWindow: v.stream_guardrail_window ?? PROXY_FIELDS.stream_guardrail_window.default,
    captureBodies: v.capture_bodies ?? PROXY_FIELDS.capture_bodies.default,
    captureKeep: v.capture_keep ?? PROXY_FIELDS.capture_keep.default,
    captureMaxBytes: v.capture_max_bytes ?? PROXY_FIELDS.capture_max_bytes.default,
    budgetUsd: v.budget_usd ?? null,
    allowedOrigins,
    faultHeader: v.fault_header ?? PROXY_FIELDS.fault_header.default,
    faultsSeed: v.faults_seed ?? null,
    tapeIgnoreFields: v.tape_ignore_fields?.filter((f) => f.unresolved !== true).map((f) => f.value) ?? DEFAULT_TAPE_IGNORE_FIELDS,
  };
}
