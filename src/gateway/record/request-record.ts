// RequestRecord: the facts one request gathers on its way through the pipeline. Stages only add
// facts; `finish()` turns them into the single `request.finished` event, bound to the response's
// 'close' so that every path — success, each error, client abort mid-stream — emits exactly once.
// With `proxy.capture_bodies`, the capture gets the finished facts just before the event goes out.
import type { EventBus } from '../../events/bus.js';
import type { Attempt, GuardrailHit, Outcome, RequestFinished, Usage } from '../../events/types.js';
import type { FaultKind, ModelCost } from '../../config/types.js';
import { priceOf } from '../pricing/price.js';

/** Who keeps a request's exchange (the body capture): told once, just before `request.finished`. */
export interface CaptureHook {
  finished(event: RequestFinished): void;
}

/** the second last turned into an ISO string, and that string up to its milliseconds (`…T04:36:51.`) */
let isoSecond = Number.NaN;
let isoPrefix = '';

/** `new Date(ms).toISOString()`, building the date part once per second: many requests arrive per second. */
function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoPrefix = new Date(second * 1000).toISOString().slice(0, -4);
    isoSecond = second;
  }
  const milli = ms - second * 1000;
  return `${isoPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

export class RequestRecord {
  readonly startedAt = performance.now();
  readonly arrivedAt = Date.now();
  caller: string | null = null;
  alias: string | null = null;
  provider: string | null = null;
  upstreamModel: string | null = null;
  stream = false;
  status = 0;
  outcome: Outcome = 'ok';
  errorType: string | null = null;
  errorCode: string | null = null;
  errorMessage: string | null = null;
  guardrails: GuardrailHit[] = [];
  usage: Usage | null = null;
  cost: ModelCost | null = null;
  upstreamMs: number | null = null;
  ttftMs: number | null = null;
  upstreamRequestId: string | null = null;
  responseId: string | null = null;
  attempts: Attempt[] = [];
  servedBy: string | null = null;
  cache: 'hit' | 'miss' | 'bypass' | null = null;
  transport: 'http' | 'websocket' = 'http';
  /** the answer came from a tape, or was recorded on one (DESIGN.md §12) */
  tape: 'replayed' | 'recorded' | null = null;
  /** the kind of the injected fault that acted on this request (the last one, after retries) */
  fault: FaultKind | null = null;
  /** the proxy cut the answer short on purpose (its outcome says why): not a client abort */
  endedByProxy = false;
  inputPreview: string | undefined;
  outputPreview: string | undefined;
  /** performance.now() when the first upstream call started; null while none was made (capture's queue_ms) */
  upstreamStartedAt: number | null = null;
  /** `proxy.capture_bodies`: gets the finished facts before the event goes out (gateway/capture) */
  capture: CaptureHook | null = null;
  private finished = false;

  constructor(
    readonly id: string,
    readonly method: string,
    public route: string,
  ) {}

  /** ISO time the request arrived (built only when an event needs it). */
  get time(): string {
    return isoTime(this.arrivedAt);
  }

  /** Milliseconds since the request arrived. */
  elapsed(): number {
    return performance.now() - this.startedAt;
  }

  markFirstByte(): void {
    if (this.ttftMs === null) this.ttftMs = round(this.elapsed());
  }

  fail(outcome: Outcome, status: number, error: { type: string; code?: string | null | undefined; message: string }): void {
    this.outcome = outcome;
    this.status = status;
    this.errorType = error.type;
    this.errorCode = error.code ?? null;
    this.errorMessage = error.message;
  }

  /** Emits `request.finished` once; `clientGone` marks a response the client abandoned. */
  finish(bus: EventBus, clientGone: boolean): void {
    if (this.finished) return;
    this.finished = true;
    if (clientGone && !this.endedByProxy) {
      this.status = 499;
      this.outcome = 'aborted';
    }
    const event = this.toEvent();
    this.capture?.finished(event); // stored first: a UI that hears of the request can read it at once
    bus.emit('request.finished', event);
  }

  private toEvent(): RequestFinished {
    const price = priceOf(this);
    const event: RequestFinished = {
      id: this.id,
      time: this.time,
      method: this.method,
      route: this.route,
      caller: this.caller,
      alias: this.alias,
      provider: this.provider,
      upstream_model: this.upstreamModel,
      stream: this.stream,
      status: this.status,
      outcome: this.outcome,
      error_type: this.errorType,
      error_code: this.errorCode,
      error_message: this.errorMessage,
      guardrails: this.guardrails,
      usage: this.usage,
      cost_usd: price.usd,
      latency_ms: round(this.elapsed()),
      upstream_ms: this.upstreamMs,
      ttft_ms: this.ttftMs,
      upstream_request_id: this.upstreamRequestId,
      response_id: this.responseId,
      transport: this.transport,
      attempts: this.attempts,
      served_by: this.servedBy,
      cache: this.cache,
      tape: this.tape,
      fault: this.fault,
      cost_source: price.source,
    };
    if (this.inputPreview !== undefined) event.input_preview = this.inputPreview;
    if (this.outputPreview !== undefined) event.output_preview = this.outputPreview;
    return event;
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
