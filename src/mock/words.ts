// Word counting (the mock's token unit) and splitting an output text into stream deltas.
// A word is a run of characters between ASCII whitespace (space, tab, LF, VT, FF, CR).

const MAX_SMALL_PIECES = 8;
/** texts longer than this are cut into chunks of about BIG_CHUNK characters instead */
const BIG_TEXT = 64 * 1024;
const BIG_CHUNK = 32 * 1024;

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inWord) words += 1;
    inWord = !space;
  }
  return words;
}

/**
 * Splits `text` into deltas whose concatenation is exactly `text`. Short texts are cut before
 * whitespace runs into at most 8 pieces (one word each when they have ≤ 8 words); long texts into
 * ~32 KB chunks. An empty text has no deltas.
 */
export function splitDeltas(text: string): string[] {
  if (text.length === 0) return [];
  const cuts = text.length > BIG_TEXT ? bigCuts(text) : smallCuts(text);
  const pieces: string[] = [];
  let start = 0;
  for (const cut of cuts) {
    pieces.push(text.slice(start, cut));
    start = cut;
  }
  pieces.push(text.slice(start));
  return pieces;
}

/** Indexes where a whitespace run between two words starts, thinned to at most 7. */
function smallCuts(text: string): number[] {
  const starts: number[] = [];
  let run = -1;
  for (let i = 1; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (space && run < 0 && !isSpace(text.charCodeAt(i - 1))) run = i;
    else if (!space && run >= 0) {
      starts.push(run);
      run = -1;
    }
  }
  if (starts.length < MAX_SMALL_PIECES) return starts;
  const picked: number[] = [];
  for (let k = 1; k < MAX_SMALL_PIECES; k++) {
    const cut = starts[Math.floor((k * starts.length) / MAX_SMALL_PIECES)];
    if (cut !== undefined && cut !== picked[picked.length - 1]) picked.push(cut);
  }
  return picked;
}

function bigCuts(text: string): number[] {
  const cuts: number[] = [];
  for (let at = BIG_CHUNK; at < text.length; at += BIG_CHUNK) {
    let cut = at;
    // never split a UTF-16 surrogate pair
    const code = text.charCodeAt(cut);
    if (code >= 0xdc00 && code <= 0xdfff) cut += 1;
    if (cut < text.length) cuts.push(cut);
  }
  return cuts;
}
