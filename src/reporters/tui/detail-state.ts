// The detail view's scroll and search state and its keys, as a pure function of (state, key,
// document): ↑↓/jk a line, PgUp/PgDn or b/space a page, g/G (Home/End) top and bottom; `/` opens a
// query line (typed text goes there, Enter searches, Esc cancels), n/N go to the next/previous
// match; Esc leaves the search first, then the view. Keys it does not own come back as an action
// for App (close, export, previous/next request, help).
import type { Key } from 'ink';
import { findMatches, MATCH_LIMIT, type DetailDoc, type Match } from './detail-doc.js';

export interface DetailState {
  /** first wrapped line shown */
  offset: number;
  /** the query line being typed, or null when closed */
  draft: string | null;
  /** the searched query ('' = no search) */
  query: string;
  /** the current match's index, -1 when the query has none */
  current: number;
}

export type DetailAction = 'close' | 'export' | 'prev' | 'next' | 'help' | null;

export const initialDetailState: DetailState = { offset: 0, draft: null, query: '', current: -1 };

let matchMemo: { doc: DetailDoc; query: string; matches: Match[] } | null = null;

/** The matches of `query` in `doc`, computed once per (doc, query). */
export function matchesOf(doc: DetailDoc, query: string): Match[] {
  if (query === '') return [];
  if (matchMemo !== null && matchMemo.doc === doc && matchMemo.query === query) return matchMemo.matches;
  const matches = findMatches(doc, query);
  matchMemo = { doc, query, matches };
  return matches;
}

export function maxOffset(doc: DetailDoc, page: number): number {
  return Math.max(0, doc.lines.length - page);
}

function clampOffset(offset: number, doc: DetailDoc, page: number): number {
  return Math.min(Math.max(0, offset), maxOffset(doc, page));
}

/** The offset that shows line `line` a third of a page from the top (or as near as the ends allow). */
function reveal(line: number, doc: DetailDoc, page: number): number {
  return clampOffset(line - Math.floor(page / 3), doc, page);
}

function goTo(s: DetailState, index: number, doc: DetailDoc, page: number): DetailState {
  const m = matchesOf(doc, s.query)[index];
  return m === undefined ? s : { ...s, current: index, offset: reveal(m.line, doc, page) };
}

export interface DetailKeyResult {
  state: DetailState;
  action: DetailAction;
}

/** One key press in the detail view; `page` is how many lines it shows. */
export function detailKey(s: DetailState, input: string, key: Key, doc: DetailDoc, page: number): DetailKeyResult {
  const keep = (state: DetailState, action: DetailAction = null): DetailKeyResult => ({ state, action });
  if (s.draft !== null) return keep(editDraft(s, input, key, doc, page));
  const scroll = (delta: number): DetailKeyResult => keep({ ...s, offset: clampOffset(s.offset + delta, doc, page) });
  if (key.escape) return s.query !== '' ? keep({ ...s, query: '', current: -1 }) : keep(s, 'close');
  if (key.upArrow || input === 'k') return scroll(-1);
  if (key.downArrow || input === 'j') return scroll(1);
  if (key.pageUp || input === 'b') return scroll(-page);
  if (key.pageDown || input === ' ') return scroll(page);
  if (key.home || input === 'g') return keep({ ...s, offset: 0 });
  if (key.end || input === 'G') return keep({ ...s, offset: maxOffset(doc, page) });
  if (key.leftArrow) return keep(s, 'prev');
  if (key.rightArrow) return keep(s, 'next');
  if (input === '/') return keep({ ...s, draft: '' });
  if (input === 'e') return keep(s, 'export');
  if (input === '?') return keep(s, 'help');
  const count = matchesOf(doc, s.query).length;
  if (input === 'n' && count > 0) return keep(goTo(s, (s.current + 1) % count, doc, page));
  if (input === 'N' && count > 0) return keep(goTo(s, (s.current - 1 + count) % count, doc, page));
  return keep(s);
}

function editDraft(s: DetailState, input: string, key: Key, doc: DetailDoc, page: number): DetailState {
  const draft = s.draft ?? '';
  if (key.escape) return { ...s, draft: null };
  if (key.return) {
    if (draft === '') return { ...s, draft: null };
    const matches = matchesOf(doc, draft);
    const searched: DetailState = { ...s, draft: null, query: draft, current: -1 };
    if (matches.length === 0) return searched;
    // the first match from the top of the window down, wrapping round to the first one
    const from = matches.findIndex((m) => m.line >= s.offset);
    return goTo(searched, from >= 0 ? from : 0, doc, page);
  }
  if (key.backspace || key.delete) return { ...s, draft: Array.from(draft).slice(0, -1).join('') };
  if (key.ctrl && input === 'u') return { ...s, draft: '' };
  if (key.ctrl || key.meta || key.tab || input === '' || /[\u0000-\u001f\u007f]/.test(input)) return s;
  return { ...s, draft: draft + input };
}

/** The detail view's last line: the query being typed, the search's state, or the position. */
export function detailStatus(s: DetailState, doc: DetailDoc, page: number): { text: string; tone: 'plain' | 'warn' | 'info' } {
  if (s.draft !== null) return { text: `/${s.draft}_   enter search  esc cancel`, tone: 'info' };
  if (s.query !== '') {
    const matches = matchesOf(doc, s.query);
    if (matches.length === 0) return { text: `no match for "${s.query}"   esc clears`, tone: 'warn' };
    const more = matches.length >= MATCH_LIMIT ? '+' : '';
    return { text: `match ${s.current + 1} of ${matches.length}${more} for "${s.query}"   n next  N previous  esc clears`, tone: 'info' };
  }
  const total = doc.lines.length;
  const first = Math.min(total, s.offset + 1);
  const last = Math.min(total, s.offset + page);
  const pct = total <= page ? 100 : Math.round((last / total) * 100);
  return { text: `lines ${first}-${last} of ${total} (${pct}%)`, tone: 'plain' };
}
