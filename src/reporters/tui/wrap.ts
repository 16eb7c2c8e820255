// Hard wrapping of one line of (already terminal-safe) text to a column width, for the detail
// view: bodies are never truncated, they wrap. Widths are counted per code point — wide East Asian
// characters and emoji take two columns, combining marks none — close to what the terminal and
// Ink's string-width draw; printable ASCII takes the fast path (slices by length).
// Each piece remembers where it starts in the source line, so search matches map onto pieces.

export interface WrapPiece {
  text: string;
  /** UTF-16 offset of the piece in the source line */
  start: number;
}

const ASCII = /^[\x20-\x7e]*$/;

/** Columns a code point takes in a terminal (0, 1 or 2). */
export function charWidth(cp: number): number {
  if (cp < 0x300) return 1;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/**
 * `text` cut into pieces of at most `width` columns (one empty piece for an empty line). A piece
 * ends after its last space when that keeps at least half the width (words stay whole), else it
 * is cut hard (long tokens, JSON strings). Pieces joined give `text` back.
 */
export function wrapLine(text: string, width: number): WrapPiece[] {
  const w = Math.max(1, width);
  if (ASCII.test(text)) {
    if (text.length <= w) return [{ text, start: 0 }];
    const out: WrapPiece[] = [];
    let at = 0;
    while (text.length - at > w) {
      const space = text.lastIndexOf(' ', at + w - 1);
      const end = space >= at + Math.ceil(w / 2) ? space + 1 : at + w;
      out.push({ text: text.slice(at, end), start: at });
      at = end;
    }
    out.push({ text: text.slice(at), start: at });
    return out;
  }
  const out: WrapPiece[] = [];
  let start = 0;
  let cols = 0;
  let at = 0;
  // the offset just after the piece's last space, and the columns up to there
  let spaceEnd = -1;
  let spaceCols = 0;
  for (const ch of text) {
    const cw = charWidth(ch.codePointAt(0) ?? 0);
    if (cols + cw > w && at > start) {
      const soft = spaceEnd > start && spaceCols >= Math.ceil(w / 2);
      const end = soft ? spaceEnd : at;
      out.push({ text: text.slice(start, end), start });
      cols = soft ? cols - spaceCols : 0;
      start = end;
      spaceEnd = -1;
    }
    cols += cw;
    at += ch.length;
    if (ch === ' ') {
      spaceEnd = at;
      spaceCols = cols;
    }
  }
  out.push({ text: text.slice(start), start });
  return out;
}
