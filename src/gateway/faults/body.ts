// Faults that act on an answer's body (DESIGN.md §12): on event streams, `cut_after_events` breaks
// the stream after N events (the relay appends the interrupted-stream frames, as for any broken
// upstream), `reset_after_events` drops the client's connection after N events, `stall_ms` goes
// silent after the first event (at the upstream, a stall longer than the stream idle timeout is
// broken by it, as a real one would be), `malformed` sends a frame that is not JSON after the first
// event; on JSON answers `malformed` cuts the body in half. Bytes before the fault pass unchanged;
// pause and resume reach the body the rewrite is fed from. Kinds that need a stream leave other
// answers alone (and the request is not marked).
import type { Fault } from '../../config/types.js';
import { EventEnds } from '../../sse/event-ends.js';
import { SseFrameParser } from '../../sse/frame-parser.js';
import { dropClient } from '../relay/drop.js';
import type { RequestContext } from '../routes/context.js';
import { fedReply, isEventStream, type BodyEvent, type ReplyBody, type UpstreamReply } from '../stages/upstream-reply.js';
import type { ChosenFault } from './choose.js';

export interface BodyFaultHooks {
  /** what names the fault in messages: `proxy.faults[0]` */
  source: string;
  /** stops the upstream call the answer comes from */
  stopUpstream(): void;
  /** drops the client's connection once what was relayed has left, then calls `then` */
  dropClient(then: () => void): void;
  /** at the upstream: the stream idle timeout a long stall runs into; 0 at the client */
  idleTimeoutMs: number;
  /** the fault acted on the answer */
  acted(): void;
}

/** A request's chosen fault on its answer: marks the record when it acts; a reset drops this request's client. */
export function applyBodyFault(ctx: RequestContext, reply: UpstreamReply, { rule, source }: ChosenFault, stopUpstream: () => void, idleTimeoutMs: number): UpstreamReply {
  const { fault } = rule;
  return faultBody(reply, fault, {
    source,
    stopUpstream,
    idleTimeoutMs,
    dropClient: (then) => dropClient({ res: ctx.res, socket: ctx.turn?.socket ?? null, record: ctx.record }, `aisix fault: the client connection was dropped (${source})`, then),
    acted: () => void (ctx.record.fault = fault.kind),
  });
}

/** The answer with the fault applied, or `reply` itself when this fault does not act on its body. */
export function faultBody(reply: UpstreamReply, fault: Fault, hooks: BodyFaultHooks): UpstreamReply {
  if (reply.statusCode >= 300 || fault.kind === 'status' || fault.kind === 'delay') return reply;
  const stream = isEventStream(reply.headers);
  if (!stream) return fault.kind === 'malformed' ? halveJson(reply, hooks) : reply;
  return new StreamFault(reply, fault, hooks).reply;
}

function halveJson(reply: UpstreamReply, hooks: BodyFaultHooks): UpstreamReply {
  const out = fedReply(reply.statusCode, reply.headers);
  reply.body.readAll().then(
    (bytes) => {
      hooks.acted();
      out.body.push({ kind: 'data', chunk: bytes.subarray(0, Math.floor(bytes.length / 2)) });
      out.body.push({ kind: 'end' });
    },
    (err: Error) => out.body.push({ kind: 'error', err }),
  );
  return out;
}

type StreamFaultKind = Extract<Fault, { kind: 'cut' | 'reset' | 'stall' | 'malformed' }>;

class StreamFault {
  readonly reply: UpstreamReply;
  private readonly out: ReplyBody;
  private readonly ends = new EventEnds();
  /** events relayed so far */
  private events = 0;
  private readonly threshold: number;
  private state: 'before' | 'after' | 'stalled' | 'stopped' = 'before';
  /** the first event's bytes (malformed: its event name is reused) */
  private first: Buffer[] = [];
  /** what arrived during a stall */
  private held: BodyEvent[] = [];

  constructor(
    private readonly source: UpstreamReply,
    private readonly fault: StreamFaultKind,
    private readonly hooks: BodyFaultHooks,
  ) {
    this.reply = fedReply(source.statusCode, source.headers, source.body);
    this.out = this.reply.body;
    this.threshold = fault.kind === 'cut' || fault.kind === 'reset' ? fault.afterEvents : 1;
    if (this.threshold === 0) this.act(Buffer.alloc(0));
    source.body.consume({ data: (chunk) => this.data(chunk), end: () => this.pass({ kind: 'end' }), error: (err) => this.pass({ kind: 'error', err }) });
  }

  private data(chunk: Buffer): void {
    if (this.state !== 'before') return this.pass({ kind: 'data', chunk });
    if (this.fault.kind === 'malformed') this.first.push(chunk);
    const ends = this.ends.feed(chunk);
    const left = this.threshold - this.events;
    if (ends.length < left) {
      this.events += ends.length;
      this.out.push({ kind: 'data', chunk });
      return;
    }
    const at = ends[left - 1] as number;
    this.events = this.threshold;
    if (at > 0) this.out.push({ kind: 'data', chunk: chunk.subarray(0, at) });
    this.act(chunk.subarray(at));
  }

  /** What follows the fault's point, by state: relayed, held (stall) or dropped (stopped). */
  private pass(event: BodyEvent): void {
    if (this.state === 'stopped') return;
    if (this.state === 'stalled') {
      this.held.push(event);
      return;
    }
    if (event.kind === 'data' && event.chunk.length === 0) return;
    this.out.push(event);
  }

  private act(rest: Buffer): void {
    const { fault, hooks } = this;
    hooks.acted();
    switch (fault.kind) {
      case 'cut':
        this.stop(new Error(`aisix fault: cut after ${fault.afterEvents} event${fault.afterEvents === 1 ? '' : 's'} (${hooks.source})`));
        return;
      case 'reset':
        this.state = 'stopped';
        hooks.stopUpstream();
        hooks.dropClient(() => this.out.push({ kind: 'error', err: new Error(`aisix fault: client connection dropped (${hooks.source})`) }));
        return;
      case 'malformed':
        this.state = 'after';
        this.out.push({ kind: 'data', chunk: Buffer.from(malformedFrame(firstEventName(this.first))) });
        this.first = [];
        this.pass({ kind: 'data', chunk: rest });
        return;
      case 'stall':
        this.stall(fault.ms, rest);
        return;
    }
  }

  private stall(ms: number, rest: Buffer): void {
    this.state = 'stalled';
    if (rest.length > 0) this.held.push({ kind: 'data', chunk: rest });
    this.source.body.pause();
    const idle = this.hooks.idleTimeoutMs;
    if (idle > 0 && ms >= idle) {
      // as from a silent upstream: the proxy's own idle timeout ends the stream
      setTimeout(() => this.stop(Object.assign(new Error(`no upstream data for ${idle} ms`), { code: 'UND_ERR_BODY_TIMEOUT' })), idle);
      return;
    }
    setTimeout(() => {
      if (this.state !== 'stalled') return;
      this.state = 'after';
      for (const event of this.held.splice(0)) this.pass(event);
      this.source.body.resume();
    }, ms);
  }

  private stop(err: Error): void {
    this.state = 'stopped';
    this.held = [];
    this.hooks.stopUpstream();
    this.out.push({ kind: 'error', err });
  }
}

/** The event name of the first frame, so the bad frame is one the client's parser reads as JSON. */
function firstEventName(chunks: readonly Buffer[]): string | null {
  let name: string | null = null;
  let seen = false;
  const parser = new SseFrameParser((frame) => {
    if (!seen) name = frame.event;
    seen = true;
  });
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return name;
}

function malformedFrame(event: string | null): string {
  return `${event === null ? '' : `event: ${event}\n`}data: {"aisix_fault": malformed, this frame is not JSON\n\n`;
}
