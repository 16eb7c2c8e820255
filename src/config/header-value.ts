// Whether a string can travel as an HTTP header value (DESIGN.md §9: a provider key that cannot
// is a load error): no control characters (C0 including tab, DEL, C1) and nothing beyond Latin-1,
// which Node cannot put on the wire. Surrounding spaces are legal but almost always a mistake.
// Describes the first problem by code point only, never by the value.

export type HeaderValueProblem =
  /** `char` is the offending character, `what` completes "field `x` …" */
  | { readonly kind: 'invalid'; readonly char: string; readonly what: string }
  | { readonly kind: 'whitespace'; readonly char: ' '; readonly what: string };

const NAMED: Readonly<Record<number, string>> = { 0x00: 'a NUL character', 0x09: 'a tab', 0x0a: 'a line feed', 0x0d: 'a carriage return' };

export function headerValueProblem(value: string): HeaderValueProblem | null {
  for (const char of value) {
    const cp = char.codePointAt(0) ?? 0;
    if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp <= 0x9f)) {
      return { kind: 'invalid', char, what: `contains ${NAMED[cp] ?? 'a control character'} (${codePoint(cp)})` };
    }
    if (cp > 0xff) return { kind: 'invalid', char, what: `contains ${codePoint(cp)}, a character outside Latin-1` };
  }
  const leading = value.startsWith(' ');
  const trailing = value.endsWith(' ');
  if (!leading && !trailing) return null;
  const which = leading && trailing ? 'leading and trailing spaces' : leading ? 'a leading space' : 'a trailing space';
  return { kind: 'whitespace', char: ' ', what: `has ${which}` };
}

/** `U+000A` */
function codePoint(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}
