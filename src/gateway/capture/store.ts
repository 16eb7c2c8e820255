// The capture store (DESIGN.md §13, `proxy.capture_bodies`): the exchanges of the latest
// `proxy.capture_keep` requests by id, the oldest dropped first; a repeated id (a client that sends
// its own x-aisix-request-id twice) replaces the earlier exchange and counts as the newest. Memory
// is bounded by the count and by each body's cap (`capture_max_bytes`, applied when captured).
// One store lives as long as the gateway while capture is on; a reload follows it (captureStoreFor).
import type { Config } from '../../config/types.js';
import type { CapturedExchange, CaptureSource } from '../../events/capture.js';

export class CaptureStore implements CaptureSource {
  /** insertion order is age: the first entry is the oldest */
  private readonly kept = new Map<string, CapturedExchange>();

  constructor(private keep: number) {}

  get(id: string): CapturedExchange | undefined {
    return this.kept.get(id);
  }

  put(exchange: CapturedExchange): void {
    this.kept.delete(exchange.id);
    this.kept.set(exchange.id, exchange);
    this.trim();
  }

  get size(): number {
    return this.kept.size;
  }

  /** A reload changed `capture_keep`: a smaller number drops the oldest at once. */
  resize(keep: number): void {
    this.keep = keep;
    this.trim();
  }

  private trim(): void {
    for (const id of this.kept.keys()) {
      if (this.kept.size <= this.keep) return;
      this.kept.delete(id);
    }
  }
}

/**
 * The store for a config: null while capture is off (what was kept is dropped: a reload that turns
 * capture off keeps nothing), the current one resized while it stays on, a new empty one when it
 * is turned on. `capture_max_bytes` applies to the requests that arrive after the reload.
 */
export function captureStoreFor(config: Config, current: CaptureStore | null): CaptureStore | null {
  const { captureBodies, captureKeep } = config.proxy;
  if (!captureBodies) return null;
  if (current === null) return new CaptureStore(captureKeep);
  current.resize(captureKeep);
  return current;
}
