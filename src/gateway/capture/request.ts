// One request's capture (DESIGN.md §13, `proxy.capture_bodies`): started when an HTTP request
// arrives (its response tee'd at once, the route's context attached once matched) or when a
// WebSocket turn starts (the socket's frames tee'd for the turn); handed to the store by the
// RequestRecord just before `request.finished`, so a UI that hears of the request can read it.
// The request: method, URL, headers (redacted), the bytes the client sent (`ctx.rawBody`: read by
// the body stages, or a turn's frame; null where the body was streamed through unread, as on
// passthrough routes without tapes). The response: status, headers sent, the bytes the client got, the assembled
// answer. Timings from the record. A failure here is a `warning`, never the request's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../config/types.js';
import type { EventBus } from '../../events/bus.js';
import type { CapturedExchange } from '../../events/capture.js';
import type { RequestFinished } from '../../events/types.js';
import type { Protocol } from '../../protocols/index.js';
import type { CaptureHook, RequestRecord } from '../record/request-record.js';
import type { RequestContext } from '../routes/context.js';
import { isEventStream } from '../stages/upstream-reply.js';
import { assembleCaptured, type AnswerForm } from './assemble.js';
import { BodyTap } from './body.js';
import { redactedHeaders, redactedUrl } from './headers.js';
import type { CaptureStore } from './store.js';
import { teeFrames, teeResponse } from './tee.js';

const NEWLINE = Buffer.from('\n');

interface Exchange {
  record: RequestRecord;
  event: RequestFinished;
  config: Config;
  req: IncomingMessage;
  rawBody: Buffer | null;
  /** redacted */
  responseHeaders: Record<string, string>;
  response: BodyTap;
  form: AnswerForm;
  protocol: Protocol | null;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function exchangeOf(x: Exchange): CapturedExchange {
  const { record, event, config } = x;
  const requestBody = new BodyTap(config.proxy.captureMaxBytes);
  if (x.rawBody !== null) requestBody.push(x.rawBody);
  const body = x.response.captured(config);
  return {
    id: event.id,
    time: event.time,
    request: {
      method: event.method,
      url: redactedUrl(x.req.url ?? '/', config),
      headers: redactedHeaders(x.req.headers, config),
      body: requestBody.captured(config),
    },
    response: {
      status: event.status,
      headers: x.responseHeaders,
      body,
      assembled: assembleCaptured(x.protocol, event.status, body, x.form, config),
    },
    timings: {
      queue_ms: record.upstreamStartedAt === null ? null : round(record.upstreamStartedAt - record.startedAt),
      upstream_headers_ms: event.upstream_ms,
      first_token_ms: event.ttft_ms,
      total_ms: event.latency_ms,
    },
  };
}

function keep(store: CaptureStore, bus: EventBus, build: () => CapturedExchange): void {
  try {
    store.put(build());
  } catch (err) {
    bus.emit('warning', { message: `body capture failed: ${err instanceof Error ? err.message : String(err)}` });
  }
}

/** An HTTP request's capture: the response tee'd from now on; `attach` once the route is matched. */
export class HttpCapture implements CaptureHook {
  private ctx: RequestContext | null = null;
  private readonly response: BodyTap;

  constructor(
    private readonly store: CaptureStore,
    private readonly config: Config,
    private readonly bus: EventBus,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly record: RequestRecord,
  ) {
    this.response = new BodyTap(config.proxy.captureMaxBytes);
    if (req.method !== 'HEAD') teeResponse(res, this.response); // a HEAD answer's body is never sent
    record.capture = this;
  }

  /** the route's context: its protocol assembles the answer, its body stage left the bytes sent */
  attach(ctx: RequestContext): void {
    this.ctx = ctx;
  }

  finished(event: RequestFinished): void {
    const { ctx, res } = this;
    keep(this.store, this.bus, () => {
      const { config } = this;
      const responseHeaders = redactedHeaders(res.getHeaders(), config);
      return exchangeOf({
        record: this.record, event, config, req: this.req, rawBody: ctx?.rawBody ?? null,
        responseHeaders, response: this.response, form: isEventStream(responseHeaders) ? 'sse' : 'json', protocol: ctx?.row.protocol ?? null,
      });
    });
  }
}

/** A WebSocket turn's capture: its frame (`frame`), and the frames its socket sends until the turn's record finishes. */
export function captureTurn(ctx: RequestContext, store: CaptureStore, frame: Buffer | null): void {
  const { turn, record } = ctx;
  if (turn === null) return;
  const frames = new BodyTap(ctx.runtime.config.proxy.captureMaxBytes);
  const untee = teeFrames(turn.socket, (sent) => {
    frames.push(sent);
    frames.push(NEWLINE);
  });
  record.capture = {
    finished(event) {
      untee();
      keep(store, ctx.services.bus, () =>
        exchangeOf({ record, event, config: ctx.runtime.config, req: ctx.req, rawBody: frame, responseHeaders: {}, response: frames, form: 'lines', protocol: ctx.row.protocol }),
      );
    },
  };
}
