// One `otlp_http` exporter on the OpenTelemetry JS 2.x SDK: each finished request becomes one
// span (span-data.ts) ended straight into a BatchSpanProcessor, which sends batches as OTLP/HTTP
// JSON to `<endpoint>/v1/traces` within `flushDelayMs` (5 s). record() is synchronous and never
// touches the network, so it stays off the request's critical path. A counting wrapper around the
// OTLP exporter turns failed exports (and a full queue) into dropped-span counts for DropWarnings.
// close() flushes within a bound; when the collector was down at the last try it drops instead.
// Loaded only through index.ts's dynamic import (the SDK costs ~200 ms to load).
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ObservabilityExporter } from '../config/types.js';
import type { RequestFinished } from '../events/types.js';
import { VERSION } from '../version.js';
import { DropWarnings } from './drop-warnings.js';
import { displayUrl, hrTime, spanData, tracesUrl } from './span-data.js';

export interface ExporterOptions {
  /** epoch-ms clock for the once-a-minute drop warning (tests inject one) */
  now?: () => number;
  /** longest a span waits for its batch to be sent (default 5000) */
  flushDelayMs?: number;
  /** one export's budget, the OTLP exporter's retries included (default 3000) */
  exportTimeoutMs?: number;
  /** spans waiting to be sent beyond this are dropped, and counted (default 2048) */
  maxQueue?: number;
  /** spans per export request (default 512) */
  maxBatch?: number;
  /** drop warnings at most this often (default 60000) */
  warnIntervalMs?: number;
  /** for `sample_rate` (default Math.random) */
  random?: () => number;
}

export interface OtlpExporter {
  /** Queues the request's span; synchronous, never waits for the network. */
  record(event: RequestFinished): void;
  /** Sends everything queued now and waits for every export in flight (failures are counted, never thrown). */
  flush(): Promise<void>;
  /** Stops recording, flushes within `timeoutMs`, reports any drops left, releases the exporter. */
  close(timeoutMs: number): Promise<void>;
}

export const DEFAULTS = Object.freeze({
  flushDelayMs: 5_000,
  exportTimeoutMs: 3_000,
  maxQueue: 2_048,
  maxBatch: 512,
  warnIntervalMs: 60_000,
});

export function createOtlpExporter(config: ObservabilityExporter, warn: (message: string) => void, options: ExporterOptions = {}): OtlpExporter {
  const o = { ...DEFAULTS, ...definedOnly(options) };
  const url = tracesUrl(config.endpoint);
  const drops = new DropWarnings({
    label: `observability exporter ${JSON.stringify(config.name)}`,
    where: displayUrl(url),
    now: options.now ?? Date.now,
    intervalMs: o.warnIntervalMs,
    emit: warn,
  });
  const random = options.random ?? Math.random;
  const connect = (timeoutMillis: number): OTLPTraceExporter => new OTLPTraceExporter({ url, headers: { ...config.headers }, timeoutMillis, keepAlive: true });
  const steady = connect(o.exportTimeoutMs);
  /**
   * The shutdown flush goes through an exporter whose budget (retries included) is close()'s
   * bound, so no retry outlives it by much and keeps the process from exiting.
   */
  let last: OTLPTraceExporter | null = null;
  const current = (): OTLPTraceExporter => (last ?? steady);
  /** spans ended into the processor and not yet handed to the exporter (the processor's own queue) */
  let queued = 0;
  /** spans in an export request that has not answered yet */
  let inflight = 0;
  let collectorDown = false;
  let closing = false;
  const counting: SpanExporter = {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
      queued -= spans.length;
      if (closing && collectorDown) {
        drops.dropped(spans.length, 'the collector was unreachable at shutdown');
        done({ code: ExportResultCode.FAILED });
        return;
      }
      inflight += spans.length;
      current().export(spans, (result) => {
        inflight -= spans.length;
        collectorDown = result.code !== ExportResultCode.SUCCESS;
        if (collectorDown) drops.dropped(spans.length, describeFailure(result.error));
        done(result);
      });
    },
    shutdown: async () => {
      await Promise.all([steady.shutdown(), last?.shutdown()]);
    },
    forceFlush: () => current().forceFlush(),
  };
  const processor = new BatchSpanProcessor(counting, {
    scheduledDelayMillis: o.flushDelayMs,
    maxQueueSize: o.maxQueue,
    maxExportBatchSize: Math.min(o.maxBatch, o.maxQueue),
    // longer than the exporter's own budget, so every export reports back through `counting`
    exportTimeoutMillis: o.exportTimeoutMs + 1_000,
  });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'aisix', 'service.version': VERSION }),
    sampler: new AlwaysOnSampler(), // sample_rate is applied before a span exists (OTEL_TRACES_SAMPLER must not apply)
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer('aisix', VERSION);
  let closed: Promise<void> | null = null;

  return {
    record(event) {
      if (closing) return;
      if (config.sampleRate < 1 && random() >= config.sampleRate) return;
      if (queued >= o.maxQueue) {
        drops.dropped(1, `the collector is not keeping up (${o.maxQueue} spans already waiting)`);
        return;
      }
      const data = spanData(event);
      const span = tracer.startSpan(data.name, { kind: SpanKind.SERVER, startTime: hrTime(data.startMs), attributes: data.attributes });
      if (data.error !== null) span.setStatus({ code: SpanStatusCode.ERROR, message: data.error });
      queued += 1;
      span.end(hrTime(data.endMs));
    },
    async flush() {
      await processor.forceFlush().catch(() => undefined); // a failed export is counted by `counting`
      await steady.forceFlush().catch(() => undefined);
    },
    close(timeoutMs) {
      closed ??= (async () => {
        closing = true;
        last = connect(Math.max(1, timeoutMs - 100));
        let timer: NodeJS.Timeout | undefined;
        const bound = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
          timer.unref();
        });
        await Promise.race([provider.shutdown().catch(() => undefined), bound]);
        clearTimeout(timer);
        if (queued + inflight > 0) drops.dropped(queued + inflight, 'aisix shut down before the collector took them');
        drops.finish();
      })();
      return closed;
    },
  };
}

/** Why an export failed, in words (never the headers or the body sent). */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'the export failed';
  const status = (error as { code?: unknown }).code;
  if (typeof status === 'number') return `the collector answered HTTP ${status}${error.message ? ` ${error.message}` : ''}`;
  if (typeof status === 'string') return `the collector is unreachable (${error.message})`;
  if (error.message === 'Request timed out') return 'the collector did not answer in time';
  return `the export failed (${error.message})`;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
