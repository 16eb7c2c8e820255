// Terminal-safe text: the one place that makes outside text (caller names, aliases a caller chose,
// upstream error codes and messages, ids, previews, output text) harmless to print to a terminal,
// so it cannot clear the screen, move the cursor, set the window title, ring the bell or reorder
// what is shown. Every reporter and CLI output that prints such text goes through here (DESIGN §9).
//
// What is escaped, and how (one readable form, JavaScript/JSON-style escapes):
//   \n \r \t                                  → `\n` `\r` `\t` (a backslash and a letter)
//   other C0 controls U+0000–U+001F, DEL U+007F → `\u001b`, `\u0007`, `\u007f` …
//   C1 controls U+0080–U+009F                  → `\u009b` …
//   bidi embeddings, overrides and isolates
//   U+202A–U+202E, U+2066–U+2069               → `\u202e` …
// Backslashes themselves are not doubled: the result is for reading, not for parsing.
// `{ multiline: true }` (output text, multi-line messages) keeps `\n` and `\t`, turns `\r\n` into
// `\n`, and still escapes a lone `\r` (it would let later text overwrite the line).
// Plain text costs one precompiled regex test and comes back as the same string.
//
// `terminalSafeJson` is for JSON text from JSON.stringify (NDJSON, the log file, `--json`):
// JSON.stringify escapes C0 controls but leaves DEL, C1 and bidi characters raw; this rewrites
// those as `\uXXXX` escapes, which parse back to the very same value.

export interface TerminalSafeOptions {
  /** keep line breaks and tabs (default false: a single-line field) */
  multiline?: boolean;
}

const SINGLE_LINE_TEST = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const SINGLE_LINE_ALL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// the same set minus \t (U+0009) and \n (U+000A)
const MULTI_LINE_TEST = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const MULTI_LINE_ALL = /\r\n|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// in JSON text C0 controls are already escaped; these are the ones JSON.stringify leaves raw
const JSON_TEST = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const JSON_ALL = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function unicodeEscape(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

function escapeOne(ch: string): string {
  return SHORT[ch] ?? unicodeEscape(ch);
}

function escapeMultiLine(match: string): string {
  return match === '\r\n' ? '\n' : escapeOne(match);
}

/** `text` with every control and bidi override character escaped visibly (see the header). */
export function terminalSafe(text: string, options?: TerminalSafeOptions): string {
  if (options?.multiline === true) {
    return MULTI_LINE_TEST.test(text) ? text.replace(MULTI_LINE_ALL, escapeMultiLine) : text;
  }
  return SINGLE_LINE_TEST.test(text) ? text.replace(SINGLE_LINE_ALL, escapeOne) : text;
}

/** JSON text (JSON.stringify output) with DEL, C1 and bidi characters as `\uXXXX`: the same JSON value. */
export function terminalSafeJson(json: string): string {
  return JSON_TEST.test(json) ? json.replace(JSON_ALL, unicodeEscape) : json;
}
