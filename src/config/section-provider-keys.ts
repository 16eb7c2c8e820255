// `provider_keys`: upstream credentials. `api_key` and its alias `secret` are exclusive; the
// secret itself is never printed. `request.forward_client_headers` is the one override we act on.
import { visitCollection, type EntryVisit } from './collections.js';
import type { Entry } from './field-spec.js';
import type { LoadContext } from './read-fields.js';
import { readEntry } from './read-fields.js';
import { PROVIDER_KEY_FIELDS } from './spec/provider-key.js';
import type { ProviderKey } from './types.js';

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
  return {
    name: v.display_name ?? '',
    provider: v.provider ?? PROVIDER_KEY_FIELDS.provider.default,
    apiKey: v.api_key ?? v.secret ?? '',
    apiBase: v.api_base ?? null,
    adapter: v.adapter ?? null,
    forwardClientHeaders: forwardHeaders(entry, ctx),
  };
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
