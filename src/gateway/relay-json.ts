// Non-streaming relay: read the upstream JSON once to note usage and the response id, run output
// guardrails if any, then send the upstream's bytes as received (or the masked copy, or a 422).
import { GatewayError } from './errors.js';
import { PREVIEW_BYTES, readAll, successHeaders, type RelayContext } from './relay-context.js';
import { field } from '../wire/json-fields.js';
import { responseText } from '../guardrails/index.js';

function parse(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
}

export async function relayJson(ctx: RelayContext): Promise<void> {
  const { record, endpoint, guardrails, res } = ctx;
  let body = await readAll(ctx.up.body);
  const json = parse(body);
  record.usage = endpoint.usageOf(json);
  const id = field(json, 'id');
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
