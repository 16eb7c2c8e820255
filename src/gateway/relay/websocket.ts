// The WebSocket relay (DESIGN.md §11): the only code that writes to a client WebSocket. A turn's
// server events go out one text frame each, as the upstream sent them (those of one upstream read
// in one write), while the protocol's tap reads ids, the first delta and usage on the side (by each
// event's leading `type`, parsing only the events that carry them); output guardrails work as on
// SSE — `hold` keeps the turn's events until its terminal event and releases them (masked where a mask fired)
// or refuses the turn; `window` (the same stream policy and review as SSE: guardrails/window-*.ts)
// releases each event once W characters of text follow it, refuses the turn on a block before
// anything left and ends it with the protocol's blocked-stream events after (the upstream socket
// stays: the rest of the turn is read and dropped); monitor scans at the end. A turn the proxy refuses gets
// `{"type":"error","status":<http status>,"error":{…envelope…}}` and the socket stays open; an
// upstream that breaks mid-answer ends the turn with the protocol's interrupted-stream events.
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ProxySettings } from '../../config/types.js';
import { parseBlocks, splitSseBlocks, type GuardrailChain, type StreamCollector } from '../../guardrails/index.js';
import type { WindowReview, WindowStep } from '../../guardrails/window-review.js';
import { streamRelay } from '../../guardrails/window-policy.js';
import type { Protocol, StreamTap } from '../../protocols/index.js';
import { scanLeadingType } from '../../protocols/scan-json.js';
import type { SseFrame } from '../../sse/frame-parser.js';
import { GatewayError } from '../errors.js';
import type { RequestRecord } from '../record/request-record.js';

const OPEN = 1;
/** a client that lets this much pile up in its socket buffer pauses the upstream until it drains */
const HIGH_WATER = 1024 * 1024;

/** Sends one text frame if the socket is still open; `sent` runs once it left the buffer. */
export function sendFrame(socket: WebSocket, text: string, sent?: () => void): void {
  if (socket.readyState === OPEN) socket.send(text, sent);
}

/** The connection under a ws WebSocket (ws keeps it in `_socket`, which its typings leave out), or null. */
function connectionOf(socket: WebSocket): Duplex | null {
  const raw = (socket as unknown as { _socket?: unknown })._socket;
  return raw instanceof Duplex ? raw : null;
}

export interface FlowControl {
  pause(): void;
  resume(): void;
}

/** An error event for a refused or failed turn: the route's envelope, with its status. */
export function sendErrorEvent(socket: WebSocket, error: GatewayError, protocol: Protocol | null): void {
  const envelope = JSON.parse(error.body(protocol)) as Record<string, unknown>;
  sendFrame(socket, JSON.stringify({ type: 'error', status: error.status, ...envelope }));
}

/** The JSON texts of SSE bytes, frame by frame (to send held or appended frames as socket frames). */
function framesOf(sse: Buffer): string[] {
  return parseBlocks(splitSseBlocks(sse)).flatMap((frame) => (frame === null ? [] : [frame.data]));
}

export interface TurnRelayOptions {
  socket: WebSocket;
  record: RequestRecord;
  protocol: Protocol;
  guardrails: GuardrailChain;
  /** the response id, as soon as it is seen (bound to the caller) */
  noteResponseId: (id: string) => void;
  /** the stream policy's settings (window mode); absent: hold, as AISIX */
  proxy?: Pick<ProxySettings, 'streamGuardrails' | 'streamGuardrailWindow'>;
}

export class TurnRelay {
  private readonly tap: StreamTap;
  private readonly monitor: StreamCollector | null;
  private holding: boolean;
  private held: string[] = [];
  private heldBytes = 0;
  /** the turn was refused mid-way (over the hold cap): later events are read, not sent */
  private refused = false;
  private noted = false;
  private flow: FlowControl | null = null;
  private paused = false;
  /** window mode: the review, and a tap over what was sent (first delta sent, sequence numbers) */
  private window: WindowReview | null = null;
  private readonly sentTap: StreamTap;
  private started = false;
  /** the client connection is corked until the next tick: one write for the events of an upstream read */
  private corked = false;

  constructor(private readonly o: TurnRelayOptions) {
    const policy = streamRelay(o.guardrails, o.proxy ?? { streamGuardrails: 'hold', streamGuardrailWindow: 0 });
    this.tap = o.protocol.createTap(() => {
      if (policy !== 'window') o.record.markFirstByte();
    });
    this.sentTap = o.protocol.createTap(() => o.record.markFirstByte());
    this.holding = policy === 'hold';
    if (policy === 'window') this.window = o.guardrails.createWindowReview(o.protocol);
    this.monitor = o.guardrails.outputPolicy === 'monitor' ? o.guardrails.createStreamCollector(o.protocol) : null;
    o.record.status = 200;
  }

  /** Where to push back when the client reads slower than the upstream writes. */
  flowControl(flow: FlowControl): void {
    this.flow = flow;
  }

  /** A frame to the client; over the high-water mark the source pauses until the buffer drains. */
  private send(text: string): void {
    const { socket } = this.o;
    if (!this.corked) this.cork(socket);
    if (this.flow === null || socket.bufferedAmount < HIGH_WATER) return sendFrame(socket, text);
    if (!this.paused) {
      this.paused = true;
      this.flow.pause();
    }
    sendFrame(socket, text, () => {
      if (this.paused && socket.bufferedAmount < HIGH_WATER) {
        this.paused = false;
        this.flow?.resume();
      }
    });
  }

  /**
   * Corks the client connection until the next tick, so the events sent from one upstream read
   * leave in one write instead of one each.
   */
  private cork(socket: WebSocket): void {
    const connection = connectionOf(socket);
    if (connection === null) return;
    this.corked = true;
    connection.cork();
    process.nextTick(() => {
      this.corked = false;
      connection.uncork();
    });
  }

  /** One server event (a JSON text); true once the turn's terminal event was seen. */
  event(data: string): boolean {
    // the tap reads the event by its leading `type`, as an SSE frame's `event:` line, so it parses
    // only the frames whose facts it needs (the monitor gets the event as it came)
    const frame: SseFrame = { event: null, data };
    this.tap.onFrame({ event: scanLeadingType(data), data });
    if (!this.noted && this.tap.responseId !== null) {
      this.noted = true;
      this.o.noteResponseId(this.tap.responseId);
    }
    if (this.refused) return this.tap.terminal;
    this.monitor?.push(frame);
    if (this.window !== null) this.windowEvent(this.window, data);
    else if (!this.holding) this.send(data);
    else this.hold(data);
    return this.tap.terminal;
  }

  private windowEvent(window: WindowReview, data: string): void {
    this.held.push(data);
    this.heldBytes += Buffer.byteLength(data) + 8;
    window.push(data);
    this.applyWindow(window, window.step(false));
    if (this.refused || this.window === null || this.heldBytes <= this.o.guardrails.holdCapBytes) return;
    if (this.o.guardrails.holdOverflow === 'fail_closed') return this.blockWindow('response blocked by content policy');
    this.window = null; // fail_open: what is held leaves unscanned, the rest goes live
    this.releaseWindow(this.held.map(() => null));
  }

  private applyWindow(window: WindowReview, step: WindowStep): void {
    if (step.kind === 'release') return this.releaseWindow(step.frames);
    if (step.kind === 'blocked') {
      this.o.record.guardrails.push(...window.hits);
      return this.blockWindow(`response blocked by content policy (guardrail '${step.blocked.guardrail}')`);
    }
    const message = 'the upstream sent an event that is not JSON, so the output guardrails cannot check it';
    this.endHeld(new GatewayError('invalid_upstream_body', message), (seq, id) => this.o.protocol.interruptedFrames(message, seq, id), () =>
      this.o.record.fail('upstream_error', 200, { type: 'upstream_error', code: 'invalid_upstream_body', message }),
    );
  }

  /** Sends the first `edited.length` held events (each rewritten, or as received when null). */
  private releaseWindow(edited: readonly (string | null)[]): void {
    const out = this.held.splice(0, edited.length);
    out.forEach((data, i) => {
      this.heldBytes -= Buffer.byteLength(data) + 8;
      const text = edited[i] ?? data;
      this.started = true;
      this.sentTap.onFrame({ event: null, data: text });
      this.send(text);
    });
  }

  /** A block: the turn is refused before anything left, else ends with the blocked-stream events. */
  private blockWindow(message: string): void {
    this.endHeld(new GatewayError('blocked_output', message), (seq, id) => this.o.protocol.blockedFrames(message, seq, id), () =>
      this.o.record.fail('blocked_output', 200, { type: 'content_filter', code: 'content_filter', message }),
    );
  }

  /** Drops what is held: the turn is refused with `error` before anything left, else it ends with the protocol's closing events. */
  private endHeld(error: GatewayError, closing: (sequence: number, responseId: string | null) => string, recordFailure: () => void): void {
    this.held = [];
    this.refused = true;
    if (!this.started) return this.refuse(error);
    for (const text of framesOf(Buffer.from(closing(this.sentTap.nextSequence(), this.tap.responseId)))) this.send(text);
    recordFailure();
  }

  private hold(data: string): void {
    this.held.push(data);
    this.heldBytes += Buffer.byteLength(data) + 8;
    if (this.heldBytes <= this.o.guardrails.holdCapBytes) return;
    if (this.o.guardrails.holdOverflow === 'fail_open') {
      for (const text of this.held) this.send(text);
      this.held = [];
      this.holding = false; // fail_open: what was held is out, the rest goes live, unscanned
      return;
    }
    this.refused = true;
    this.held = [];
    this.refuse(new GatewayError('blocked_output', 'response blocked by content policy'));
  }

  /** The upstream's answer is over: `failure` is why it stopped early, or null. */
  finish(failure: string | null): void {
    const { record, protocol } = this.o;
    record.usage = this.tap.usage;
    record.responseId = this.tap.responseId;
    if (this.monitor !== null) record.guardrails.push(...this.monitor.scan());
    if (this.refused) return;
    if (this.window !== null) {
      if (!this.tap.terminal && !this.started) {
        const message = failure ?? 'the upstream ended the response before its terminal event';
        this.refuse(new GatewayError('upstream_status', `${message} while the proxy held it for output guardrails`, { errorCode: 'upstream_stream_interrupted' }));
        return;
      }
      this.applyWindow(this.window, this.window.step(true));
      if (this.refused) return;
      record.guardrails.push(...this.window.hits);
    }
    if (!this.tap.terminal) {
      const message = failure ?? 'the upstream ended the response before its terminal event';
      if (this.holding) {
        this.refuse(new GatewayError('upstream_status', `${message} while the proxy held it for output guardrails`, { errorCode: 'upstream_stream_interrupted' }));
        return;
      }
      for (const text of framesOf(Buffer.from(protocol.interruptedFrames(message, this.tap.nextSequence(), this.tap.responseId)))) this.send(text);
      record.fail('upstream_error', 200, { type: 'upstream_error', code: 'upstream_stream_interrupted', message });
      return;
    }
    if (this.holding) this.release();
    if (this.tap.inBandError !== null) record.fail('upstream_error', 200, this.tap.inBandError);
  }

  private release(): void {
    const { guardrails, protocol, record, socket } = this.o;
    const sse = Buffer.from(this.held.map((data) => `data: ${data}\n\n`).join(''));
    this.held = [];
    const verdict = guardrails.reviewHeldStream(protocol, sse);
    if (verdict.unreadable > 0) {
      this.refuse(new GatewayError('invalid_upstream_body', `the upstream sent ${verdict.unreadable} event(s) that are not JSON, so the output guardrails cannot check them`));
      return;
    }
    record.guardrails.push(...verdict.hits);
    if (verdict.blocked !== null) {
      this.refuse(new GatewayError('blocked_output', `response blocked by content policy (guardrail '${verdict.blocked.guardrail}')`));
      return;
    }
    record.markFirstByte();
    for (const text of framesOf(verdict.body)) sendFrame(socket, text);
    this.paused = false;
  }

  private refuse(error: GatewayError): void {
    this.o.record.fail(error.outcome, error.status, { type: error.type, code: error.errorCode, message: error.message });
    sendErrorEvent(this.o.socket, error, this.o.protocol);
  }
}
