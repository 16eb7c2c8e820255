// Non-streaming relay: note usage and the response id, run output guardrails if any, then send
// the upstream's bytes as received (or the masked copy, or a 422). Without output guardrails or
// previews the body is only scanned for its id and usage, not parsed whole. With block-mode output
// guardrails, a body that is not JSON cannot be checked, so it is refused (502, fail closed). A 200
// that passed is handed, as received, to the cache when the request may be stored.
import { field, parseJson } from '../../protocols/json-fields.js';
import { responseText } from '../../protocols/index.js';
import { scanLeadingId, scanUsage } from '../../protocols/scan-json.js';
import { GatewayError } from '../errors.js';
import { PREVIEW_BYTES, successHeaders, type RelayContext } from './context.js';

/** The body as the relay needs it: whole (guardrails, previews) or just its id and usage. */
function read(text: string, whole: boolean): { json: unknown; id: unknown; usage: unknown } {
  if (!whole) {
    const id = scanLeadingId(text);
    const usage = scanUsage(text);
    if (id !== undefined && usage !== undefined) return { json: undefined, id, usage };
  }
  const json = parseJson(text);
  return { json, id: field(json, 'id'), usage: field(json, 'usage') };
}

export async function relayJson(ctx: RelayContext): Promise<void> {
  const { record, protocol, guardrails, res } = ctx;
  const received = await ctx.up.body.readAll();
  let body = received;
  const policy = guardrails.outputPolicy;
  const { json, id, usage } = read(body.toString('utf8'), policy !== 'none' || ctx.previews);
  if (ctx.countsUsage) record.usage = protocol.readUsage(usage);
  if (typeof id === 'string') {
    record.responseId = id;
    ctx.noteResponseId(id);
  }
  if (policy === 'hold' && json === undefined) {
    throw new GatewayError('invalid_upstream_body', 'the upstream answer is not JSON, so the output guardrails cannot check it');
  }
  if (policy !== 'none' && json !== undefined) {
    const verdict = guardrails.checkResponse(protocol, json);
    record.guardrails.push(...verdict.hits);
    if (verdict.blocked !== null) {
      throw new GatewayError('blocked_output', `response blocked by content policy (guardrail '${verdict.blocked.guardrail}')`);
    }
    if (verdict.json !== null) body = Buffer.from(JSON.stringify(verdict.json));
  }
  keep(ctx, received);
  if (ctx.previews && json !== undefined) record.outputPreview = responseText(protocol, json).slice(0, PREVIEW_BYTES);
  record.status = ctx.up.statusCode;
  res.writeHead(ctx.up.statusCode, successHeaders(ctx, { 'content-length': body.length }));
  res.end(body);
}

function keep(ctx: RelayContext, body: Buffer): void {
  if (ctx.keep === null || ctx.up.statusCode !== 200) return;
  const type = ctx.up.headers['content-type'];
  ctx.keep(body, typeof type === 'string' ? type : null);
}
