// Held-back SSE relay for block-mode output guardrails: nothing reaches the client until the
// whole stream is in and reviewed. Then the held bytes are released (masked where a mask rule
// fired) or the client gets the 422. Over the hold cap: 422 without a guardrail name (fail closed),
// unless every holding guardrail says `on_buffer_exceeded: fail_open` — then what was held is
// released and the rest relayed live, unscanned. An upstream failure while holding: 502. A frame
// the guardrails cannot read (not JSON): 502 `invalid_upstream_body` (fail closed).
import { SseFrameParser } from '../../sse/frame-parser.js';
import { serializeFrame } from '../../sse/serialize-frame.js';
import type { StreamTap } from '../../protocols/index.js';
import { GatewayError } from '../errors.js';
import { successHeaders, type RelayContext } from './context.js';
import { relayLiveStream } from './live-stream.js';
import { transportErrorMessage } from './stream-errors.js';

type Held = { kind: 'complete'; body: Buffer } | { kind: 'released'; live: Promise<void> };

export async function relayHeldStream(ctx: RelayContext): Promise<void> {
  const { record, protocol, guardrails } = ctx;
  const tap = protocol.createTap(() => undefined);
  const parser = new SseFrameParser((frame) => tap.onFrame(frame));
  const held = await hold(ctx, parser);
  if (held.kind === 'released') return held.live;
  if (ctx.countsUsage) record.usage = tap.usage;
  record.responseId = tap.responseId;
  if (!tap.terminal) {
    throw new GatewayError('upstream_status', 'upstream stream ended before its terminal event while the proxy held it for output guardrails', {
      errorCode: 'upstream_stream_interrupted',
    });
  }
  const verdict = guardrails.reviewHeldStream(protocol, held.body);
  if (verdict.unreadable > 0) {
    throw new GatewayError('invalid_upstream_body', `the upstream stream has ${verdict.unreadable} frame(s) that are not JSON, so the output guardrails cannot check them`);
  }
  record.guardrails.push(...verdict.hits);
  if (verdict.blocked !== null) {
    throw new GatewayError('blocked_output', `response blocked by content policy (guardrail '${verdict.blocked.guardrail}')`);
  }
  if (tap.responseId !== null) ctx.noteResponseId(tap.responseId);
  const body = ctx.injectedUsage ? dropUsageChunks(verdict.body, tap) : verdict.body;
  if (tap.inBandError !== null) record.fail('upstream_error', ctx.up.statusCode, tap.inBandError);
  record.status = ctx.up.statusCode;
  ctx.res.writeHead(ctx.up.statusCode, successHeaders(ctx, { 'cache-control': 'no-cache', 'content-length': body.length }));
  record.markFirstByte();
  ctx.res.end(body);
}

function hold(ctx: RelayContext, parser: SseFrameParser): Promise<Held> {
  const cap = ctx.guardrails.holdCapBytes;
  const body = ctx.up.body;
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise((resolve, reject) => {
    let holding = true;
    body.consume({
      data(chunk) {
        if (!holding) return;
        size += chunk.length;
        chunks.push(chunk);
        if (size <= cap) {
          parser.push(chunk);
          return;
        }
        holding = false;
        if (ctx.guardrails.holdOverflow === 'fail_open') {
          // the live relay takes over the body: what arrives from now on queues for it
          resolve({ kind: 'released', live: relayLiveStream(ctx, chunks) });
          return;
        }
        body.discard();
        ctx.abortUpstream();
        reject(new GatewayError('blocked_output', 'response blocked by content policy'));
      },
      end() {
        if (!holding) return;
        parser.end();
        resolve({ kind: 'complete', body: Buffer.concat(chunks, size) });
      },
      error(err) {
        if (!holding) return;
        reject(new GatewayError('upstream_status', transportErrorMessage(err, ctx.idleTimeoutMs), { errorCode: 'upstream_stream_interrupted' }));
      },
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
