// Test reference: window mode's review as it first landed — every step re-evaluates the whole
// text seen so far with hold mode's `evaluate` (exact, quadratic). The incremental review
// (src/guardrails/window-review.ts) must decide, release and mask exactly as this one does.
import type { GuardrailHit } from '../../src/events/types.js';
import type { Path, TextSlot } from '../../src/protocols/types.js';
import { editInPlace, type Edit } from '../../src/guardrails/edit.js';
import { evaluate } from '../../src/guardrails/evaluate.js';
import { parseFrameJson, type FrameExtractor } from '../../src/guardrails/stream-texts.js';
import { maskedSlotEdits, textEdits } from '../../src/guardrails/text-edits.js';
import type { BlockedBy, Member } from '../../src/guardrails/types.js';
import { Alignment } from '../../src/guardrails/window-align.js';
import type { WindowStep } from '../../src/guardrails/window-review.js';

interface KeyText {
  /** the key's original text so far */
  text: string;
  complete: boolean;
  /** released so far: characters of the original covered, characters of the masked text sent */
  sentFrom: number;
  sentTo: number;
}

interface HeldDelta {
  readonly key: string;
  readonly path: Path;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

interface HeldFrame {
  /** the parsed data (undefined: not JSON, or a block without a frame) */
  readonly json: unknown;
  readonly deltas: readonly HeldDelta[];
  readonly copies: readonly TextSlot[];
  /** the keys open at this frame, with their length after it */
  readonly marks: readonly (readonly [string, number])[];
  /** characters of text (all keys) up to and including this frame */
  readonly totalAt: number;
}

interface KeyAlignment {
  readonly masked: string;
  readonly align: Alignment;
  readonly baseFrom: number;
  readonly baseTo: number;
}

/** A frame that carries data the guardrails should have read (not a keep-alive, not `[DONE]`). */
function isDataFrame(data: string | null): boolean {
  return data !== null && data !== '' && data !== '[DONE]';
}

export class QuadraticWindowReview {
  private readonly keys = new Map<string, KeyText>();
  private readonly copies: string[] = [];
  private readonly held: HeldFrame[] = [];
  private total = 0;
  private sent = 0;
  private unreadable = false;
  private latestHits: GuardrailHit[] = [];

  constructor(
    private readonly members: readonly Member[],
    private readonly extract: FrameExtractor,
    /** W: characters of text that must follow a frame before it leaves */
    readonly window: number,
    /** the protocol's word on which keys a frame completes (absent: keys complete with the stream) */
    private readonly ends?: (json: unknown) => string[],
  ) {}

  /** The hits of the latest evaluation (the whole stream's, after the final step). */
  get hits(): GuardrailHit[] {
    return this.latestHits;
  }

  /** Frames released so far. */
  get released(): number {
    return this.sent;
  }

  /** One frame's data as received, or null for a block that carries no frame (a comment). */
  push(data: string | null): void {
    const json = data === null ? undefined : parseFrameJson(data);
    if (json === undefined && isDataFrame(data)) this.unreadable = true;
    const { slots, deltas } = json === undefined ? { slots: [], deltas: [] } : this.extract(json);
    const held: HeldDelta[] = [];
    for (const d of deltas) {
      let key = this.keys.get(d.key);
      if (key === undefined) this.keys.set(d.key, (key = { text: '', complete: false, sentFrom: 0, sentTo: 0 }));
      key.complete = false; // more text after its end: it is open again (nothing of it leaves early from here)
      const start = key.text.length;
      key.text += d.text;
      this.total += d.text.length;
      held.push({ key: d.key, path: d.path, start, end: key.text.length, text: d.text });
    }
    for (const slot of slots) this.copies.push(slot.text);
    for (const prefix of json === undefined || this.ends === undefined ? [] : this.ends(json)) {
      for (const [name, key] of this.keys) if (name === prefix || (prefix.endsWith('|') && name.startsWith(prefix))) key.complete = true;
    }
    const marks: [string, number][] = [];
    for (const [name, key] of this.keys) if (!key.complete) marks.push([name, key.text.length]);
    this.held.push({ json, deltas: held, copies: slots, marks, totalAt: this.total });
  }

  /** Evaluates everything seen; `final` at the end of the stream (everything left is released or blocked). */
  step(final: boolean): WindowStep {
    if (this.unreadable) return { kind: 'unreadable' };
    let count = 0;
    while (count < this.held.length && (final || this.releasable(this.held[count] as HeldFrame))) count++;
    // nothing could leave yet: the verdict can wait for the next frame (a block is still found before anything leaves)
    if (count === 0 && !final) return { kind: 'release', frames: [] };
    const texts = [...this.copies];
    for (const key of this.keys.values()) texts.push(key.text);
    const { blocked, hits, masked } = evaluate(this.members, 'output', texts);
    this.latestHits = hits;
    if (blocked !== null) {
      // a match that reads past its end may be undone by the next delta: release nothing until then
      if (!final && this.members.some((m) => m.name === blocked.guardrail && m.window.readsAhead)) return { kind: 'release', frames: [] };
      return { kind: 'blocked', blocked };
    }
    if (count === 0) return { kind: 'release', frames: [] };
    const aligned = this.align(this.held.slice(0, count), masked, final);
    if (aligned === null) return { kind: 'release', frames: [] };
    const frames = this.held.splice(0, count).map((f) => this.render(f, masked, aligned));
    this.sent += count;
    return { kind: 'release', frames };
  }

  private releasable(frame: HeldFrame): boolean {
    if (frame.marks.length === 0) return this.total - frame.totalAt >= this.window;
    return frame.marks.every(([name, at]) => {
      const key = this.keys.get(name) as KeyText;
      return key.complete || key.text.length - at >= this.window;
    });
  }

  /** Lines up the masked keys the frames touch; null when one cannot be lined up yet (wait). */
  private align(frames: readonly HeldFrame[], masked: ReadonlyMap<string, string>, final: boolean): Map<string, KeyAlignment> | null {
    const out = new Map<string, KeyAlignment>();
    for (const frame of frames) {
      for (const d of frame.deltas) {
        if (out.has(d.key)) continue;
        const key = this.keys.get(d.key) as KeyText;
        const text = masked.get(key.text) ?? key.text;
        if (text === key.text && key.sentFrom === key.sentTo) continue; // nothing masked: identity
        const from = key.text.slice(key.sentFrom);
        const to = text.slice(key.sentTo);
        const align = Alignment.of(from, to) ?? (final ? Alignment.coarse(from, to) : null);
        if (align === null) return null;
        out.set(d.key, { masked: text, align, baseFrom: key.sentFrom, baseTo: key.sentTo });
      }
    }
    return out;
  }

  private render(frame: HeldFrame, masked: ReadonlyMap<string, string>, aligned: ReadonlyMap<string, KeyAlignment>): string | null {
    const edits: Edit[] = [];
    for (const slot of frame.copies) edits.push(...maskedSlotEdits(frame.json, [slot], masked));
    for (const d of frame.deltas) {
      const value = this.deltaValue(d, aligned.get(d.key));
      if (value !== d.text) edits.push(...textEdits(frame.json, d.path, value));
    }
    if (edits.length === 0) return null;
    editInPlace(frame.json, edits);
    return JSON.stringify(frame.json);
  }

  /** The text a released delta carries: its share of the masked text (what it covers up to its end). */
  private deltaValue(d: HeldDelta, a: KeyAlignment | undefined): string {
    const key = this.keys.get(d.key) as KeyText;
    if (d.end <= key.sentFrom) return '';
    if (a === undefined) {
      const value = d.start >= key.sentFrom ? d.text : key.text.slice(key.sentFrom, d.end);
      key.sentFrom = key.sentTo = d.end;
      return value;
    }
    const cut = a.align.map(d.end - a.baseFrom);
    const end = a.baseTo + cut.to;
    const value = a.masked.slice(key.sentTo, end);
    key.sentFrom = a.baseFrom + cut.from;
    key.sentTo = end;
    return value;
  }
}
