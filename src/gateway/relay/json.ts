// Non-streaming relay: note usage and the response id, run output guardrails if any, then send
// the upstream's bytes as received (or the masked copy, or a 422). Without output guardrails or
// previews the body is only scanned for its id and usage, not parsed whole.
import { GatewayError } from './errors.js';
import { PREVIEW_BYTES, readAll, successHeaders, type RelayContext } from './relay-context.js';
import { field, parseJson } from '../wire/json-fields.js';
import { scanLeadingId, scanUsage } from '../wire/scan-json.js';
import { responseText } from '../guardrails/index.js';

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
  const { record, endpoint, guardrails, res } = ctx;
  let body = await readAll(ctx.up.body);
  const { json, id, usage } = read(body.toString('utf8'), guardrails.outputPolicy !== 'none' || ctx.previews);
  record.usage = endpoint.readUsage(usage);
  if (typeof id === 'string') record.responseId = id;
  if (guardrails.outputPolicy !== 'none' && json !== undefined) {
    const verdict = guardrails.checkResponse(endpoint.format, json);
    record.guardrails.push(...verdict.hits);
    if (verdict.blocked !== null) {
      throw new GatewayError('blocked_output', `response blocked by content policy (guardrail '${verdict.blocked.guardrail}')`);
    }
    if (verdict.json !== null) body = Buffer.from(JSON.stringify(verdict.json));
  }
  if (ctx.previews && json !== undefined) record.outputPreview = responseText(endpoint.format, json).slice(0, PREVIEW_BYTES);
  record.status = ctx.up.statusCode;
  res.writeHead(ctx.up.statusCode, successHeaders(ctx, { 'content-length': body.length }));
  res.end(body);
}
