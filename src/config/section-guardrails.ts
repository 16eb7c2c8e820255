// `guardrails`: keyword and pii run locally; remote AISIX kinds load with a warning and are left
// out of the Config. Regexes are translated and compiled here, so a bad one is a load error.
// Also returns every entry's name (what `guardrail_attachments` may name) and where each local
// guardrail is written (for the attachment warnings). With `proxy.stream_guardrails: window`, a
// block-mode output guardrail whose window (window-rules.ts, the chain's own measure) is unbounded
// or over the cap loads with a warning: its streams are held back whole instead.
import { visitCollection, type EntryVisit } from './collections.js';
import type { Entry } from './field-spec.js';
import { interpolate } from './interpolate.js';
import type { EntryContext, LoadContext } from './read-fields.js';
import { readEntry } from './read-fields.js';
import { compile, guardrailBase } from './guardrail-common.js';
import { readPii } from './section-pii.js';
import { GUARDRAIL_COMMON_FIELDS, KEYWORD_FIELDS, LOCAL_GUARDRAIL_KINDS, REMOTE_GUARDRAIL_KINDS } from './spec/guardrail.js';
import { closest } from './suggest.js';
import { guardrailWindow, windowsOutput } from '../guardrails/window-rules.js';
import type { IssueSink } from './issues.js';
import type { Guardrail, KeywordGuardrail, KeywordPattern, ProxySettings, SourcePosition } from './types.js';
import { findPair, isScalar, type YAMLMap } from './yaml-source.js';

const KEYWORD_TABLE = { ...GUARDRAIL_COMMON_FIELDS, ...KEYWORD_FIELDS } as const;
const ALL_KINDS: readonly string[] = [...LOCAL_GUARDRAIL_KINDS, ...REMOTE_GUARDRAIL_KINDS];

/** A guardrail the local proxy runs, with its scope label and where its name is written. */
export interface LocatedGuardrail {
  readonly guardrail: Guardrail;
  readonly scope: string;
  readonly pos: SourcePosition;
}

export interface GuardrailsRead {
  /** the local kinds, in file order */
  guardrails: Guardrail[];
  located: LocatedGuardrail[];
  /** every entry's name, whatever its kind */
  names: string[];
}

export function readGuardrails(node: unknown, base: LoadContext): GuardrailsRead {
  const out: GuardrailsRead = { guardrails: [], located: [], names: [] };
  visitCollection(node, 'guardrails', base, (visit) => {
    if (visit.identity !== null) out.names.push(visit.identity);
    const guardrail = readGuardrail(visit);
    if (guardrail === null) return;
    out.guardrails.push(guardrail);
    out.located.push({ guardrail, scope: visit.ctx.scope, pos: visit.identityPos ?? base.src.posOf(visit.node) });
  });
  return out;
}

function readGuardrail(visit: EntryVisit): Guardrail | null {
  const { node, ctx } = visit;
  const kind = peekKind(node, ctx);
  if (kind === 'keyword') return readKeyword(readEntry(node, KEYWORD_TABLE, ctx), ctx);
  if (kind === 'pii') return readPii(node, ctx);
  return null;
}

/** The guardrail's kind when the local proxy runs it; other kinds are reported here. */
function peekKind(node: YAMLMap, ctx: EntryContext): string | null {
  const value = findPair(node, 'kind')?.value;
  const pos = ctx.src.posOf(value ?? node);
  if (!isScalar(value) || typeof value.value !== 'string' || value.value === '') {
    ctx.sink.error(pos, ctx.scope, 'field `kind` is required: `keyword` or `pii` (remote AISIX kinds such as `lakera` load but are not applied)');
    return null;
  }
  const kind = interpolate(value.value, ctx.env).value;
  if ((LOCAL_GUARDRAIL_KINDS as readonly string[]).includes(kind)) return kind;
  if ((REMOTE_GUARDRAIL_KINDS as readonly string[]).includes(kind)) {
    ctx.sink.warning(pos, ctx.scope, `guardrail kind \`${kind}\` is not supported by the local proxy: this guardrail is loaded but not applied (AISIX applies it)`);
    return null;
  }
  const match = closest(kind, ALL_KINDS);
  const hint = match === null ? '' : ` (did you mean \`${match}\`?)`;
  ctx.sink.error(pos, ctx.scope, `unknown guardrail kind \`${kind}\`${hint}; the local proxy runs \`keyword\` and \`pii\``);
  return null;
}

function readKeyword(entry: Entry<typeof KEYWORD_TABLE>, ctx: EntryContext): KeywordGuardrail {
  const items = entry.values.patterns ?? [];
  if (entry.values.patterns !== undefined && items.length === 0) {
    ctx.sink.warning(entry.at('patterns'), ctx.scope, 'field `patterns` is empty: this guardrail never matches');
  }
  const patterns: KeywordPattern[] = [];
  items.forEach((item, i) => {
    const { kind, value } = item.value.values;
    if (kind === undefined || value === undefined) return;
    patterns.push({ kind, value, regex: kind === 'regex' ? compile(value, item.value.at('value'), `patterns[${i}].value`, ctx) : null });
  });
  return { ...guardrailBase(entry, ctx), kind: 'keyword', patterns };
}

/** Window mode: each block-mode output guardrail that holds instead (unbounded or over the cap) is named. */
export function windowWarnings(located: readonly LocatedGuardrail[], proxy: ProxySettings, sink: IssueSink): void {
  if (proxy.streamGuardrails !== 'window') return;
  for (const { guardrail, scope, pos } of located) {
    if (!windowsOutput(guardrail)) continue;
    const holds = guardrailWindow(guardrail, proxy.streamGuardrailWindow).holds;
    if (holds !== null) sink.warning(pos, scope, `${holds}, so window mode holds this guardrail's streams (proxy.stream_guardrails: window)`);
  }
}
