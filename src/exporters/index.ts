// The observability exporters `aisix serve` runs: one per enabled `observability_exporters` entry
// of the config, fed from the bus's `request.finished` (one span per request, failed ones
// included). The OpenTelemetry SDK loads on first use only (a config without exporters never
// pays for it); events that finish while it loads are kept (bounded) and recorded once it is
// there. A reload keeps the exporters whose entry is unchanged and closes (flushing) the others.
import type { Config, ObservabilityExporter } from '../config/types.js';
import type { EventBus } from '../events/bus.js';
import type { RequestFinished } from '../events/types.js';
import type { ExporterOptions, OtlpExporter } from './otlp.js';

export type { ExporterOptions } from './otlp.js';

export interface Exporters {
  /** Swaps in a reloaded config's exporters; unchanged entries keep running (and their queue). */
  reload(config: Config): void;
  /** Sends everything queued now (tests; never needed in serve, batches go within 5 s). */
  flush(): Promise<void>;
  /** Detaches from the bus and closes every exporter, each flushing within `timeoutMs`. */
  close(timeoutMs?: number): Promise<void>;
  /** the names of the exporters running (enabled entries) */
  readonly names: readonly string[];
}

/** How long shutdown waits for a last export. */
export const CLOSE_TIMEOUT_MS = 2_000;
/** Events kept while the SDK loads (it takes a fraction of a second). */
const EARLY_LIMIT = 2_048;

type OtlpModule = typeof import('./otlp.js');
let sdk: Promise<OtlpModule> | null = null;
const loadSdk = (): Promise<OtlpModule> => (sdk ??= import('./otlp.js'));

export function attachExporters(bus: EventBus, config: Config, options: ExporterOptions = {}): Exporters {
  let slots = new Map<string, Slot>();
  let detach: (() => void) | null = null;
  let closed = false;
  const onFinished = (event: RequestFinished): void => {
    for (const slot of slots.values()) slot.record(event);
  };
  const apply = (next: Config): void => {
    const wanted = new Map(next.observabilityExporters.filter((e) => e.enabled).map((e) => [JSON.stringify(e), e] as const));
    const kept = new Map<string, Slot>();
    for (const [key, slot] of slots) {
      if (wanted.has(key)) kept.set(key, slot);
      else void slot.close(CLOSE_TIMEOUT_MS);
    }
    for (const [key, entry] of wanted) if (!kept.has(key)) kept.set(key, new Slot(entry, bus, options));
    slots = kept;
    if (slots.size > 0 && detach === null) detach = bus.on('request.finished', onFinished);
    if (slots.size === 0 && detach !== null) {
      detach();
      detach = null;
    }
  };
  apply(config);
  return {
    reload(next) {
      if (!closed) apply(next);
    },
    async flush() {
      await Promise.all([...slots.values()].map((slot) => slot.flush()));
    },
    async close(timeoutMs = CLOSE_TIMEOUT_MS) {
      closed = true;
      detach?.();
      detach = null;
      await Promise.all([...slots.values()].map((slot) => slot.close(timeoutMs)));
    },
    get names() {
      return [...slots.values()].map((slot) => slot.name);
    },
  };
}

/** One exporter, usable before the SDK has loaded. */
class Slot {
  private exporter: OtlpExporter | null = null;
  private early: RequestFinished[] | null = [];
  private readonly ready: Promise<void>;
  private closing: Promise<void> | null = null;
  private failed = false;
  private readonly warn: (message: string) => void;
  readonly name: string;

  constructor(entry: ObservabilityExporter, bus: EventBus, options: ExporterOptions) {
    this.name = entry.name;
    const warn = (message: string): void => bus.emit('warning', { message });
    this.warn = warn;
    this.ready = loadSdk()
      .then(({ createOtlpExporter }) => {
        const exporter = createOtlpExporter(entry, warn, options);
        const early = this.early ?? [];
        this.early = null;
        this.exporter = exporter;
        for (const event of early) this.record(event);
      })
      .catch((err: unknown) => {
        this.early = null;
        warn(`observability exporter ${JSON.stringify(entry.name)}: cannot start the OpenTelemetry exporter (${describe(err)}); it sends nothing`);
      });
  }

  record(event: RequestFinished): void {
    if (this.exporter === null) {
      if (this.early !== null && this.early.length < EARLY_LIMIT) this.early.push(event);
      return;
    }
    try {
      this.exporter.record(event);
    } catch (err) {
      // never the request's problem; said once, not once per request
      if (!this.failed) this.warn(`observability exporter ${JSON.stringify(this.name)}: a span could not be recorded (${describe(err)})`);
      this.failed = true;
    }
  }

  async flush(): Promise<void> {
    await this.ready;
    await this.exporter?.flush();
  }

  close(timeoutMs: number): Promise<void> {
    this.closing ??= this.ready.then(() => this.exporter?.close(timeoutMs));
    return this.closing;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
