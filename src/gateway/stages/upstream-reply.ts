// An upstream reply read through undici's lower-level dispatch API: no Readable stream, no
// promise per chunk — the bench profile pinned the throughput gap on request()'s per-reply body.
// The handler resolves with the status and headers, then hands body chunks to exactly one
// consumer at a time (a relay); chunks that arrive before a consumer attaches are queued, so a
// relay that takes over from another (a held stream released live) loses nothing. Pause and
// resume go straight to undici's controller (backpressure reaches the upstream socket). A body can
// also be fed by the gateway itself (a cached answer, a replayed tape, a fault's rewrite of another
// body), and one observer may watch every event as it arrives (the tape recorder's tap).
import type { Dispatcher } from 'undici';

export interface BodySink {
  data(chunk: Buffer): void;
  end(): void;
  error(err: Error): void;
}

/** One thing that happens to a body: a chunk, its end, or its failure. */
export type BodyEvent = { kind: 'data'; chunk: Buffer } | { kind: 'end' } | { kind: 'error'; err: Error };
type Queued = BodyEvent;

/** What pause and resume reach: undici's controller, or the body a rewritten one is fed from. */
export interface FlowControl {
  pause(): void;
  resume(): void;
}

export class ReplyBody {
  private sink: BodySink | null = null;
  private readonly queue: Queued[] = [];
  private controller: FlowControl | null = null;
  private observer: ((event: BodyEvent) => void) | null = null;
  private done = false;
  private wantPause = false;

  /**
   * Attaches the consumer, delivering what was queued first; returns the detach function. A
   * consumer that hands over to another while being fed (inside `data`) leaves the rest of the
   * queue to the new one, in order.
   */
  consume(sink: BodySink): () => void {
    this.sink = sink;
    while (this.sink === sink && this.queue.length > 0) this.deliver(sink, this.queue.shift() as Queued);
    return () => {
      if (this.sink === sink) this.sink = null;
    };
  }

  private deliver(sink: BodySink, event: Queued): void {
    if (event.kind === 'data') sink.data(event.chunk);
    else if (event.kind === 'end') sink.end();
    else sink.error(event.err);
  }

  /** Reads the whole body into one Buffer. */
  readAll(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      this.consume({
        data: (chunk) => {
          chunks.push(chunk);
          size += chunk.length;
        },
        end: () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)),
        error: reject,
      });
    });
  }

  /** Reads and drops the rest (a redirect's body, say). */
  discard(): void {
    this.consume({ data: () => undefined, end: () => undefined, error: () => undefined });
    this.resume();
  }

  /** paused by its consumer (a slow client): silence then is ours, not the upstream's */
  get paused(): boolean {
    return this.wantPause;
  }

  pause(): void {
    this.wantPause = true;
    if (!this.done) this.controller?.pause();
  }

  resume(): void {
    this.wantPause = false;
    if (!this.done) this.controller?.resume();
  }

  /**
   * Sees every event before its consumer does (one observer: the tape recorder), starting with
   * those already queued: attach it before any consumer, and it sees the whole body.
   */
  observe(observer: (event: BodyEvent) => void): void {
    this.observer = observer;
    for (const event of this.queue) observer(event);
  }

  /** @internal the feeding side: undici's handler, or the gateway feeding a body of its own */
  attach(controller: FlowControl): void {
    this.controller = controller;
    if (this.wantPause) controller.pause();
  }

  /** @internal the feeding side */
  push(event: Queued): void {
    this.observer?.(event);
    if (event.kind !== 'data') this.done = true;
    const sink = this.sink;
    if (sink === null || this.queue.length > 0) this.queue.push(event);
    else this.deliver(sink, event);
  }
}

/** Whether a reply is an event stream (its content type), whatever the request asked for. */
export function isEventStream(headers: UpstreamReply['headers']): boolean {
  return String(headers['content-type'] ?? '').includes('text/event-stream');
}

export interface UpstreamReply {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: ReplyBody;
}

export interface DispatchSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  once(event: 'abort', listener: () => void): unknown;
  off(event: 'abort', listener: () => void): unknown;
}

/**
 * The handler for one dispatch: settles `resolve`/`reject` at the response headers (or failure).
 * `idleTimeoutMs` (> 0) is the longest silence allowed between body chunks once the headers are
 * in: our own timer, refreshed per chunk, since undici's coarse body timer fires up to a second late.
 */
export function replyHandler(
  signal: DispatchSignal,
  idleTimeoutMs: number,
  resolve: (reply: UpstreamReply) => void,
  reject: (err: unknown) => void,
): Dispatcher.DispatchHandler {
  const body = new ReplyBody();
  let started = false;
  let controller: Dispatcher.DispatchController | null = null;
  let idle: NodeJS.Timeout | null = null;
  let settled = false;
  const onAbort = (): void => {
    if (controller !== null) return controller.abort(abortReason(signal.reason));
    // still connecting: undici has no controller to abort yet, so answer now (a deadline or a
    // client that left must not wait for the connect timeout); onRequestStart aborts it later
    settled = true;
    settle();
    reject(abortReason(signal.reason));
  };
  signal.once('abort', onAbort);
  const settle = (): void => {
    signal.off('abort', onAbort);
    if (idle !== null) clearTimeout(idle);
  };
  return {
    onRequestStart(c) {
      controller = c;
      body.attach(c);
      if (signal.aborted) c.abort(abortReason(signal.reason));
    },
    onResponseStart(_c, statusCode, headers) {
      if (settled || statusCode < 200) return; // 1xx informational: the real answer follows
      started = true;
      if (idleTimeoutMs > 0) {
        idle = setTimeout(function onIdle() {
          if (body.paused) idle = setTimeout(onIdle, idleTimeoutMs);
          else controller?.abort(idleError(idleTimeoutMs));
        }, idleTimeoutMs);
      }
      resolve({ statusCode, headers, body });
    },
    onResponseData(_c, chunk) {
      idle?.refresh();
      body.push({ kind: 'data', chunk });
    },
    onResponseEnd() {
      settle();
      body.push({ kind: 'end' });
    },
    onResponseError(_c, err) {
      settle();
      if (started) body.push({ kind: 'error', err });
      else if (!settled) reject(err);
    },
  };
}

function idleError(ms: number): Error {
  return Object.assign(new Error(`no upstream data for ${ms} ms`), { code: 'UND_ERR_BODY_TIMEOUT' });
}

function abortReason(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  return Object.assign(new Error('the request was aborted'), { name: 'AbortError', code: 'UND_ERR_ABORTED' });
}

/** A reply whose body is already known (a cached answer): delivered to its consumer as one chunk. */
export function replyFromBytes(statusCode: number, headers: UpstreamReply['headers'], bytes: Buffer): UpstreamReply {
  const body = new ReplyBody();
  body.push({ kind: 'data', chunk: bytes });
  body.push({ kind: 'end' });
  return { statusCode, headers, body };
}

/** A reply whose body the gateway feeds itself (`body.push`); pause and resume reach `flow`, when given. */
export function fedReply(statusCode: number, headers: UpstreamReply['headers'], flow: FlowControl | null = null): UpstreamReply {
  const body = new ReplyBody();
  if (flow !== null) body.attach(flow);
  return { statusCode, headers, body };
}
