// Remembers which provider key (and alias) produced each relayed `resp_…` id, so follow-up calls
// (retrieve, delete, cancel, input_items) go to the upstream account that holds it. Bounded by two
// generations of maps: when the current one is full it becomes the old one and the oldest
// generation is dropped — O(1) per request, unlike evicting one entry at a time from a big Map.
export interface Affinity {
  providerKey: string;
  alias: string;
}

export class ResponseAffinity {
  private current = new Map<string, Affinity>();
  private previous = new Map<string, Affinity>();

  /** keeps at least the last `limit` ids (and at most twice as many) */
  constructor(private readonly limit = 10_000) {}

  remember(responseId: string, providerKey: string, alias: string): void {
    if (this.current.size >= this.limit) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(responseId, { providerKey, alias });
  }

  lookup(responseId: string): Affinity | undefined {
    return this.current.get(responseId) ?? this.previous.get(responseId);
  }
}
