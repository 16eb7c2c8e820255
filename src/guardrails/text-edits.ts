// Turns "this slot's text is now X" into edits: the text itself, plus clearing the logprobs
// that sit beside it (responses parts and events carry `logprobs` arrays, chat choices a
// `logprobs` object), since their tokens would spell out the text that was masked.
import type { Edit } from './edit.js';
import { getAt, isObject } from '../protocols/json-walk.js';
import type { Path, TextSlot } from './types.js';

function clearLogprobs(root: unknown, at: Path, edits: Edit[]): void {
  const holder = getAt(root, at);
  if (!isObject(holder)) return;
  const lp = holder.logprobs;
  if (Array.isArray(lp) && lp.length > 0) edits.push({ path: [...at, 'logprobs'], value: [] });
  else if (isObject(lp)) edits.push({ path: [...at, 'logprobs'], value: null });
}

/** Edits that put `value` at `path` inside `root` and clear the neighbouring logprobs. */
export function textEdits(root: unknown, path: Path, value: string): Edit[] {
  const edits: Edit[] = [{ path, value }];
  if (path.length >= 1) clearLogprobs(root, path.slice(0, -1), edits);
  if (path.length >= 2) clearLogprobs(root, path.slice(0, -2), edits);
  return edits;
}

/** Edits for every slot whose text the evaluation masked. */
export function maskedSlotEdits(root: unknown, slots: readonly TextSlot[], masked: ReadonlyMap<string, string>): Edit[] {
  const edits: Edit[] = [];
  for (const slot of slots) {
    const value = masked.get(slot.text);
    if (value !== undefined) edits.push(...textEdits(root, slot.path, value));
  }
  return edits;
}
