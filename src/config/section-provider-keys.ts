// `provider_keys`: upstream credentials. `api_key` and its alias `secret` are exclusive, and the
// value (after interpolation) must be sendable as an HTTP header value; the secret itself is
// never printed. `request.forward_client_headers` is the one override we act on, and
// `strip_headers` (lower-cased, AISIX's default when absent) applies on passthrough routes.
import { visitCollection, type EntryVisit } from './collections.js';
import type { Entry } from './field-spec.js';
import { headerValueProblem } from './header-value.js';
import type { LoadContext } from './read-fields.js';
import { readEntry } from './read-fields.js';
import { DEFAULT_STRIP_HEADERS, PROVIDER_KEY_FIELDS } from './spec/provider-key.js';
import type { ProviderKey } from './types.js';
import { findPair, isScalar, type YAMLMap } from './yaml-source.js';

type ProviderKeyEntry = Entry<typeof PROVIDER_KEY_FIELDS>;

export function readProviderKeys(node: unknown, base: LoadContext): ProviderKey[] {
  const keys: ProviderKey[] = [];
  visitCollection(node, 'provider_keys', base, (visit) => keys.push(readProviderKey(visit)));
  return keys;
}

function readProviderKey({ node, ctx }: EntryVisit): ProviderKey {
  const entry = readEntry(node, PROVIDER_KEY_FIELDS, ctx);
  const v = entry.values;
  if (entry.has('api_key') && entry.has('secret')) {
    ctx.sink.error(entry.keyAt('secret'), ctx.scope, '`api_key` and `secret` are the same setting (`secret` is an alias) — set only one');
  } else if (!entry.has('api_key') && !entry.has('secret')) {
    ctx.sink.error(entry.pos, ctx.scope, 'one of `api_key` or `secret` is required (the upstream API key, e.g. `api_key: ${OPENAI_API_KEY}`)');
  }
  for (const field of ['api_key', 'secret'] as const) checkHeaderValue(entry, field, node, ctx);
  return {
    name: v.display_name ?? '',
    provider: v.provider ?? PROVIDER_KEY_FIELDS.provider.default,
    apiKey: v.api_key ?? v.secret ?? '',
    apiBase: v.api_base ?? null,
    adapter: v.adapter ?? null,
    forwardClientHeaders: forwardHeaders(entry, ctx),
    stripHeaders: v.strip_headers === undefined ? [...DEFAULT_STRIP_HEADERS] : [...new Set(v.strip_headers.map((h) => h.value.toLowerCase()))],
  };
}

/**
 * The key travels as `Authorization: Bearer <key>`: a value with control characters or characters
 * beyond Latin-1 would fail every request (as a misleading connection error), so it is a load error.
 * Leading or trailing spaces are sent as written (as AISIX does), with a warning. Never echoes it.
 */
function checkHeaderValue(entry: ProviderKeyEntry, field: 'api_key' | 'secret', node: YAMLMap, ctx: EntryVisit['ctx']): void {
  const value = entry.values[field];
  if (value === undefined || entry.unresolved(field)) return;
  const problem = headerValueProblem(value);
  if (problem === null) return;
  const raw = findPair(node, field)?.value;
  const written = isScalar(raw) && typeof raw.value === 'string' ? raw.value : '';
  const variables = written.includes(problem.char) ? [] : variablesIn(written);
  const where = variables.length === 0 ? '' : ` — check environment variable${variables.length === 1 ? '' : 's'} ${variables.map((n) => `\`${n}\``).join(', ')}`;
  if (problem.kind === 'whitespace') {
    ctx.sink.warning(entry.at(field), ctx.scope, `field \`${field}\` ${problem.what}, sent as part of the key (upstreams usually answer 401)${where || ' — remove it'}`);
  } else {
    ctx.sink.error(entry.at(field), ctx.scope, `field \`${field}\` ${problem.what}, which cannot be sent in an HTTP header: every request with this key would fail${where || ' — fix the value'}`);
  }
}

/** The `${NAME}`s a scalar interpolates (`$${…}` is a literal, not a variable). */
function variablesIn(written: string): string[] {
  const names = [...written.replaceAll('$$', '').matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1] ?? '');
  return [...new Set(names)];
}

function forwardHeaders(entry: ProviderKeyEntry, ctx: EntryVisit['ctx']): string[] {
  const request = entry.values.request;
  const headers = request?.values.forward_client_headers ?? [];
  for (const header of headers) {
    const stars = countStars(header.value);
    if (stars > 1) ctx.sink.error(header.pos, ctx.scope, `forward_client_headers entry ${JSON.stringify(header.value)} has ${stars} \`*\`; a glob may contain exactly one`);
  }
  return headers.map((h) => h.value.toLowerCase());
}

export function countStars(text: string): number {
  let n = 0;
  for (const ch of text) if (ch === '*') n += 1;
  return n;
}
