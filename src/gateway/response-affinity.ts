// Remembers which provider key (and alias) produced each relayed `resp_…` id, so follow-up calls
// (retrieve, delete, cancel, input_items) go to the upstream account that holds it. Bounded LRU.
export interface Affinity {
  providerKey: string;
  alias: string;
}

export class ResponseAffinity {
  private readonly entries = new Map<string, Affinity>();

  constructor(private readonly limit = 10_000) {}

  remember(responseId: string, providerKey: string, alias: string): void {
    this.entries.delete(responseId);
    this.entries.set(responseId, { providerKey, alias });
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  lookup(responseId: string): Affinity | undefined {
    return this.entries.get(responseId);
  }
}
