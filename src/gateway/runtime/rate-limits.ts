// Rate-limit counters (DESIGN.md §10): in-process, across config reloads (the gateway owns one;
// the limits themselves are read from the runtime each request took). A bucket is an api key's or
// a model's display_name (a wildcard model is one bucket). Fixed windows aligned to epoch
// multiples: requests per 1 s / 60 s / 3,600 s / 86,400 s, tokens per 60 s / 86,400 s, plus the
// requests in flight. Admission is two-phase: the request counters are checked and incremented
// before dispatch, the token counters checked before and charged after completion. A denied
// request consumes nothing. The clock is injectable for tests.
import type { RateLimit } from '../../config/types.js';

export interface Bucket {
  readonly scope: 'key' | 'model';
  /** the display_name */
  readonly name: string;
  readonly limit: RateLimit;
}

type RequestDimension = 'rps' | 'rpm' | 'rph' | 'rpd';
type TokenDimension = 'tpm' | 'tpd';

const SECOND = 1000;
const REQUEST_WINDOWS: readonly (readonly [RequestDimension, number])[] = [['rps', SECOND], ['rpm', 60 * SECOND], ['rph', 3600 * SECOND], ['rpd', 86_400 * SECOND]];
const TOKEN_WINDOWS: readonly (readonly [TokenDimension, number])[] = [['tpm', 60 * SECOND], ['tpd', 86_400 * SECOND]];

/** One request's hold on its buckets: concurrency until released, tokens charged once. */
export interface Ticket {
  /** ends the request's concurrency hold; safe to call twice */
  release(): void;
  /** adds the completed request's tokens to every token window of its buckets; once */
  charge(tokens: number): void;
}

export type Admission =
  | { readonly ok: true; readonly ticket: Ticket }
  /** `retryAfterS`: whole seconds until the exceeded window ends; null for concurrency */
  | { readonly ok: false; readonly kind: 'requests' | 'tokens' | 'concurrency'; readonly retryAfterS: number | null };

interface Counter {
  /** the window's start, epoch ms */
  start: number;
  used: number;
}

export class RateLimits {
  private readonly counters = new Map<string, Counter>();
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Checks every limit of `buckets`; when all pass, counts the request and holds its concurrency. */
  admit(buckets: readonly Bucket[]): Admission {
    const now = this.now();
    const requests = this.exceeded(buckets, REQUEST_WINDOWS, now);
    if (requests !== null) return { ok: false, kind: 'requests', retryAfterS: requests };
    const tokens = this.exceeded(buckets, TOKEN_WINDOWS, now);
    if (tokens !== null) return { ok: false, kind: 'tokens', retryAfterS: tokens };
    for (const { limit, scope, name } of buckets) {
      if (limit.concurrency !== null && (this.inFlight.get(bucketKey(scope, name)) ?? 0) >= limit.concurrency) {
        return { ok: false, kind: 'concurrency', retryAfterS: null };
      }
    }
    for (const bucket of buckets) {
      for (const [dimension, size] of REQUEST_WINDOWS) this.counter(bucket, dimension, size, now).used++;
      const key = bucketKey(bucket.scope, bucket.name);
      this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    }
    return { ok: true, ticket: this.ticket(buckets) };
  }

  /** The `x-ratelimit-*` headers of a bucket, for the dimensions it limits (rpm, tpm, concurrency). */
  headers({ scope, name, limit }: Bucket): Record<string, string> {
    const now = this.now();
    const out: Record<string, string> = {};
    const minute = 60 * SECOND;
    if (limit.rpm !== null) {
      const c = this.counter({ scope, name }, 'rpm', minute, now);
      out['x-ratelimit-limit-requests'] = String(limit.rpm);
      out['x-ratelimit-remaining-requests'] = String(Math.max(0, limit.rpm - c.used));
      out['x-ratelimit-reset-requests'] = String(secondsLeft(c, minute, now));
    }
    if (limit.tpm !== null) {
      const c = this.counter({ scope, name }, 'tpm', minute, now);
      out['x-ratelimit-limit-tokens'] = String(limit.tpm);
      out['x-ratelimit-remaining-tokens'] = String(Math.max(0, limit.tpm - c.used));
      out['x-ratelimit-reset-tokens'] = String(secondsLeft(c, minute, now));
    }
    if (limit.concurrency !== null) {
      out['x-ratelimit-limit-concurrent'] = String(limit.concurrency);
      out['x-ratelimit-remaining-concurrent'] = String(Math.max(0, limit.concurrency - (this.inFlight.get(bucketKey(scope, name)) ?? 0)));
    }
    return out;
  }

  /** Requests of the bucket in flight now (tests, the TUI). */
  inFlightOf(scope: Bucket['scope'], name: string): number {
    return this.inFlight.get(bucketKey(scope, name)) ?? 0;
  }

  /** Seconds until every reached limit among `windows` has rolled over, or null when none is reached. */
  private exceeded(buckets: readonly Bucket[], windows: readonly (readonly [RequestDimension | TokenDimension, number])[], now: number): number | null {
    let retryAfter: number | null = null;
    for (const bucket of buckets) {
      for (const [dimension, size] of windows) {
        const max = bucket.limit[dimension];
        if (max === null) continue;
        const c = this.counter(bucket, dimension, size, now);
        // a request waits until every window it is over has rolled over
        if (c.used >= max) retryAfter = Math.max(retryAfter ?? 0, secondsLeft(c, size, now));
      }
    }
    return retryAfter;
  }

  /** The counter of the window `now` falls in (a new window starts at zero). */
  private counter({ scope, name }: Pick<Bucket, 'scope' | 'name'>, dimension: string, size: number, now: number): Counter {
    const key = `${bucketKey(scope, name)}\0${dimension}`;
    const start = Math.floor(now / size) * size;
    let c = this.counters.get(key);
    if (c === undefined) {
      c = { start, used: 0 };
      this.counters.set(key, c);
    } else if (c.start !== start) {
      c.start = start;
      c.used = 0;
    }
    return c;
  }

  private ticket(buckets: readonly Bucket[]): Ticket {
    let released = false;
    let charged = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        for (const { scope, name } of buckets) {
          const key = bucketKey(scope, name);
          const left = (this.inFlight.get(key) ?? 1) - 1;
          if (left > 0) this.inFlight.set(key, left);
          else this.inFlight.delete(key);
        }
      },
      charge: (tokens) => {
        if (charged || !(tokens > 0)) return;
        charged = true;
        const now = this.now();
        for (const bucket of buckets) {
          for (const [dimension, size] of TOKEN_WINDOWS) this.counter(bucket, dimension, size, now).used += tokens;
        }
      },
    };
  }
}

function bucketKey(scope: Bucket['scope'], name: string): string {
  return `${scope}\0${name}`;
}

/** Whole seconds until the counter's window ends (at least 1). */
function secondsLeft(c: Counter, size: number, now: number): number {
  return Math.max(1, Math.ceil((c.start + size - now) / SECOND));
}
