// What one parsed SSE frame contributes to the scanned text: whole copies (done events, items,
// terminal output) and deltas, which only make sense concatenated with the other deltas of the
// same content part (`key`). Used by both the hold-back review and the live monitor collector.
import type { FrameExtractor, TextSlot } from '../protocols/types.js';

export type { FrameExtractor } from '../protocols/types.js';

/** A slot found in frame number `frame` of a stream. */
export interface LocatedSlot extends TextSlot {
  readonly frame: number;
}

/** Collects the texts of a stream frame by frame: whole copies and delta groups. */
export class StreamTexts {
  readonly copies: LocatedSlot[] = [];
  readonly groups = new Map<string, LocatedSlot[]>();

  constructor(private readonly extract: FrameExtractor) {}

  add(frame: number, json: unknown): void {
    const { slots, deltas } = this.extract(json);
    for (const s of slots) this.copies.push({ frame, path: s.path, text: s.text });
    for (const d of deltas) {
      let group = this.groups.get(d.key);
      if (!group) this.groups.set(d.key, (group = []));
      group.push({ frame, path: d.path, text: d.text });
    }
  }

  /** The concatenated text of one delta group. */
  static joined(group: readonly LocatedSlot[]): string {
    return group.length === 1 ? (group[0] as LocatedSlot).text : group.map((s) => s.text).join('');
  }

  /** Every distinct text to scan: each copy and each delta group's concatenation. */
  texts(): string[] {
    const set = new Set<string>();
    for (const c of this.copies) set.add(c.text);
    for (const g of this.groups.values()) set.add(StreamTexts.joined(g));
    return [...set];
  }
}

/** Parses an SSE data payload that looks like a JSON object; anything else is undefined. */
export function parseFrameJson(data: string): unknown {
  if (data.charCodeAt(0) !== 123 /* { */) return undefined;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}
