// Walks one resource collection: checks it is a list of mappings, reads each entry's identity
// for its scope label (`models[2] ("gpt-4o-prod")`; AISIX's alternative spelling where a kind has
// one; none at all for guardrail attachments, labelled `guardrail_attachments[0]`), reports
// duplicate identities at the second occurrence, and hands every entry to the section that
// understands it.
import { FILE_SCOPE, entryScope } from './issues.js';
import { interpolate } from './interpolate.js';
import type { EntryContext, LoadContext } from './read-fields.js';
import { IDENTITY_ALIAS, IDENTITY_FIELD, leadField, type SupportedCollection } from './spec/top-level.js';
import type { SourcePosition } from './types.js';
import { findPair, isAlias, isMap, isNullNode, isScalar, isSeq, type YAMLMap } from './yaml-source.js';

export interface EntryVisit {
  readonly node: YAMLMap;
  readonly index: number;
  readonly ctx: EntryContext;
  /** the interpolated identity, or null when it is missing or unusable (always null for identity-less kinds) */
  readonly identity: string | null;
  /** where the identity's value is written, or null with the identity */
  readonly identityPos: SourcePosition | null;
}

export const NOUNS: Readonly<Record<SupportedCollection, string>> = {
  provider_keys: 'provider key',
  models: 'model',
  api_keys: 'api key',
  guardrails: 'guardrail',
  observability_exporters: 'observability exporter',
  cache_policies: 'cache policy',
  guardrail_attachments: 'guardrail attachment',
  passthrough_routes: 'passthrough route',
};

export function visitCollection(node: unknown, collection: SupportedCollection, base: LoadContext, visit: (entry: EntryVisit) => void): void {
  if (isNullNode(node)) return;
  if (!isSeq(node)) {
    base.sink.error(base.src.posOf(node), FILE_SCOPE, `\`${collection}\` must be a list of mappings (entries written \`- ${leadField(collection)}: …\`)`);
    return;
  }
  const seen = new Map<string, { index: number; line: number }>();
  node.items.forEach((item, index) => {
    if (!isMap(item)) {
      const what = isAlias(item) ? 'YAML aliases (`*name`) are not supported (AISIX rejects them too)' : 'entry must be a mapping';
      base.sink.error(base.src.posOf(item), entryScope(collection, index, null), what);
      return;
    }
    const identity = peekIdentity(item, collection, base);
    const scope = entryScope(collection, index, identity?.value ?? null);
    if (identity !== null) {
      const first = seen.get(identity.value);
      if (first === undefined) seen.set(identity.value, { index, line: identity.line });
      else reportDuplicate(collection, identity, first, scope, base);
    }
    const ctx: EntryContext = { ...base, scope, collection, noun: NOUNS[collection], resource: true };
    const identityPos = identity === null ? null : { line: identity.line, col: identity.col };
    visit({ node: item, index, ctx, identity: identity?.value ?? null, identityPos });
  });
}

interface Identity {
  value: string;
  line: number;
  col: number;
  /** the field it was written under (the identity field or its alias) */
  field: string;
}

/** The identity value, interpolated quietly (the field checker reports its problems); the identity field wins over its alias. */
function peekIdentity(entry: YAMLMap, collection: SupportedCollection, base: LoadContext): Identity | null {
  const field = IDENTITY_FIELD[collection];
  if (field === null) return null;
  const alias = IDENTITY_ALIAS[collection];
  return identityUnder(entry, field, base) ?? (alias === undefined ? null : identityUnder(entry, alias, base));
}

function identityUnder(entry: YAMLMap, field: string, base: LoadContext): Identity | null {
  const node = findPair(entry, field)?.value;
  if (!isScalar(node) || typeof node.value !== 'string') return null;
  const { value, problems } = interpolate(node.value, base.env);
  if (problems.length > 0 || value === '') return null;
  return { value, field, ...base.src.posOf(node) };
}

function reportDuplicate(collection: SupportedCollection, identity: Identity, first: { index: number; line: number }, scope: string, base: LoadContext): void {
  base.sink.error(
    identity,
    scope,
    `duplicate ${collection} entry: ${identity.field} ${JSON.stringify(identity.value)} is already defined at ${collection}[${first.index}] (line ${first.line}) — identities must be unique within a kind`,
  );
}
