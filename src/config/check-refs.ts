// Cross references, checked once every collection is read: models → provider keys (by name or
// derived id), routing targets and allowed_models → models, and api keys that share a credential.
import { deriveResourceId } from './resource-id.js';
import type { CredentialRef } from './section-api-keys.js';
import type { Reference } from './section-models.js';
import type { IssueSink } from './issues.js';
import type { Model, ProviderKey } from './types.js';

export interface References {
  providerKeys: readonly ProviderKey[];
  models: readonly Model[];
  providerKeyRefs: readonly Reference[];
  providerKeyIdRefs: readonly Reference[];
  routingTargets: readonly Reference[];
  allowedModelRefs: readonly Reference[];
  credentials: readonly CredentialRef[];
}

const LISTED_NAMES = 10;

export function checkReferences(refs: References, sink: IssueSink): void {
  const keyNames = refs.providerKeys.map((k) => k.name);
  const keySet = new Set(keyNames);
  const keyListing = defined(keyNames, 'provider_keys');
  for (const ref of refs.providerKeyRefs) {
    if (!keySet.has(ref.value)) sink.error(ref.pos, ref.scope, `provider_key references unknown provider key ${JSON.stringify(ref.value)} ${keyListing}`);
  }
  const ids = new Set(keyNames.map((name) => deriveResourceId('provider_keys', name)));
  for (const ref of refs.providerKeyIdRefs) {
    if (!ids.has(ref.value)) {
      sink.error(ref.pos, ref.scope, `provider_key_id ${JSON.stringify(ref.value)} is not the derived id of any provider key in this file — write \`provider_key: <display_name>\` instead`);
    }
  }
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
function defined(all: readonly string[], collection: string): string {
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
