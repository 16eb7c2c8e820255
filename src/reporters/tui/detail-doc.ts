// The detail view's document: the logical lines wrapped to the terminal width, computed once per
// (row, previews, capture and whether capture is on, width) — a one-entry memo, so scrolling and searching never rebuild a
// 1 MiB body's lines per key press — and search over it. Matches are found in the logical lines
// (a match split by a wrap is still found) and mapped to the wrapped line they start on.
import type { CapturedExchange } from '../../events/capture.js';
import { detailLines, type DetailInput, type DetailLine } from './detail-lines.js';
import type { Tone } from './row-cells.js';
import { wrapLine } from './wrap.js';

export interface DocLine {
  /** the text drawn, indent included */
  text: string;
  tone: Tone;
  title: boolean;
  /** index of the logical line it comes from */
  src: number;
  /** offset of this piece in the logical line's text (indent excluded) */
  start: number;
  indent: number;
}

export interface DetailDoc {
  logical: readonly DetailLine[];
  lines: readonly DocLine[];
  width: number;
}

export interface Match {
  /** logical line, and the match's UTF-16 range in its text */
  src: number;
  start: number;
  end: number;
  /** the wrapped line the match starts on */
  line: number;
}

/** Logical lines wrapped to `width` columns; continuation lines keep the indent. */
export function layoutDetail(logical: readonly DetailLine[], width: number): DetailDoc {
  const lines: DocLine[] = [];
  logical.forEach((l, src) => {
    const indent = Math.min(l.indent ?? 0, Math.max(0, width - 8));
    const pad = ' '.repeat(indent);
    for (const piece of wrapLine(l.text, width - indent)) {
      lines.push({ text: pad + piece.text, tone: l.tone, title: l.title === true, src, start: piece.start, indent });
    }
  });
  return { logical, lines, width };
}

interface MemoKey {
  input: DetailInput;
  width: number;
}

let memo: { key: MemoKey; doc: DetailDoc } | null = null;

/**
 * The same exchange: the same object, or — should a capture store hand out copies — the same
 * request id, status, timings and body texts (a copy shares its strings, so these compare at once).
 */
function sameCapture(a: CapturedExchange | null, b: CapturedExchange | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  return (
    a.id === b.id &&
    a.time === b.time &&
    a.response.status === b.response.status &&
    a.timings.total_ms === b.timings.total_ms &&
    a.request.body?.text === b.request.body?.text &&
    a.response.body?.text === b.response.body?.text &&
    a.response.assembled?.text === b.response.assembled?.text
  );
}

function sameKey(a: MemoKey, b: MemoKey): boolean {
  return (
    a.width === b.width &&
    a.input.row === b.input.row &&
    a.input.previews === b.input.previews &&
    (a.input.capturing ?? false) === (b.input.capturing ?? false) &&
    sameCapture(a.input.capture, b.input.capture) &&
    // only an in-flight row's lines depend on the clock (its elapsed time)
    (a.input.row.finished !== null || a.input.now === b.input.now)
  );
}

/** The document for a request at a width, rebuilt only when one of them changed. */
export function detailDoc(input: DetailInput, width: number): DetailDoc {
  const key = { input, width };
  if (memo !== null && sameKey(memo.key, key)) return memo.doc;
  const doc = layoutDetail(detailLines(input), width);
  memo = { key, doc };
  return doc;
}

/** At most this many matches are kept (a one-letter query over a 1 MiB body). */
export const MATCH_LIMIT = 10_000;

/** Case-insensitive matches of `query`, in document order. */
export function findMatches(doc: DetailDoc, query: string, limit = MATCH_LIMIT): Match[] {
  const out: Match[] = [];
  if (query === '') return out;
  const q = query.toLowerCase();
  let line = 0;
  doc.logical.forEach((l, src) => {
    if (out.length >= limit) return;
    while (line < doc.lines.length - 1 && (doc.lines[line]?.src ?? src) < src) line++;
    const lower = l.text.toLowerCase();
    const [hay, needle] = lower.length === l.text.length ? [lower, q] : [l.text, query];
    let row = line;
    for (let at = hay.indexOf(needle); at >= 0 && out.length < limit; at = hay.indexOf(needle, at + needle.length)) {
      while ((doc.lines[row + 1]?.src ?? -1) === src && (doc.lines[row + 1]?.start ?? Infinity) <= at) row++;
      out.push({ src, start: at, end: at + needle.length, line: row });
    }
  });
  return out;
}

/** A drawn line cut into plain and highlighted segments for the matches on it. */
export interface Segment {
  text: string;
  /** null: plain; else whether it is the current match */
  match: null | 'other' | 'current';
}

export function lineSegments(line: DocLine, matches: readonly Match[], current: Match | null): Segment[] {
  const body = line.text.slice(line.indent);
  const from = line.start;
  const to = from + body.length;
  const segs: Segment[] = [];
  let at = 0;
  for (const m of matches) {
    if (m.src !== line.src || m.end <= from || m.start >= to) continue;
    const s = Math.max(m.start, from) - from;
    const e = Math.min(m.end, to) - from;
    if (s > at) segs.push({ text: body.slice(at, s), match: null });
    segs.push({ text: body.slice(s, e), match: m === current ? 'current' : 'other' });
    at = e;
  }
  if (at < body.length || segs.length === 0) segs.push({ text: body.slice(at), match: null });
  if (line.indent > 0) segs.unshift({ text: line.text.slice(0, line.indent), match: null });
  return segs;
}
