// `observability_exporters`: `otlp_http` entries become Config.observabilityExporters (one OTLP
// span per request, src/exporters); the other AISIX kinds load with a warning naming them and are
// left out. `endpoint` must be an http(s) URL (an error at the value); one AISIX's schema would
// refuse (plain http:// to a host other than localhost, 127.0.0.1, otel-collector or mock-otlp) is
// a warning. `headers` is an open map of strings, read here: names must be HTTP tokens, values
// (often `${SECRET}`s) must be sendable and are never printed.
import { visitCollection, type EntryVisit } from './collections.js';
import { headerValueProblem } from './header-value.js';
import { interpolate } from './interpolate.js';
import type { EntryContext, LoadContext } from './read-fields.js';
import { checkValue, readEntry } from './read-fields.js';
import {
  AISIX_OTLP_ENDPOINT,
  EXPORTER_COMMON_FIELDS,
  HEADERS_DESCRIPTION,
  LOCAL_EXPORTER_KINDS,
  OTLP_HTTP_FIELDS,
  REMOTE_EXPORTER_KINDS,
} from './spec/observability-exporter.js';
import { closest } from './suggest.js';
import type { ObservabilityExporter } from './types.js';
import { findPair, isMap, isNullNode, isScalar, keyName, type YAMLMap } from './yaml-source.js';

const OTLP_TABLE = { ...EXPORTER_COMMON_FIELDS, ...OTLP_HTTP_FIELDS } as const;
const ALL_KINDS: readonly string[] = [...LOCAL_EXPORTER_KINDS, ...REMOTE_EXPORTER_KINDS];
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function readObservabilityExporters(node: unknown, base: LoadContext): ObservabilityExporter[] {
  const exporters: ObservabilityExporter[] = [];
  visitCollection(node, 'observability_exporters', base, (visit) => {
    const exporter = readExporter(visit);
    if (exporter !== null) exporters.push(exporter);
  });
  return exporters;
}

function readExporter({ node, ctx }: EntryVisit): ObservabilityExporter | null {
  if (peekKind(node, ctx) !== 'otlp_http') return null;
  const entry = readEntry(withoutKey(node, 'headers'), OTLP_TABLE, ctx);
  const v = entry.values;
  const headers = readHeaders(node, ctx);
  if (v.endpoint !== undefined && !entry.unresolved('endpoint') && !AISIX_OTLP_ENDPOINT.test(v.endpoint)) {
    ctx.sink.warning(
      entry.at('endpoint'),
      ctx.scope,
      'AISIX accepts `endpoint` only as an https:// URL, or plain http:// to localhost, 127.0.0.1, otel-collector or mock-otlp: the local proxy sends to it, but production would refuse this entry',
    );
  }
  if (v.sample_rate !== undefined && v.sample_rate > 1) {
    ctx.sink.error(entry.at('sample_rate'), ctx.scope, `field \`sample_rate\` must be a number from 0.0 to 1.0, got ${v.sample_rate}`);
  }
  if (v.content_mode === 'full') {
    ctx.sink.warning(entry.at('content_mode'), ctx.scope, 'content_mode `full` is not applied by the local proxy: its spans carry metadata only (AISIX adds the prompt and the response)');
  }
  return {
    name: v.name ?? '',
    kind: 'otlp_http',
    endpoint: v.endpoint ?? '',
    enabled: v.enabled ?? EXPORTER_COMMON_FIELDS.enabled.default,
    ...(headers === null ? {} : { headers }),
    sampleRate: v.sample_rate ?? 1,
  };
}

/** The exporter's kind when the local proxy runs it; other kinds are reported here. */
function peekKind(node: YAMLMap, ctx: EntryContext): string | null {
  const value = findPair(node, 'kind')?.value;
  const pos = ctx.src.posOf(value ?? node);
  if (!isScalar(value) || typeof value.value !== 'string' || value.value === '') {
    ctx.sink.error(pos, ctx.scope, 'field `kind` is required: `otlp_http` (other AISIX kinds such as `datadog` load but export nothing locally)');
    return null;
  }
  const kind = interpolate(value.value, ctx.env).value;
  if ((LOCAL_EXPORTER_KINDS as readonly string[]).includes(kind)) return kind;
  if ((REMOTE_EXPORTER_KINDS as readonly string[]).includes(kind)) {
    ctx.sink.warning(pos, ctx.scope, `exporter kind \`${kind}\` is not supported by the local proxy: this exporter is loaded but sends nothing (AISIX exports with it)`);
    return null;
  }
  const match = closest(kind, ALL_KINDS);
  const hint = match === null ? '' : ` (did you mean \`${match}\`?)`;
  ctx.sink.error(pos, ctx.scope, `unknown exporter kind \`${kind}\`${hint}; the local proxy runs \`otlp_http\``);
  return null;
}

/** `headers:` as a name → value map; null when absent or unusable (each problem reported). */
function readHeaders(entry: YAMLMap, ctx: EntryContext): Record<string, string> | null {
  const pair = findPair(entry, 'headers');
  if (pair === undefined || isNullNode(pair.value)) return null;
  if (!isMap(pair.value)) {
    ctx.sink.error(ctx.src.posOf(pair.value), ctx.scope, 'field `headers` must be a mapping of header names to string values');
    return null;
  }
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  for (const item of pair.value.items) {
    const name = keyName(item);
    const keyPos = ctx.src.posOf(item.key ?? pair.value);
    if (name === null || !HEADER_NAME.test(name)) {
      ctx.sink.error(keyPos, ctx.scope, `\`headers\` key ${name === null ? '' : `${JSON.stringify(name)} `}must be an HTTP header name (letters, digits and !#$%&'*+-.^_\`|~)`);
      continue;
    }
    const lower = name.toLowerCase();
    if (seen.has(lower)) {
      ctx.sink.error(keyPos, ctx.scope, `\`headers\` sets ${name} twice (header names are case-insensitive)`);
      continue;
    }
    seen.add(lower);
    const field = `headers.${name}`;
    const checked = checkValue(item.value, { type: 'string', secret: true, description: HEADERS_DESCRIPTION }, { ...ctx, field });
    if (checked === undefined || typeof checked.value !== 'string') {
      if (isNullNode(item.value)) ctx.sink.error(keyPos, ctx.scope, `field \`${field}\` must be a string`);
      continue;
    }
    const problem = checked.unresolved ? null : headerValueProblem(checked.value);
    if (problem?.kind === 'invalid') {
      ctx.sink.error(ctx.src.posOf(item.value), ctx.scope, `field \`${field}\` ${problem.what}, which cannot be sent in an HTTP header`);
      continue;
    }
    headers[name] = checked.value;
  }
  return headers;
}

/**
 * The same mapping without one key, for the field checker: `headers` is an open map the field
 * tables cannot describe, so it is read on its own. Positions are unchanged (the pairs are shared).
 */
function withoutKey(map: YAMLMap, key: string): YAMLMap {
  const view = Object.create(Object.getPrototypeOf(map) as object, Object.getOwnPropertyDescriptors(map)) as YAMLMap;
  view.items = map.items.filter((pair) => keyName(pair) !== key);
  return view;
}
