// Cross references, checked once every collection is read: models and passthrough routes →
// provider keys (by name or derived id, a `provider_key_id` resolved to the key's display_name so
// downstream sees one form), routing targets and allowed_models → models, and api keys that
// share a credential. References that accept a name or a derived id of other kinds: resolve-names.ts.
import { deriveResourceId } from './resource-id.js';
import type { CredentialRef } from './section-api-keys.js';
import type { ProviderKeyIdRef, Reference } from './section-models.js';
import type { IssueSink } from './issues.js';
import type { Model, ProviderKey } from './types.js';

/** A `provider_key_id` outside models (passthrough routes): handed the key's display_name. */
export interface ProviderKeyIdSetter extends Reference {
  readonly resolve: (name: string) => void;
}

export interface References {
  providerKeys: readonly ProviderKey[];
  models: readonly Model[];
  /** `provider_key` names, of models and passthrough routes */
  providerKeyRefs: readonly Reference[];
  providerKeyIdRefs: readonly ProviderKeyIdRef[];
  routeProviderKeyIdRefs: readonly ProviderKeyIdSetter[];
  routingTargets: readonly Reference[];
  allowedModelRefs: readonly Reference[];
  credentials: readonly CredentialRef[];
}

const LISTED_NAMES = 10;

/** Reports every bad reference; returns the models with each `provider_key_id` resolved to a display_name. */
export function checkReferences(refs: References, sink: IssueSink): Model[] {
  const keyNames = refs.providerKeys.map((k) => k.name);
  const keySet = new Set(keyNames);
  const keyListing = defined(keyNames, 'provider_keys');
  for (const ref of refs.providerKeyRefs) {
    if (!keySet.has(ref.value)) sink.error(ref.pos, ref.scope, `provider_key references unknown provider key ${JSON.stringify(ref.value)} ${keyListing}`);
  }
  const models = resolveProviderKeyIds(refs, sink);
  const modelNames = refs.models.map((m) => m.name);
  const modelSet = new Set(modelNames);
  const modelListing = defined(modelNames, 'models');
  const wildcards = refs.models.filter((m) => m.wildcard).map((m) => m.name);
  const known = (name: string): boolean => name.includes('*') || modelSet.has(name) || wildcards.some((pattern) => globMatches(pattern, name));
  for (const ref of refs.routingTargets) {
    if (!known(ref.value)) sink.error(ref.pos, ref.scope, `routing target references unknown model ${JSON.stringify(ref.value)} ${modelListing}`);
  }
  for (const ref of refs.allowedModelRefs) {
    if (!known(ref.value)) sink.error(ref.pos, ref.scope, `allowed_models entry references unknown model ${JSON.stringify(ref.value)} ${modelListing}`);
  }
  checkCredentials(refs.credentials, sink);
  return models;
}

/** AISIX's canonical form: `provider_key_id` must be the derived id of a provider key in the file. */
function resolveProviderKeyIds(refs: References, sink: IssueSink): Model[] {
  const byId = new Map<string, string>();
  for (const { name } of refs.providerKeys) if (name !== '') byId.set(deriveResourceId('provider_keys', name), name);
  const models = [...refs.models];
  for (const ref of refs.providerKeyIdRefs) {
    const name = byId.get(ref.value);
    const model = models[ref.model];
    if (name === undefined) sink.error(ref.pos, ref.scope, unknownIdMessage(ref.value, byId));
    else if (model !== undefined) models[ref.model] = { ...model, providerKey: name };
  }
  for (const ref of refs.routeProviderKeyIdRefs) {
    const name = byId.get(ref.value);
    if (name === undefined) sink.error(ref.pos, ref.scope, unknownIdMessage(ref.value, byId));
    else ref.resolve(name);
  }
  return models;
}

function unknownIdMessage(value: string, byId: ReadonlyMap<string, string>): string {
  const quoted = JSON.stringify(value);
  const names = [...byId.values()];
  if (names.includes(value)) {
    return `provider_key_id ${quoted} is a provider key's display_name, not its derived id — write \`provider_key: ${value}\` instead`;
  }
  if (names.length === 0) return `provider_key_id ${quoted} is not the derived id of a provider key (no provider_keys are defined in this file)`;
  const pairs = [...byId].map(([id, name]) => `${id} (${name})`);
  const shown = pairs.slice(0, LISTED_NAMES).join(', ');
  const more = pairs.length > LISTED_NAMES ? ` and ${pairs.length - LISTED_NAMES} more` : '';
  return `provider_key_id ${quoted} is not the derived id of any provider key in this file (defined: ${shown}${more}) — or write \`provider_key: <display_name>\``;
}

function checkCredentials(credentials: readonly CredentialRef[], sink: IssueSink): void {
  const first = new Map<string, CredentialRef>();
  for (const cred of credentials) {
    const seen = first.get(cred.value);
    if (seen === undefined) {
      first.set(cred.value, cred);
      continue;
    }
    sink.error(
      cred.pos,
      cred.scope,
      `duplicate api key credential: this entry's key resolves to the same key_hash as api_keys[${seen.index}] (${JSON.stringify(seen.name)}) — every api key must have a distinct plaintext`,
    );
  }
}

/** `(defined: a, b)`, shortened for long lists, or a note that the collection is empty. */
export function defined(all: readonly string[], collection: string): string {
  const names = [...new Set(all)];
  if (names.length === 0) return `(no ${collection} are defined in this file)`;
  const shown = names.slice(0, LISTED_NAMES).join(', ');
  return names.length > LISTED_NAMES ? `(defined: ${shown} and ${names.length - LISTED_NAMES} more)` : `(defined: ${shown})`;
}

/** Single-`*` glob match over the whole name (AISIX's wildcard rule). */
export function globMatches(pattern: string, name: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === name;
  const prefix = pattern.slice(0, star);
  const suffix = pattern.slice(star + 1);
  return name.length >= prefix.length + suffix.length && name.startsWith(prefix) && name.endsWith(suffix);
}
