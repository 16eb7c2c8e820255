// An outgoing JSON body kept as slices (DESIGN.md §6): the caller's bytes around each spliced
// value, sent as they are with an exact content-length, so a large body is never copied into a
// second Buffer. The one contiguous copy is made only when something asks for it (a WebSocket
// turn's frame, a tape's secret check), once.

export class SplicedBody {
  private joined: Buffer | null = null;

  constructor(
    /** the slices, in order (views into the caller's bytes and the written values) */
    readonly chunks: readonly Buffer[],
    /** their total byte length */
    readonly length: number,
  ) {}

  /** The slices as one Buffer (copied once, on first use). */
  buffer(): Buffer {
    this.joined ??= Buffer.concat(this.chunks as Buffer[], this.length);
    return this.joined;
  }

  toString(encoding: BufferEncoding = 'utf8'): string {
    return this.buffer().toString(encoding);
  }
}

/** What is sent as a JSON body: the caller's Buffer (or a small joined copy), or large slices. */
export type OutgoingBytes = Buffer | SplicedBody;
