// The longest text a rule can match, for window mode (DESIGN.md §3): a keyword literal's length,
// or a regex's longest match over the JavaScript syntax the config loader accepts (after its
// Rust-flag translation). Counted in UTF-16 code units, as the scanner and the window count text:
// a class or `.` is one unit, two under the `u` flag when it can match an astral character.
// `*`, `+`, `{n,}` over something that consumes text are unbounded; a backreference is unknown
// (unbounded); lookarounds, anchors and `\b` consume nothing. A lookahead (or `$`, `\b`, `\B`) can
// read past the end of its match, so the window also covers that reach, and such a regex is
// flagged: near the end of the text seen so far its verdict can still change. `regexBehind` says how
// far before a match's start a regex can read (lookbehinds, `\b`, `^`), for window mode's
// incremental scan (window-scan.ts), which re-reads only that much text before where it resumes.
export type MatchLength =
  | { readonly bounded: true; readonly length: number; readonly readsAhead: boolean }
  | { readonly bounded: false; readonly why: 'unbounded' | 'backreference' };

interface Measure {
  /** longest text consumed (Infinity: unbounded) */
  len: number;
  /** how many characters from its start it may inspect */
  reach: number;
  readsAhead: boolean;
  backref: boolean;
  /** how many characters before its start it may inspect (Infinity: unknown) */
  behind: number;
  /** holds a lookahead group (not just `$` or `\b`) */
  lookahead: boolean;
}

const EMPTY: Measure = { len: 0, reach: 0, readsAhead: false, backref: false, behind: 0, lookahead: false };
const atom = (width: number): Measure => ({ ...EMPTY, len: width, reach: width });
/** `$`, `\b`, `\B`: read the next character; the last two (and `^` under `m`) the previous one too */
const LOOKS_AHEAD: Measure = { ...EMPTY, reach: 1, readsAhead: true, behind: 1 };
const LOOKS_BEHIND: Measure = { ...EMPTY, behind: 1 };

/** A literal compared case-insensitively: its lower-cased form can be the longer one. */
export function literalMatchLength(value: string): MatchLength {
  return { bounded: true, length: Math.max(value.length, value.toLowerCase().length), readsAhead: false };
}

export function regexMatchLength(source: string, flags: string): MatchLength {
  const m = new RegexMeasure(source, flags.includes('u')).measure();
  if (m.backref) return { bounded: false, why: 'backreference' };
  if (!Number.isFinite(m.len) || !Number.isFinite(m.reach)) return { bounded: false, why: 'unbounded' };
  // a match starting in a frame's last character may read `reach - 1` characters past it
  return { bounded: true, length: Math.max(m.len, m.reach - 1), readsAhead: m.readsAhead };
}

/** How many characters from a match's start a rule may read (window W covers `reach - 1`); Infinity when unbounded. */
export function scanReach(length: MatchLength): number {
  return length.bounded ? length.length + 1 : Infinity;
}

/** How many characters before a match's start the regex may read; Infinity when that is unknown. */
export function regexBehind(source: string, flags: string): number {
  return new RegexMeasure(source, flags.includes('u')).measure().behind;
}

/** What two parts share whichever way they combine (the second starts at or after the first). */
function joined(a: Measure, b: Measure): Pick<Measure, 'readsAhead' | 'backref' | 'behind' | 'lookahead'> {
  return { readsAhead: a.readsAhead || b.readsAhead, backref: a.backref || b.backref, behind: Math.max(a.behind, b.behind), lookahead: a.lookahead || b.lookahead };
}

function sequence(a: Measure, b: Measure): Measure {
  return { len: a.len + b.len, reach: Math.max(a.reach, a.len + b.reach), ...joined(a, b) };
}

function either(a: Measure, b: Measure): Measure {
  return { len: Math.max(a.len, b.len), reach: Math.max(a.reach, b.reach), ...joined(a, b) };
}

function repeat(m: Measure, max: number): Measure {
  if (max === 0) return { ...EMPTY, backref: m.backref, behind: m.behind, lookahead: m.lookahead };
  if (m.len === 0) return m; // repeating what consumes nothing reads no further
  if (!Number.isFinite(max)) return { ...m, len: Infinity, reach: Infinity };
  return { ...m, len: m.len * max, reach: (max - 1) * m.len + m.reach };
}

class RegexMeasure {
  private i = 0;

  constructor(
    private readonly src: string,
    private readonly unicode: boolean,
  ) {}

  measure(): Measure {
    const m = this.alternation();
    return this.i < this.src.length ? { ...m, len: Infinity } : m; // a stray `)` cannot compile; be safe
  }

  private alternation(): Measure {
    let m = this.sequence();
    while (this.src[this.i] === '|') {
      this.i++;
      m = either(m, this.sequence());
    }
    return m;
  }

  private sequence(): Measure {
    let m = EMPTY;
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      m = sequence(m, repeat(this.atom(), this.quantifier()));
    }
    return m;
  }

  /** The quantifier after an atom, as its maximum count (1 when there is none). */
  private quantifier(): number {
    const c = this.src[this.i];
    let max = 1;
    if (c === '*' || c === '+') max = Infinity;
    else if (c === '?') max = 1;
    else if (c === '{') {
      const q = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (q === null) return 1; // a literal `{` (outside `u` mode)
      this.i += q[0].length - 1;
      max = q[2] === undefined ? Number(q[1]) : q[3] === '' || q[3] === undefined ? Infinity : Number(q[3]);
    } else return 1;
    this.i++;
    if (this.src[this.i] === '?') this.i++; // lazy: the same longest match
    return max;
  }

  private atom(): Measure {
    const c = this.src[this.i] as string;
    if (c === '(') return this.group();
    if (c === '[') return this.charClass();
    if (c === '\\') return this.escape();
    this.i++;
    if (c === '.') return atom(this.unicode ? 2 : 1);
    if (c === '^') return LOOKS_BEHIND;
    if (c === '$') return LOOKS_AHEAD;
    if (this.unicode && isHighSurrogate(c) && isLowSurrogate(this.src[this.i])) {
      this.i++;
      return atom(2);
    }
    return atom(1);
  }

  private group(): Measure {
    const rest = this.src.slice(this.i);
    const look = /^\(\?(<?)([=!])/.exec(rest);
    let kind: 'ahead' | 'behind' | 'plain' = 'plain';
    if (look !== null) {
      kind = look[1] === '<' ? 'behind' : 'ahead';
      this.i += look[0].length;
    } else {
      const prefix = /^\((?:\?(?:<[^>=!]*>|[A-Za-z-]*:))?/.exec(rest);
      this.i += (prefix?.[0] ?? '(').length;
    }
    const inner = this.alternation();
    if (this.src[this.i] === ')') this.i++;
    // what a lookbehind reads lies before the match (a lookahead inside one could read past it: unknown)
    if (kind === 'behind') {
      const behind = inner.lookahead || inner.backref ? Infinity : inner.len + inner.behind + 1;
      return { ...EMPTY, backref: inner.backref, behind, lookahead: inner.lookahead };
    }
    if (kind === 'ahead') return { ...EMPTY, reach: inner.reach, readsAhead: true, backref: inner.backref, behind: inner.behind, lookahead: true };
    return inner;
  }

  private charClass(): Measure {
    this.i++;
    let wide = false;
    if (this.src[this.i] === '^') {
      wide = true;
      this.i++;
    }
    while (this.i < this.src.length && this.src[this.i] !== ']') {
      const c = this.src[this.i] as string;
      if (c === '\\') {
        wide = this.classEscapeIsWide() || wide;
        continue;
      }
      if (isHighSurrogate(c)) wide = true;
      this.i++;
    }
    this.i++;
    return atom(this.unicode && wide ? 2 : 1);
  }

  /** Steps over an escape inside a class; true when it can match an astral character. */
  private classEscapeIsWide(): boolean {
    const next = this.src[this.i + 1] ?? '';
    this.i += 2;
    if ('DWS'.includes(next)) return true;
    if ((next === 'p' || next === 'P') && this.src[this.i] === '{') {
      this.skipPast('}');
      return true;
    }
    if (next === 'u' && this.src[this.i] === '{') {
      const end = this.src.indexOf('}', this.i);
      const code = parseInt(this.src.slice(this.i + 1, end), 16);
      this.i = end + 1;
      return code > 0xffff;
    }
    return false;
  }

  private escape(): Measure {
    const next = this.src[this.i + 1] ?? '';
    this.i += 2;
    if (next === 'b' || next === 'B') return LOOKS_AHEAD;
    if ('dws'.includes(next)) return atom(1);
    if ('DWS'.includes(next)) return atom(this.unicode ? 2 : 1);
    if (/[1-9]/.test(next)) {
      while (/\d/.test(this.src[this.i] ?? '')) this.i++;
      return { ...EMPTY, backref: true };
    }
    if (next === 'k' && this.src[this.i] === '<') {
      this.skipPast('>');
      return { ...EMPTY, backref: true };
    }
    if ((next === 'p' || next === 'P') && this.unicode && this.src[this.i] === '{') {
      this.skipPast('}');
      return atom(2);
    }
    if (next === 'u') return this.unicodeEscape();
    if (next === 'x') this.i += 2;
    else if (next === 'c') this.i += 1;
    else if (next === '0' && !this.unicode) while (/[0-7]/.test(this.src[this.i] ?? '') && this.i < this.src.length) this.i++;
    return atom(1);
  }

  private unicodeEscape(): Measure {
    if (this.unicode && this.src[this.i] === '{') {
      const end = this.src.indexOf('}', this.i);
      const code = parseInt(this.src.slice(this.i + 1, end), 16);
      this.i = end + 1;
      return atom(code > 0xffff ? 2 : 1);
    }
    if (!/^[0-9a-fA-F]{4}/.test(this.src.slice(this.i, this.i + 4))) return atom(1); // a literal `u`
    const high = parseInt(this.src.slice(this.i, this.i + 4), 16);
    this.i += 4;
    // `\uD83D\uDE00` is one character in `u` mode (and two units either way)
    if (high >= 0xd800 && high <= 0xdbff && /^\\u[dD][c-fC-F][0-9a-fA-F]{2}/.test(this.src.slice(this.i))) {
      this.i += 6;
      return atom(2);
    }
    return atom(1);
  }

  private skipPast(close: string): void {
    const end = this.src.indexOf(close, this.i);
    this.i = end < 0 ? this.src.length : end + 1;
  }
}

function isHighSurrogate(c: string | undefined): boolean {
  const code = c?.charCodeAt(0) ?? 0;
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(c: string | undefined): boolean {
  const code = c?.charCodeAt(0) ?? 0;
  return code >= 0xdc00 && code <= 0xdfff;
}
