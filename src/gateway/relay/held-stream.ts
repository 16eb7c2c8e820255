// Held-back SSE relay for block-mode output guardrails: nothing reaches the client until the
// whole stream is in and reviewed. Then the held bytes are released (masked where a mask rule
// fired) or the client gets the 422. Over the hold cap: 422 without a guardrail name (fail closed);
// an upstream failure while holding: 502 — in both cases no byte of content was sent.
import { SseFrameParser } from '../sse/frame-parser.js';
import { serializeFrame } from '../sse/serialize-frame.js';
import type { StreamTap } from './stream-tap.js';
import { GatewayError } from './errors.js';
import { successHeaders, type RelayContext } from './relay-context.js';
import { transportErrorMessage } from './stream-errors.js';

export async function relayHeldStream(ctx: RelayContext): Promise<void> {
  const { record, endpoint, guardrails } = ctx;
  const tap = endpoint.createTap(() => undefined);
  const held = await hold(ctx, new SseFrameParser((frame) => tap.onFrame(frame)));
  record.usage = tap.usage;
  record.responseId = tap.responseId;
  if (!tap.terminal) {
    throw new GatewayError('upstream_status', 'upstream stream ended before its terminal event while the proxy held it for output guardrails', {
      errorCode: 'upstream_stream_interrupted',
    });
  }
  const verdict = guardrails.reviewHeldStream(endpoint.format, held);
  record.guardrails.push(...verdict.hits);
  if (verdict.blocked !== null) {
    throw new GatewayError('blocked_output', `response blocked by content policy (guardrail '${verdict.blocked.guardrail}')`);
  }
  const body = ctx.injectedUsage ? dropUsageChunks(verdict.body, tap) : verdict.body;
  if (tap.inBandError !== null) record.fail('upstream_error', ctx.up.statusCode, tap.inBandError);
  record.status = ctx.up.statusCode;
  ctx.res.writeHead(ctx.up.statusCode, successHeaders(ctx, { 'cache-control': 'no-cache', 'content-length': body.length }));
  record.markFirstByte();
  ctx.res.end(body);
}

function hold(ctx: RelayContext, parser: SseFrameParser): Promise<Buffer> {
  const cap = ctx.guardrails.holdCapBytes;
  const body = ctx.up.body;
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise((resolve, reject) => {
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) {
        body.removeAllListeners('data');
        ctx.abortUpstream();
        reject(new GatewayError('blocked_output', 'response blocked by content policy'));
        return;
      }
      chunks.push(chunk);
      parser.push(chunk);
    });
    body.once('end', () => {
      parser.end();
      resolve(Buffer.concat(chunks, size));
    });
    body.once('error', (err: unknown) => {
      if (size > cap) return;
      reject(new GatewayError('upstream_status', transportErrorMessage(err, ctx.idleTimeoutMs), { errorCode: 'upstream_stream_interrupted' }));
    });
  });
}

/** Chat streams whose usage the proxy requested: the released body leaves that chunk out. */
function dropUsageChunks(body: Buffer, tap: StreamTap): Buffer {
  let out = '';
  const parser = new SseFrameParser((frame) => {
    if (!tap.isUsageOnly(frame)) out += serializeFrame(frame);
  });
  parser.push(body);
  parser.end();
  return Buffer.from(out);
}
