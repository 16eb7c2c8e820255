// `guardrail_attachments`: which requests each guardrail applies to, once the file has this
// collection (without it every guardrail is global, as AISIX at the studied commit; newer AISIX
// releases need attachments, and `coverageWarnings` says so). Entries have no identity: the
// (guardrail, scope) pair is what must be unique. `guardrail_id` and `scope_id` take a name or a
// derived id (resolve-names.ts); scopes other than env, model and api_key load with a warning
// and are left out, as are attachments of guardrails the local proxy does not run.
import { visitCollection, type EntryVisit } from './collections.js';
import type { Entry } from './field-spec.js';
import { FILE_SCOPE, type IssueSink } from './issues.js';
import type { LoadContext } from './read-fields.js';
import { readEntry } from './read-fields.js';
import type { NameRef } from './resolve-names.js';
import type { LocatedGuardrail } from './section-guardrails.js';
import { GUARDRAIL_ATTACHMENT_FIELDS } from './spec/guardrail-attachment.js';
import type { GuardrailAttachment, SourcePosition } from './types.js';
import { findPair, isNullNode } from './yaml-source.js';

/** An attachment the local proxy acts on, with where its `guardrail_id` is written (for duplicates). */
interface LocatedAttachment {
  readonly attachment: GuardrailAttachment;
  readonly index: number;
  readonly scope: string;
  readonly pos: SourcePosition;
}

export interface GuardrailAttachmentsRead {
  /** false when the file has no `guardrail_attachments` key at all */
  readonly present: boolean;
  readonly located: LocatedAttachment[];
  /** `guardrail_id` and `scope_id` references */
  readonly refs: NameRef[];
}

const REMOTE_SCOPE_WHAT = { mcp_server: 'MCP server', team: 'team', passthrough_route: 'passthrough route' } as const;

export function readGuardrailAttachments(present: boolean, node: unknown, base: LoadContext): GuardrailAttachmentsRead {
  const out: GuardrailAttachmentsRead = { present, located: [], refs: [] };
  visitCollection(node, 'guardrail_attachments', base, (visit) => {
    const entry = readEntry(visit.node, GUARDRAIL_ATTACHMENT_FIELDS, visit.ctx);
    const attachment = readAttachment(entry, visit, out);
    if (attachment !== null) out.located.push({ attachment, index: visit.index, scope: visit.ctx.scope, pos: entry.at('guardrail_id') });
  });
  return out;
}

function readAttachment(entry: Entry<typeof GUARDRAIL_ATTACHMENT_FIELDS>, { node, ctx }: EntryVisit, out: GuardrailAttachmentsRead): GuardrailAttachment | null {
  const v = entry.values;
  const attachment: GuardrailAttachment = {
    guardrail: v.guardrail_id ?? '',
    scope: 'env',
    scopeId: null,
    priority: v.priority ?? 0,
    enabled: v.enabled ?? GUARDRAIL_ATTACHMENT_FIELDS.enabled.default,
  };
  if (v.guardrail_id !== undefined && !entry.unresolved('guardrail_id')) {
    const resolve = (name: string): void => {
      attachment.guardrail = name;
    };
    out.refs.push({ kind: 'guardrails', field: 'guardrail_id', value: v.guardrail_id, pos: entry.at('guardrail_id'), scope: ctx.scope, ids: true, resolve });
  }
  const scopeType = v.scope_type;
  if (scopeType === undefined) return null;
  const scopeId = entry.unresolved('scope_id') ? undefined : v.scope_id;
  if (scopeType === 'mcp_server' || scopeType === 'team' || scopeType === 'passthrough_route') {
    const what = REMOTE_SCOPE_WHAT[scopeType];
    ctx.sink.warning(entry.at('scope_type'), ctx.scope, `scope_type \`${scopeType}\` is not supported by the local proxy: this attachment is left out (AISIX applies the guardrail to that ${what}'s traffic)`);
    if (scopeType === 'passthrough_route' && scopeId !== undefined) {
      out.refs.push({ kind: 'passthrough_routes', field: 'scope_id', value: scopeId, pos: entry.at('scope_id'), scope: ctx.scope, ids: true });
    }
    return null;
  }
  if (scopeType === 'env') {
    if (v.scope_id !== undefined) ctx.sink.warning(entry.at('scope_id'), ctx.scope, 'field `scope_id` is ignored with `scope_type: env`: an env attachment applies to every request');
    return attachment;
  }
  attachment.scope = scopeType;
  if (isNullNode(findPair(node, 'scope_id')?.value)) {
    ctx.sink.error(entry.pos, ctx.scope, `field \`scope_id\` is required with \`scope_type: ${scopeType}\` (${scopeType === 'model' ? 'a model display_name' : 'an api key display_name'})`);
    return attachment;
  }
  if (scopeId === undefined) return attachment;
  attachment.scopeId = scopeId;
  const resolve = (name: string): void => {
    attachment.scopeId = name;
  };
  out.refs.push({ kind: scopeType === 'model' ? 'models' : 'api_keys', field: 'scope_id', value: scopeId, pos: entry.at('scope_id'), scope: ctx.scope, ids: true, resolve });
  return attachment;
}

/**
 * After resolve-names: the attachments Config carries (null without the collection), those of
 * guardrails the local proxy does not run left out; a second attachment of one guardrail to the
 * same scope is an error (AISIX's identity for an attachment).
 */
export function finishAttachments(read: GuardrailAttachmentsRead, guardrails: readonly LocatedGuardrail[], sink: IssueSink): GuardrailAttachment[] | null {
  if (!read.present) return null;
  const seen = new Map<string, LocatedAttachment>();
  for (const item of read.located) {
    const { attachment } = item;
    const key = `${attachment.guardrail}\0${attachment.scope}\0${attachment.scopeId ?? ''}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, item);
      continue;
    }
    sink.error(
      item.pos,
      item.scope,
      `duplicate guardrail_attachments entry: guardrail ${JSON.stringify(attachment.guardrail)} is already attached to ${target(attachment)} by guardrail_attachments[${first.index}] (line ${first.pos.line}) — attach a guardrail to a scope once`,
    );
  }
  const local = new Set(guardrails.map((g) => g.guardrail.name));
  return read.located.map((item) => item.attachment).filter((attachment) => local.has(attachment.guardrail));
}

function target(attachment: GuardrailAttachment): string {
  const id = JSON.stringify(attachment.scopeId ?? '');
  if (attachment.scope === 'model') return `model ${id}`;
  if (attachment.scope === 'api_key') return `api key ${id}`;
  return 'every request (`scope_type: env`)';
}

const GLOBAL_GUARDRAILS =
  'every guardrail applies to every request, as in AISIX releases without `guardrail_attachments`; newer releases apply a guardrail only where a `guardrail_attachments` entry attaches it (`scope_type: env` for every request)';

/**
 * Without the collection, one warning at the `guardrails` key (when the file has any guardrail);
 * with it, one per enabled guardrail that no enabled attachment brings to any request.
 */
export function coverageWarnings(
  attachments: readonly GuardrailAttachment[] | null,
  guardrails: { readonly count: number; readonly keyPos: SourcePosition | null; readonly located: readonly LocatedGuardrail[] },
  sink: IssueSink,
): void {
  if (attachments === null) {
    if (guardrails.count > 0 && guardrails.keyPos !== null) sink.warning(guardrails.keyPos, FILE_SCOPE, GLOBAL_GUARDRAILS);
    return;
  }
  const attached = new Set(attachments.filter((a) => a.enabled).map((a) => a.guardrail));
  for (const { guardrail, scope, pos } of guardrails.located) {
    if (!guardrail.enabled || attached.has(guardrail.name)) continue;
    sink.warning(pos, scope, 'this guardrail applies to no request: no enabled `guardrail_attachments` entry attaches it (`scope_type: env` attaches it to every request)');
  }
}
