// Window mode's review of one stream (DESIGN.md §3, `proxy.stream_guardrails: window`): frames
// come in one by one; the text of each delta key accumulates; after each batch the whole text seen
// so far (every delta key's text and every whole copy: `*.done` events, items, the terminal
// response) is evaluated as hold mode evaluates a held stream, and the frames that are safe leave.
//
// "Follows": a frame is released once at least W characters of text follow it. Text is counted
// per delta key, in UTF-16 code units (as the scanner counts). A key is open from its first delta
// until its text is known complete: the protocol says so (`textEnds`: Responses' `*.done` events,
// Messages' `content_block_stop`, a chat choice's `finish_reason`), or the stream ended. For a frame while keys are open, every key open at that frame
// must have W more characters after it (or be complete since); with no key open (frames before
// the first delta, between two parts), W characters of any key must follow. A match is at most W
// characters long, so every match touching a released frame lies in text already scanned — and
// frames leave in order, so non-text frames wait with the text around them.
//
// A block found while nothing is settled near the end of the text (a rule that reads past its
// match: lookahead, `$`, `\b`) may still vanish with the next delta: then nothing more is released
// until the text decides (or the stream ends). Masks rewrite held frames, every copy, before they
// leave: copies as hold mode does, deltas by lining the key's text up with its masked form, so a
// span straddling deltas goes out in the first of them.
//
// The verdict is hold mode's `evaluate` over the whole text seen so far, computed incrementally
// (window-scan.ts: each rule re-reads only the unsettled end and the context before it), so the
// work of a stream grows with its length, not with its length times its frames.
import type { GuardrailHit } from '../events/types.js';
import type { Path, TextSlot } from '../protocols/types.js';
import { editInPlace, type Edit } from './edit.js';
import { evaluateChain } from './evaluate.js';
import { parseFrameJson, type FrameExtractor } from './stream-texts.js';
import { maskedSlotEdits, textEdits } from './text-edits.js';
import type { BlockedBy, Member } from './types.js';
import { Alignment } from './window-align.js';
import { ScanNode, type ScanStats } from './window-scan.js';

interface KeyText {
  /** the key's original text so far */
  readonly text: ScanNode;
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

/** What a step decided: frames to send now (each its rewritten data, or null to send as received), or the end. */
export type WindowStep =
  | { readonly kind: 'release'; readonly frames: readonly (string | null)[] }
  | { readonly kind: 'blocked'; readonly blocked: BlockedBy }
  | { readonly kind: 'unreadable' };

interface KeyAlignment {
  /** the masked text from `baseTo` on */
  readonly masked: string;
  readonly align: Alignment;
  readonly baseFrom: number;
  readonly baseTo: number;
}

/** A frame that carries data the guardrails should have read (not a keep-alive, not `[DONE]`). */
function isDataFrame(data: string | null): boolean {
  return data !== null && data !== '' && data !== '[DONE]';
}

export class WindowReview {
  private readonly keys = new Map<string, KeyText>();
  /** each distinct whole copy's text, scanned once */
  private readonly copies = new Map<string, ScanNode>();
  private readonly stats: ScanStats = { chars: 0 };
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

  /** Characters the rules have read so far (a stream's whole text is read about once). */
  get scannedChars(): number {
    return this.stats.chars;
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
      if (key === undefined) this.keys.set(d.key, (key = { text: new ScanNode(this.stats), complete: false, sentFrom: 0, sentTo: 0 }));
      key.complete = false; // more text after its end: it is open again (nothing of it leaves early from here)
      const start = key.text.length;
      key.text.append(d.text);
      this.total += d.text.length;
      held.push({ key: d.key, path: d.path, start, end: key.text.length, text: d.text });
    }
    for (const slot of slots) if (slot.text.length > 0 && !this.copies.has(slot.text)) this.copies.set(slot.text, this.copy(slot.text));
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
    const texts = [...this.copies.values()];
    const keys = [...this.keys.values()].filter((k) => k.text.length > 0);
    for (const key of keys) {
      key.text.closed = final;
      texts.push(key.text);
    }
    const { blocked, hits, texts: after } = evaluateChain(this.members, 'output', texts);
    this.latestHits = hits;
    if (blocked !== null) {
      // a match that reads past its end may be undone by the next delta: release nothing until then
      if (!final && this.members.some((m) => m.name === blocked.guardrail && m.window.readsAhead)) return { kind: 'release', frames: [] };
      return { kind: 'blocked', blocked };
    }
    if (count === 0) return { kind: 'release', frames: [] };
    const masked = new Map<string, string>();
    const maskedKeys = new Map<KeyText, ScanNode>();
    texts.forEach((text, i) => {
      const now = after[i] as ScanNode;
      if (i >= this.copies.size) maskedKeys.set(keys[i - this.copies.size] as KeyText, now);
      else if (!now.same && now.text() !== text.text()) masked.set(text.text(), now.text());
    });
    const aligned = this.align(this.held.slice(0, count), maskedKeys, final);
    if (aligned === null) return { kind: 'release', frames: [] };
    const frames = this.held.splice(0, count).map((f) => this.render(f, masked, aligned));
    this.sent += count;
    return { kind: 'release', frames };
  }

  /** A whole copy: its text never grows, so it is settled from the start. */
  private copy(text: string): ScanNode {
    const node = new ScanNode(this.stats, text);
    node.closed = true;
    return node;
  }

  private releasable(frame: HeldFrame): boolean {
    if (frame.marks.length === 0) return this.total - frame.totalAt >= this.window;
    return frame.marks.every(([name, at]) => {
      const key = this.keys.get(name) as KeyText;
      return key.complete || key.text.length - at >= this.window;
    });
  }

  /** Lines up the masked keys the frames touch; null when one cannot be lined up yet (wait). */
  private align(frames: readonly HeldFrame[], masked: ReadonlyMap<KeyText, ScanNode>, final: boolean): Map<string, KeyAlignment> | null {
    const out = new Map<string, KeyAlignment>();
    for (const frame of frames) {
      for (const d of frame.deltas) {
        if (out.has(d.key)) continue;
        const key = this.keys.get(d.key) as KeyText;
        const text = masked.get(key) ?? key.text;
        if (text.same && key.sentFrom === key.sentTo) continue; // nothing masked: identity
        const from = key.text.slice(key.sentFrom);
        const to = text.slice(key.sentTo);
        const align = Alignment.of(from, to) ?? (final ? Alignment.coarse(from, to) : null);
        if (align === null) return null;
        out.set(d.key, { masked: to, align, baseFrom: key.sentFrom, baseTo: key.sentTo });
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
    const value = a.masked.slice(key.sentTo - a.baseTo, end - a.baseTo);
    key.sentFrom = a.baseFrom + cut.from;
    key.sentTo = end;
    return value;
  }
}
