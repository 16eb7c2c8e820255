// The capture store (DESIGN.md §13, `proxy.capture_bodies`): the exchanges of the latest
// `proxy.capture_keep` requests by id, the oldest dropped first; a repeated id (a client that sends
// its own x-aisix-request-id twice) replaces the earlier exchange and counts as the newest. Memory
// is bounded by the count and by a byte budget of `capture_keep × capture_max_bytes` over every
// string an exchange holds (bodies, assembled answer, headers, URL; a string of non-Latin-1 text at
// 2 bytes a character, as V8 keeps it): past it the oldest go too, so large exchanges leave room
// for fewer. The newest is always kept, even alone over the budget (each body is cut at
// `capture_max_bytes` when captured). One store lives as long as the gateway while capture is on;
// a reload follows it (captureStoreFor).
import type { Config } from '../../config/types.js';
import type { CapturedExchange, CaptureSource } from '../../events/capture.js';

const WIDE = /[^\x00-\xff]/;

/** The bytes a string takes in memory (V8 keeps Latin-1 strings one byte a character, others two). */
function stringBytes(text: string): number {
  return WIDE.test(text) ? text.length * 2 : text.length;
}

function recordBytes(record: Readonly<Record<string, string>>): number {
  let n = 0;
  for (const [name, value] of Object.entries(record)) n += stringBytes(name) + stringBytes(value);
  return n;
}

/** What an exchange's strings take. */
export function exchangeBytes(x: CapturedExchange): number {
  const { request, response } = x;
  let n = stringBytes(request.url) + recordBytes(request.headers) + recordBytes(response.headers);
  n += stringBytes(request.body?.text ?? '') + stringBytes(response.body?.text ?? '');
  const answer = response.assembled;
  if (answer !== null) {
    n += stringBytes(answer.text) + stringBytes(answer.reasoning);
    for (const call of answer.tool_calls) n += stringBytes(call.id ?? '') + stringBytes(call.name) + stringBytes(call.arguments);
  }
  return n;
}

export class CaptureStore implements CaptureSource {
  /** insertion order is age: the first entry is the oldest; each with its size */
  private readonly kept = new Map<string, { exchange: CapturedExchange; bytes: number }>();
  private held = 0;

  constructor(
    private keep: number,
    private maxBytes: number,
  ) {}

  get(id: string): CapturedExchange | undefined {
    return this.kept.get(id)?.exchange;
  }

  put(exchange: CapturedExchange): void {
    this.drop(exchange.id);
    const bytes = exchangeBytes(exchange);
    this.kept.set(exchange.id, { exchange, bytes });
    this.held += bytes;
    this.trim();
  }

  get size(): number {
    return this.kept.size;
  }

  /** what the kept exchanges take (exchangeBytes) */
  get bytes(): number {
    return this.held;
  }

  /** A reload changed `capture_keep` or `capture_max_bytes`: a smaller budget drops the oldest at once. */
  resize(keep: number, maxBytes: number): void {
    this.keep = keep;
    this.maxBytes = maxBytes;
    this.trim();
  }

  private drop(id: string): void {
    const old = this.kept.get(id);
    if (old === undefined) return;
    this.kept.delete(id);
    this.held -= old.bytes;
  }

  private trim(): void {
    const budget = this.keep * this.maxBytes;
    for (const id of this.kept.keys()) {
      if (this.kept.size <= this.keep && (this.held <= budget || this.kept.size === 1)) return;
      this.drop(id);
    }
  }
}

/**
 * The store for a config: null while capture is off (what was kept is dropped: a reload that turns
 * capture off keeps nothing), the current one resized while it stays on, a new empty one when it
 * is turned on. `capture_max_bytes` cuts the bodies of the requests that arrive after the reload.
 */
export function captureStoreFor(config: Config, current: CaptureStore | null): CaptureStore | null {
  const { captureBodies, captureKeep, captureMaxBytes } = config.proxy;
  if (!captureBodies) return null;
  if (current === null) return new CaptureStore(captureKeep, captureMaxBytes);
  current.resize(captureKeep, captureMaxBytes);
  return current;
}
