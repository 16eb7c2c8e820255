// The top level of the file: must be a mapping; `_format_version` must be the string "1";
// every key must be known (unknown ones get a "did you mean"); AISIX collections the local proxy
// does not act on get one warning each. Returns the sections for the collection readers, and
// where each key is written.
import { FILE_SCOPE } from './issues.js';
import type { LoadContext } from './read-fields.js';
import { CORE_COLLECTIONS, IGNORED_COLLECTIONS, TOP_LEVEL_KEYS } from './spec/top-level.js';
import { didYouMean } from './suggest.js';
import type { EntryCounts, SourcePosition } from './types.js';
import { FILE_START, isMap, isScalar, isSeq, keyName, type Node, type Pair } from './yaml-source.js';

export interface TopLevel {
  /** the value node of each known key present */
  readonly sections: ReadonlyMap<string, unknown>;
  /** where each known key present is written */
  readonly keyPos: ReadonlyMap<string, SourcePosition>;
  readonly counts: EntryCounts;
}

const NOT_A_MAPPING = 'top level must be a mapping with `_format_version` and resource collections';

export function readTopLevel(root: Node, ctx: LoadContext): TopLevel | null {
  if (!isMap(root)) {
    ctx.sink.error(ctx.src.posOf(root), FILE_SCOPE, NOT_A_MAPPING);
    return null;
  }
  const sections = new Map<string, unknown>();
  const keyPos = new Map<string, SourcePosition>();
  for (const pair of root.items) {
    const key = keyName(pair);
    if (key === null) ctx.sink.error(ctx.src.posOf(pair.key ?? root), FILE_SCOPE, 'top-level keys must be plain strings');
    else if (!TOP_LEVEL_KEYS.includes(key)) unknownTopLevelKey(key, pair, ctx);
    else if (!sections.has(key)) {
      sections.set(key, pair.value);
      keyPos.set(key, ctx.src.posOf(pair.key));
    }
    if (key !== null && Object.hasOwn(IGNORED_COLLECTIONS, key)) ignoredCollection(key, pair, ctx);
  }
  checkFormatVersion(sections.has('_format_version'), sections.get('_format_version'), ctx);
  return { sections, keyPos, counts: countEntries(sections) };
}

function checkFormatVersion(present: boolean, node: unknown, ctx: LoadContext): void {
  if (!present) {
    ctx.sink.error(FILE_START, FILE_SCOPE, 'missing mandatory _format_version (expected "1")');
    return;
  }
  const pos = ctx.src.posOf(node);
  if (isScalar(node) && typeof node.value === 'string') {
    if (node.value !== '1') ctx.sink.error(pos, FILE_SCOPE, `unrecognized _format_version ${JSON.stringify(node.value)} (supported: "1")`);
  } else if (isScalar(node) && typeof node.value === 'number') {
    ctx.sink.error(pos, FILE_SCOPE, '_format_version must be the string "1" (quote it)');
  } else {
    ctx.sink.error(pos, FILE_SCOPE, '_format_version must be the string "1"');
  }
}

function unknownTopLevelKey(key: string, pair: Pair, ctx: LoadContext): void {
  const hint = didYouMean(key, TOP_LEVEL_KEYS) || ` (expected _format_version, proxy and resource collections: ${CORE_COLLECTIONS.join(', ')}, …)`;
  ctx.sink.error(ctx.src.posOf(pair.key), FILE_SCOPE, `unknown top-level key \`${key}\`${hint}`);
}

function ignoredCollection(key: string, pair: Pair, ctx: LoadContext): void {
  const entries = isSeq(pair.value) ? pair.value.items.length : isMap(pair.value) ? 1 : 0;
  if (entries === 0) return;
  const what = IGNORED_COLLECTIONS[key] ?? key;
  const count = `${entries} ${entries === 1 ? 'entry' : 'entries'}`;
  ctx.sink.warning(ctx.src.posOf(pair.key), FILE_SCOPE, `collection \`${key}\` (${count}) is ignored: the local proxy does not support ${what}`);
}

function countEntries(sections: ReadonlyMap<string, unknown>): EntryCounts {
  const count = (key: string): number => {
    const node = sections.get(key);
    return isSeq(node) ? node.items.length : 0;
  };
  return { providerKeys: count('provider_keys'), models: count('models'), apiKeys: count('api_keys'), guardrails: count('guardrails') };
}
