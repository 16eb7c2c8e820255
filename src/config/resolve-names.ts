// References written by name or by derived id (cache policies' `applies_to`, guardrail
// attachments' `guardrail_id` and `scope_id`, api keys' `allowed_routes`), resolved once every
// collection is read: each ref is handed the identity it names, or reported with the names the
// file defines. What the referring entry does with the identity is the section's business.
import { defined, globMatches } from './check-refs.js';
import { NOUNS } from './collections.js';
import type { IssueSink } from './issues.js';
import { deriveResourceId } from './resource-id.js';
import type { Reference } from './section-models.js';

export type NamedKind = 'models' | 'api_keys' | 'guardrails' | 'passthrough_routes';

/** How a ref found its target: the identity itself, a derived id, or (models) a name a wildcard model matches. */
export type Via = 'name' | 'id' | 'wildcard';

export interface NameRef extends Reference {
  readonly kind: NamedKind;
  /** starts the unknown-name message: `applies_to`, `scope_id`, `allowed_routes entry` */
  readonly field: string;
  /** a derived id (`deriveResourceId(kind, identity)`) is accepted in place of the identity */
  readonly ids: boolean;
  /** models only: a name a wildcard model matches counts as defined (kept as written) */
  readonly wildcards?: boolean;
  /** receives the identity (for `wildcard`, the name as written) */
  readonly resolve?: (identity: string, via: Via) => void;
}

/** Every entry's identity per kind, valid or not (an entry with problems still defines its name). */
export type Identities = Readonly<Record<NamedKind, readonly string[]>>;

export function resolveNames(refs: readonly NameRef[], identities: Identities, sink: IssueSink): void {
  const indexes = new Map<NamedKind, Index>();
  const indexOf = (kind: NamedKind): Index => {
    let index = indexes.get(kind);
    if (index === undefined) {
      index = new Index(kind, identities[kind]);
      indexes.set(kind, index);
    }
    return index;
  };
  for (const ref of refs) {
    const index = indexOf(ref.kind);
    const found = index.find(ref);
    if (found === null) sink.error(ref.pos, ref.scope, `${ref.field} references unknown ${NOUNS[ref.kind]} ${JSON.stringify(ref.value)} ${index.listing}`);
    else ref.resolve?.(found.identity, found.via);
  }
}

class Index {
  private readonly names: ReadonlySet<string>;
  private readonly byId = new Map<string, string>();
  private readonly wildcards: readonly string[];
  readonly listing: string;

  constructor(kind: NamedKind, all: readonly string[]) {
    const names = all.filter((name) => name !== '');
    this.names = new Set(names);
    for (const name of names) this.byId.set(deriveResourceId(kind, name), name);
    this.wildcards = kind === 'models' ? names.filter((name) => name.split('*').length === 2) : [];
    this.listing = defined(names, kind);
  }

  find(ref: NameRef): { identity: string; via: Via } | null {
    if (this.names.has(ref.value)) return { identity: ref.value, via: 'name' };
    const named = ref.ids ? this.byId.get(ref.value) : undefined;
    if (named !== undefined) return { identity: named, via: 'id' };
    if (ref.wildcards === true && this.wildcards.some((pattern) => globMatches(pattern, ref.value))) return { identity: ref.value, via: 'wildcard' };
    return null;
  }
}
