// Which provider key, alias and caller produced each relayed `resp_…` id (DESIGN.md §3), so
// follow-up calls go to the upstream account that holds the response, and ids stay bound to the
// caller that created them. Outlives config reloads (the gateway owns one). Bounded by two
// generations of maps: when the current one is full it becomes the old one and the oldest
// generation is dropped — O(1) per request, unlike evicting one entry at a time from a big Map.
export interface ResponseOwner {
  providerKey: string;
  alias: string;
  /** the caller's display_name, or null when auth was off */
  caller: string | null;
}

export class ResponseIds {
  private current = new Map<string, ResponseOwner>();
  private previous = new Map<string, ResponseOwner>();

  /** keeps at least the last `limit` ids (and at most twice as many) */
  constructor(private readonly limit = 10_000) {}

  remember(responseId: string, owner: ResponseOwner): void {
    if (this.current.size >= this.limit) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(responseId, owner);
  }

  lookup(responseId: string): ResponseOwner | undefined {
    return this.current.get(responseId) ?? this.previous.get(responseId);
  }
}
