// One pass over a request body's bytes (UTF-8 already checked) that checks the JSON grammar and
// finds each top-level member's key and value span, without building any value. Strings are
// skipped in JS for a short window, then with the native Buffer.indexOf (a quote is real unless an
// odd run of backslashes precedes it); everything between strings — brackets, commas, colons, numbers, literals — is checked byte by
// byte. What the scan does not look at is what is inside strings no stage reads (raw control
// characters, escape sequences): every string a stage reads is parsed by JSON.parse, which does.
// It also counts the members of every object in the document (the colons outside strings): a full
// parse that holds fewer keys had duplicates, which JSON.parse drops silently.

/** One top-level member: its key (decoded) and where its key and value sit in the bytes. */
export interface MemberSpan {
  readonly key: string;
  /** the opening quote of the key */
  readonly keyStart: number;
  /** the first byte of the value */
  readonly valueStart: number;
  /** just past the last byte of the value */
  readonly valueEnd: number;
  /** members of every object inside the value (0 for scalars) */
  readonly nestedMembers: number;
}

export interface TopLevelScan {
  /** the members in document order (duplicates included) */
  readonly members: MemberSpan[];
  /** the index of the root object's closing brace */
  readonly close: number;
  /** members of every object in the document, the root's included */
  readonly memberCount: number;
}

/** Why a body is refused: not JSON at all, or JSON whose root is not an object. */
export class ScanError extends Error {
  constructor(readonly reason: 'invalid' | 'not_object') {
    super(reason === 'invalid' ? 'invalid JSON' : 'not a JSON object');
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const DOT = 0x2e;
const OBJECT = 1;
const ARRAY = 2;
/** Bytes of a string scanned in JS before the native indexOf takes over (measured: 64 beats 16–128 on escape-heavy text). */
const JS_WINDOW = 64;

function fail(): never {
  throw new ScanError('invalid');
}

function skipSpace(b: Buffer, i: number): number {
  let c = b[i];
  while (c === 32 || c === 10 || c === 13 || c === 9) c = b[++i];
  return i;
}

/**
 * `i` just past an opening quote; returns the index just past the closing quote. Bytes are looked
 * at in JS for a short window — at the string's start and again after each escaped quote, so the
 * dense `\"` of JSON inside JSON is not one native call each — then the next quote is found with
 * the native indexOf.
 */
export function skipString(b: Buffer, i: number): number {
  const n = b.length;
  for (;;) {
    const short = Math.min(i + JS_WINDOW, n);
    while (i < short) {
      const c = b[i] as number;
      if (c === QUOTE) return i + 1;
      i += c === BACKSLASH ? 2 : 1;
    }
    const q = b.indexOf(QUOTE, i);
    if (q < 0) fail();
    if (b[q - 1] !== BACKSLASH) return q + 1;
    let k = q - 2;
    while (b[k] === BACKSLASH) k--; // the opening quote ends the run at the latest
    if (((q - 1 - k) & 1) === 0) return q + 1;
    i = q + 1;
  }
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= ZERO && c <= NINE;
}

/** `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` from `i`; returns its end. */
function skipNumber(b: Buffer, i: number): number {
  if (b[i] === MINUS) i++;
  if (b[i] === ZERO) i++;
  else if (isDigit(b[i])) while (isDigit(b[i])) i++;
  else fail();
  if (b[i] === DOT) {
    i++;
    if (!isDigit(b[i])) fail();
    while (isDigit(b[i])) i++;
  }
  if (b[i] === 0x65 || b[i] === 0x45) {
    i++;
    if (b[i] === 0x2b || b[i] === MINUS) i++;
    if (!isDigit(b[i])) fail();
    while (isDigit(b[i])) i++;
  }
  return i;
}

/** `true`, `false` or `null` at `i` (told by its first byte); returns its end. */
function skipLiteral(b: Buffer, i: number, c: number): number {
  if (c === 0x74 && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65) return i + 4;
  if (c === 0x66 && b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65) return i + 5;
  if (c === 0x6e && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c) return i + 4;
  return fail();
}

/** Short ASCII keys already decoded, by a hash of their bytes (bounded; cleared when full). */
const INTERNED = new Map<number, string>();
const INTERN_MAX = 1024;
const INTERN_LENGTH = 32;

function interned(b: Buffer, from: number, to: number, hash: number): string {
  const known = INTERNED.get(hash);
  if (known !== undefined && known.length === to - from) {
    let same = true;
    for (let i = from; i < to && same; i++) same = known.charCodeAt(i - from) === b[i];
    if (same) return known;
  }
  const text = b.toString('latin1', from, to);
  if (INTERNED.size >= INTERN_MAX) INTERNED.clear();
  INTERNED.set(hash, text);
  return text;
}

/**
 * The text of the string token `b[start, end)` (quotes included): a plain slice when it has no
 * escapes (latin1 for ASCII, the cheapest decode), else JSON.parse, which also checks the escapes.
 * `"mo\u0064el"` is `model`.
 */
export function stringText(b: Buffer, start: number, end: number): string {
  let ascii = true;
  let hash = 0;
  for (let i = start + 1; i < end - 1; i++) {
    const c = b[i] as number;
    if (c === BACKSLASH || c < 0x20) {
      try {
        return JSON.parse(b.toString('utf8', start, end)) as string;
      } catch {
        return fail();
      }
    }
    if (c >= 0x80) ascii = false;
    hash = (Math.imul(hash, 31) + c) | 0;
  }
  if (!ascii) return b.toString('utf8', start + 1, end - 1);
  return end - start - 2 <= INTERN_LENGTH ? interned(b, start + 1, end - 1, hash) : b.toString('latin1', start + 1, end - 1);
}

/**
 * Checks `b` as one JSON text and maps the root object's members. Throws ScanError: `invalid` for
 * anything that is not JSON (empty, truncated, trailing bytes), `not_object` for JSON whose root
 * is an array or a scalar.
 */
export function scanTopLevel(b: Buffer): TopLevelScan {
  const n = b.length;
  const stack: number[] = [];
  const members: MemberSpan[] = [];
  let colons = 0;
  let i = skipSpace(b, 0);
  const rootIsObject = b[i] === LBRACE;
  // the member of the root being read: where its key and value start, the colons before its value
  let keyStart = 0;
  let key = '';
  let valueStart = 0;
  let colonsAtValue = 0;
  let close = -1;
  let expectKey = false;
  for (;;) {
    if (expectKey) {
      // a key, its colon, then the value
      if (b[i] !== QUOTE) fail();
      const start = i;
      i = skipString(b, i + 1);
      if (rootIsObject && stack.length === 1) {
        keyStart = start;
        key = stringText(b, start, i);
      }
      i = skipSpace(b, i);
      if (b[i] !== COLON) fail();
      colons++;
      i = skipSpace(b, i + 1);
      if (rootIsObject && stack.length === 1) {
        valueStart = i;
        colonsAtValue = colons;
      }
      expectKey = false;
    }
    // a value at i
    const c = b[i];
    if (c === LBRACE || c === LBRACKET) {
      i = skipSpace(b, i + 1);
      const empty = b[i] === (c === LBRACE ? RBRACE : RBRACKET);
      if (!empty) {
        stack.push(c === LBRACE ? OBJECT : ARRAY);
        expectKey = c === LBRACE;
        continue;
      }
      if (stack.length === 0) close = i; // the root is `{}`
      i++;
    } else if (c === QUOTE) i = skipString(b, i + 1);
    else if (c === MINUS || isDigit(c)) i = skipNumber(b, i);
    else if (c === 0x74 || c === 0x66 || c === 0x6e) i = skipLiteral(b, i, c);
    else fail();
    // the value ended at i: close what it completes, then a comma or the end
    for (;;) {
      if (rootIsObject && stack.length === 1) {
        members.push({ key, keyStart, valueStart, valueEnd: i, nestedMembers: colons - colonsAtValue });
      }
      i = skipSpace(b, i);
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (i !== n) fail(); // trailing bytes
        if (!rootIsObject) throw new ScanError('not_object');
        return { members, close, memberCount: colons };
      }
      const d = b[i];
      if (d === COMMA) {
        i = skipSpace(b, i + 1);
        expectKey = top === OBJECT;
        break;
      }
      if (d !== (top === OBJECT ? RBRACE : RBRACKET)) fail();
      stack.pop();
      if (stack.length === 0) close = i;
      i++;
    }
  }
}
