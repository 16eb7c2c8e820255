// Input/output previews for the detail view, kept for the last `limit` requests only (oldest
// dropped first), so a long session's memory does not grow with 2 KB bodies per request. Keyed by
// the row's `seq` (request ids may repeat).
import type { Previews } from './store-types.js';

export class PreviewCache {
  private readonly entries = new Map<number, Previews>();

  constructor(private readonly limit: number) {}

  get(seq: number): Previews | null {
    return this.entries.get(seq) ?? null;
  }

  /** Keeps the previews of row `seq` if it has any, evicting the oldest beyond the limit. */
  keep(seq: number, input: string | undefined, output: string | undefined): void {
    if (this.limit === 0 || (input === undefined && output === undefined)) return;
    this.entries.set(seq, { input, output });
    while (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
