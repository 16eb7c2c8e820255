// Guardrails over SSE: the review of a whole held-back stream (scan the union of every copy of
// the text, then release it untouched or with every copy masked) and the collector that
// watches a live monitor-only stream and scans at its end.
import type { GuardrailHit } from '../events/types.js';
import type { SseFrame } from '../sse/frame-parser.js';
import type { Edit } from './edit.js';
import { editInPlace } from './edit.js';
import { evaluate } from './evaluate.js';
import { parseBlocks, rewriteBlock, splitSseBlocks } from './sse-blocks.js';
import { parseFrameJson, StreamTexts, type FrameExtractor } from './stream-texts.js';
import { maskedSlotEdits, textEdits } from './text-edits.js';
import type { Member, StreamCollector, Verdict } from './types.js';

/** Per frame, the edits that mask every copy: whole copies directly, delta groups redistributed. */
function streamEdits(texts: StreamTexts, masked: ReadonlyMap<string, string>, jsons: readonly unknown[]): Map<number, Edit[]> {
  const byFrame = new Map<number, Edit[]>();
  const add = (frame: number, edits: Edit[]): void => {
    if (edits.length === 0) return;
    const list = byFrame.get(frame);
    if (list) list.push(...edits);
    else byFrame.set(frame, edits);
  };
  for (const slot of texts.copies) add(slot.frame, maskedSlotEdits(jsons[slot.frame], [slot], masked));
  for (const group of texts.groups.values()) {
    const value = masked.get(StreamTexts.joined(group));
    if (value === undefined) continue;
    // the whole masked text goes in the part's first delta, the later ones become "" (a span
    // may straddle two deltas); frame count and sequence numbers stay as they were
    group.forEach((slot, k) => add(slot.frame, textEdits(jsons[slot.frame], slot.path, k === 0 ? value : '')));
  }
  return byFrame;
}

/** A frame that carries data the guardrails should have read (not a keep-alive, not `[DONE]`). */
function isDataFrame(data: string | undefined): boolean {
  return data !== undefined && data !== '' && data !== '[DONE]';
}

export function reviewHeld(members: readonly Member[], extract: FrameExtractor, held: Buffer): Verdict & { body: Buffer; unreadable: number } {
  const blocks = splitSseBlocks(held);
  const frames = parseBlocks(blocks);
  const jsons = frames.map((f) => (f ? parseFrameJson(f.data) : undefined));
  const texts = new StreamTexts(extract);
  let unreadable = 0;
  jsons.forEach((json, i) => {
    if (json !== undefined) texts.add(i, json);
    else if (isDataFrame(frames[i]?.data)) unreadable++;
  });
  const { blocked, hits, masked } = evaluate(members, 'output', texts.texts());
  if (blocked || masked.size === 0) return { blocked, hits, body: held, unreadable };
  const edits = streamEdits(texts, masked, jsons);
  const out = blocks.map((block, i) => {
    const frameEdits = edits.get(i);
    if (!frameEdits) return block;
    editInPlace(jsons[i], frameEdits);
    return rewriteBlock(block, JSON.stringify(jsons[i]));
  });
  return { blocked, hits, body: Buffer.concat(out), unreadable };
}

export function createCollector(members: readonly Member[], extract: FrameExtractor): StreamCollector {
  if (members.length === 0) return { push: () => undefined, scan: (): GuardrailHit[] => [] };
  const texts = new StreamTexts(extract);
  let frames = 0;
  return {
    push(frame: SseFrame): void {
      const json = parseFrameJson(frame.data);
      if (json !== undefined) texts.add(frames++, json);
    },
    scan: (): GuardrailHit[] => evaluate(members, 'output', texts.texts(), { monitorOnly: true }).hits,
  };
}
