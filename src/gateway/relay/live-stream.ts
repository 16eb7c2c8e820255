// Live SSE relay: upstream bytes go to the client as they arrive (no buffering, no re-framing)
// while a side parser taps frames for ids, TTFT and usage. When the proxy injected a usage request
// on a chat stream, frames are re-emitted one by one so that extra usage chunk can be dropped.
// A stream that breaks or goes idle before its terminal event ends with one appended error frame.
import { SseFrameParser, type SseFrame } from '../../sse/frame-parser.js';
import { serializeFrame } from '../../sse/serialize-frame.js';
import { successHeaders, type RelayContext } from './context.js';
import { transportErrorMessage } from './stream-errors.js';

/**
 * Relays the upstream stream live; `held` are chunks already received (and parsed) by a relay
 * that held the stream back before handing it over (a fail-open hold that outgrew its cap).
 */
export function relayLiveStream(ctx: RelayContext, held: readonly Buffer[] = []): Promise<void> {
  const { res, record, protocol, up } = ctx;
  const tap = protocol.createTap(() => record.markFirstByte());
  const monitor = ctx.guardrails.outputPolicy === 'monitor' ? ctx.guardrails.createStreamCollector(protocol) : null;
  const reframe = ctx.injectedUsage;
  let pending = '';
  /** the last two chunks: did the upstream stop at a frame boundary, a line end, mid-line? */
  let last: Buffer | null = null;
  let previous: Buffer | null = null;
  const onFrame = (frame: SseFrame): void => {
    tap.onFrame(frame);
    monitor?.push(frame);
    if (reframe && !tap.isUsageOnly(frame)) pending += serializeFrame(frame);
  };
  const parser = new SseFrameParser(onFrame);

  record.status = up.statusCode;
  res.writeHead(up.statusCode, successHeaders(ctx, { 'cache-control': 'no-cache' }));
  // headers normally leave with the first chunk (one write); flush them alone only if it is late
  setImmediate(() => {
    if (!res.headersSent && !res.destroyed) res.flushHeaders();
  });

  return new Promise<void>((resolve) => {
    const body = up.body;
    let detach = (): void => undefined;
    const finish = (failure: string | null): void => {
      detach();
      const tail = tailOf(previous, last);
      // a frame cut mid-line is not a frame: the tap must not count it (sequence, terminal event)
      if (!endsMidLine(tail)) parser.end();
      if (reframe && pending !== '') res.write(pending);
      if (!tap.terminal && !res.destroyed) {
        const message = failure ?? 'the upstream closed the stream before its terminal event';
        // close whatever partial frame was relayed so the error frame stands on its own
        const gap = reframe || atFrameBoundary(tail) ? '' : '\n\n';
        res.write(gap + protocol.interruptedFrames(message, tap.nextSequence(), tap.responseId));
        record.fail('upstream_error', record.status, { type: 'upstream_error', code: 'upstream_stream_interrupted', message });
      } else if (tap.inBandError !== null) {
        record.fail('upstream_error', record.status, tap.inBandError);
      }
      if (ctx.countsUsage) record.usage = tap.usage;
      record.responseId = tap.responseId;
      if (monitor !== null) record.guardrails.push(...monitor.scan());
      res.end();
      resolve();
    };
    let noted = false;
    const onData = (chunk: Buffer): void => {
      previous = last;
      last = chunk;
      if (!reframe && !res.write(chunk)) body.pause();
      parser.push(chunk);
      if (!noted && tap.responseId !== null) {
        noted = true;
        ctx.noteResponseId(tap.responseId);
      }
      if (reframe && pending !== '') {
        if (!res.write(pending)) body.pause();
        pending = '';
      }
    };
    res.on('drain', () => body.resume());
    for (const chunk of held) onData(chunk);
    detach = body.consume({ data: onData, end: () => finish(null), error: (err) => finish(transportErrorMessage(err, ctx.idleTimeoutMs)) });
  });
}

/** The last (up to) four bytes the upstream sent, as latin1 text. */
function tailOf(previous: Buffer | null, last: Buffer | null): string {
  if (last === null) return '';
  if (last.length >= 4 || previous === null) return last.toString('latin1', Math.max(0, last.length - 4));
  return (previous.toString('latin1', Math.max(0, previous.length - 4)) + last.toString('latin1')).slice(-4);
}

function endsMidLine(tail: string): boolean {
  return tail !== '' && !/[\r\n]$/.test(tail);
}

/** True when the bytes so far end with a blank line (any line endings), or nothing was sent. */
function atFrameBoundary(tail: string): boolean {
  if (tail === '') return true;
  const rest = tail.endsWith('\r\n') ? tail.slice(0, -2) : /[\r\n]$/.test(tail) ? tail.slice(0, -1) : null;
  return rest !== null && /[\r\n]$/.test(rest);
}
