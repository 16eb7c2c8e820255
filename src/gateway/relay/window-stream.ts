// Windowed SSE relay for block-mode output guardrails (`proxy.stream_guardrails: window`,
// DESIGN.md §3): frames are parsed as they arrive and held only until W characters of text follow
// them (the rule and the masking live in guardrails/window-review.ts); released frames go out
// byte for byte (re-serialised only where a mask rewrote them), the response headers with the
// first of them. A block before anything left is hold mode's 422 (the stream is read to its end
// first, so usage is recorded as in hold mode); after, the held frames are dropped, the protocol's
// blocked-stream frames end the stream, and the upstream is aborted (outcome `blocked_output`).
// Over the hold cap: fail closed (422, or the blocked-stream frames once something left) unless
// every holding guardrail fails open — then what is held leaves unscanned and the rest follows
// as it comes. A broken upstream: 502 before anything left, else the held frames are scanned and
// released and the interrupted-stream frames appended, as on the live path.
import { parseBlocks, splitSseBlocks } from '../../guardrails/index.js';
import { rewriteBlock } from '../../guardrails/sse-blocks.js';
import type { WindowReview, WindowStep } from '../../guardrails/window-review.js';
import type { StreamTap } from '../../protocols/index.js';
import type { SseFrame } from '../../sse/frame-parser.js';
import { GatewayError } from '../errors.js';
import { successHeaders, type RelayContext } from './context.js';
import { transportErrorMessage } from './stream-errors.js';

interface HeldBlock {
  readonly block: Buffer;
  readonly frame: SseFrame | null;
}

const EMPTY = Buffer.alloc(0);
const LF = 10;
const CR = 13;

export function relayWindowStream(ctx: RelayContext): Promise<void> {
  return new WindowRelay(ctx).run();
}

/** True when the block ends with its blank line (a complete frame), whatever the line endings. */
function endsBlock(b: Buffer): boolean {
  const n = b.length;
  const last = b[n - 1];
  if (last !== LF && last !== CR) return false;
  const end = last === LF && b[n - 2] === CR ? n - 2 : n - 1;
  return end === 0 || b[end - 1] === LF || b[end - 1] === CR;
}

class WindowRelay {
  /** reads what arrives: ids, usage, the terminal event */
  private readonly tap: StreamTap;
  /** reads what was sent: the first content delta sent (ttft), the next sequence number */
  private readonly sentTap: StreamTap;
  private readonly review: WindowReview;
  private pending: Buffer = EMPTY;
  private held: HeldBlock[] = [];
  private heldBytes = 0;
  /** window: reviewing; drain: blocked before anything left, reading on for usage; open: over the cap, failing open */
  private mode: 'window' | 'drain' | 'open' | 'done' = 'window';
  private started = false;
  /** the upstream's body is over (ended or failed) */
  private ended = false;
  private noted = false;
  private early: GatewayError | null = null;
  private settle: { resolve: () => void; reject: (err: unknown) => void } | null = null;

  constructor(private readonly ctx: RelayContext) {
    this.tap = ctx.protocol.createTap(() => undefined);
    this.sentTap = ctx.protocol.createTap(() => ctx.record.markFirstByte());
    this.review = ctx.guardrails.createWindowReview(ctx.protocol);
  }

  run(): Promise<void> {
    const body = this.ctx.up.body;
    return new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
      this.ctx.res.on('drain', () => body.resume());
      body.consume({
        data: (chunk) => this.onData(chunk),
        end: () => this.onEnd(null),
        error: (err) => this.onEnd(transportErrorMessage(err, this.ctx.idleTimeoutMs)),
      });
    });
  }

  private onData(chunk: Buffer): void {
    if (this.mode === 'done') return;
    const blocks = this.take(chunk);
    for (const block of blocks) this.arrive(block);
    if (this.mode !== 'window') return;
    if (blocks.length > 0) this.apply(this.review.step(false));
    if (this.mode === 'window' && this.heldBytes + this.pending.length > this.ctx.guardrails.holdCapBytes) this.overflow();
  }

  /** The complete blocks of what arrived so far; an unfinished one waits in `pending`. */
  private take(chunk: Buffer): Buffer[] {
    const buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const blocks = splitSseBlocks(buf);
    const last = blocks[blocks.length - 1];
    this.pending = last !== undefined && !endsBlock(last) ? (blocks.pop() as Buffer) : EMPTY;
    return blocks;
  }

  private arrive(block: Buffer): void {
    const frame = parseBlocks([block])[0] ?? null;
    if (frame !== null) this.tap.onFrame(frame);
    if (this.mode === 'open') return this.send([{ block, frame, data: null }]);
    if (this.mode !== 'window') return;
    this.held.push({ block, frame });
    this.heldBytes += block.length;
    this.review.push(frame === null ? null : frame.data);
  }

  private apply(step: WindowStep): void {
    if (step.kind === 'unreadable') return this.unreadable();
    if (step.kind === 'blocked') {
      this.ctx.record.guardrails.push(...this.review.hits);
      return this.block(`response blocked by content policy (guardrail '${step.blocked.guardrail}')`, true);
    }
    if (step.frames.length === 0) return;
    const released = this.held.splice(0, step.frames.length);
    for (const h of released) this.heldBytes -= h.block.length;
    this.send(released.map((h, i) => ({ ...h, data: step.frames[i] ?? null })));
  }

  /** Writes released frames (the headers first, once); chat's injected usage chunk stays behind. */
  private send(items: readonly (HeldBlock & { data: string | null })[]): void {
    const { ctx } = this;
    const { res } = ctx;
    if (!this.started) {
      this.started = true;
      ctx.record.status = ctx.up.statusCode;
      if (!res.destroyed) res.writeHead(ctx.up.statusCode, successHeaders(ctx, { 'cache-control': 'no-cache' }));
    }
    if (!this.noted && this.tap.responseId !== null) {
      this.noted = true;
      ctx.noteResponseId(this.tap.responseId);
    }
    const out: Buffer[] = [];
    for (const { block, frame, data } of items) {
      if (frame !== null && ctx.injectedUsage && this.tap.isUsageOnly(frame)) continue;
      out.push(data === null ? block : rewriteBlock(block, data));
      if (frame !== null) this.sentTap.onFrame(data === null ? frame : { ...frame, data });
    }
    if (out.length > 0 && !res.destroyed && !res.write(out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out))) ctx.up.body.pause();
  }

  /** A block: before anything left, hold mode's 422 (`drain`: once the stream is read for usage); after, the blocked-stream frames. */
  private block(message: string, drain: boolean): void {
    const { ctx } = this;
    this.held = [];
    this.heldBytes = 0;
    if (!this.started) {
      this.early = new GatewayError('blocked_output', message);
      if (drain && !this.ended) {
        this.mode = 'drain';
        return;
      }
      if (!this.ended) this.stopUpstream();
      return this.fail(this.early);
    }
    if (!ctx.res.destroyed) ctx.res.write(ctx.protocol.blockedFrames(message, this.sentTap.nextSequence(), this.tap.responseId));
    ctx.record.fail('blocked_output', ctx.record.status, { type: 'content_filter', code: 'content_filter', message });
    if (!this.ended) this.stopUpstream();
    this.done();
  }

  private unreadable(): void {
    const message = 'the upstream stream has a frame that is not JSON, so the output guardrails cannot check it';
    if (!this.ended) this.stopUpstream();
    if (!this.started) return this.fail(new GatewayError('invalid_upstream_body', message));
    this.interrupted(message, 'invalid_upstream_body');
    this.done();
  }

  /** Over the hold cap: fail closed, or (every holding guardrail fails open) release unscanned from here on. */
  private overflow(): void {
    if (this.ctx.guardrails.holdOverflow === 'fail_closed') return this.block('response blocked by content policy', false);
    this.mode = 'open';
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    this.send(held.map((h) => ({ ...h, data: null })));
  }

  private onEnd(failure: string | null): void {
    if (this.mode === 'done') return;
    const { ctx } = this;
    this.ended = true;
    // a last frame without its blank line still counts; one cut mid-line does not (and is dropped)
    const rest = this.pending;
    this.pending = EMPTY;
    if (rest.length > 0 && failure === null && (rest[rest.length - 1] === LF || rest[rest.length - 1] === CR)) this.arrive(rest);
    if (this.mode === 'drain') return this.fail(this.early as GatewayError);
    if (this.mode === 'window') {
      if (!this.started && !this.tap.terminal) {
        const message = failure ?? 'upstream stream ended before its terminal event while the proxy held it for output guardrails';
        return this.fail(new GatewayError('upstream_status', message, { errorCode: 'upstream_stream_interrupted' }));
      }
      this.apply(this.review.step(true));
      if (this.mode !== 'window') return;
      ctx.record.guardrails.push(...this.review.hits);
    }
    if (!this.tap.terminal) this.interrupted(failure ?? 'the upstream closed the stream before its terminal event', 'upstream_stream_interrupted');
    else if (this.tap.inBandError !== null) ctx.record.fail('upstream_error', ctx.record.status, this.tap.inBandError);
    this.done();
  }

  /** The protocol's interrupted-stream frames after what was sent, and the outcome. */
  private interrupted(message: string, code: string): void {
    const { ctx } = this;
    if (!ctx.res.destroyed) ctx.res.write(ctx.protocol.interruptedFrames(message, this.sentTap.nextSequence(), this.tap.responseId));
    ctx.record.fail('upstream_error', ctx.record.status, { type: 'upstream_error', code, message });
  }

  private stopUpstream(): void {
    this.ctx.up.body.discard();
    this.ctx.abortUpstream();
  }

  private record(): void {
    const { record, countsUsage } = this.ctx;
    if (countsUsage) record.usage = this.tap.usage;
    record.responseId = this.tap.responseId;
  }

  private done(): void {
    this.mode = 'done';
    this.record();
    this.ctx.res.end();
    this.settle?.resolve();
  }

  private fail(err: GatewayError): void {
    this.mode = 'done';
    this.record();
    this.settle?.reject(err);
  }
}
