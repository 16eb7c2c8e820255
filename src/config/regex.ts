// Guardrail regexes are written in Rust `regex` syntax (AISIX). This translates what JavaScript
// can express — leading inline flags `(?i)` `(?s)` `(?m)`, `\A`, `\z`, `(?P<name>…)` — and
// compiles the result once at load, so a bad pattern is a load error instead of a silent skip.
import type { RegexSource } from './types.js';

export type RegexResult = { ok: true; regex: RegexSource } | { ok: false; reason: string };

const LEADING_FLAGS = /^\(\?([A-Za-z]*)(?:-([A-Za-z]*))?\)/;
const INLINE_FLAGS = /\(\?(?:[A-Za-z]+(?:-[A-Za-z]*)?|-[A-Za-z]+)[):]/;
const JS_ERROR_REASON = /: ([^:]+)$/;
const UNSUPPORTED_FLAGS: Readonly<Record<string, string>> = {
  x: 'the `x` (verbose) flag has no JavaScript equivalent; remove it and the spaces or comments it allows',
  U: 'the `U` (swap greed) flag has no JavaScript equivalent; use lazy quantifiers such as `*?` instead',
  R: 'the `R` (CRLF) flag has no JavaScript equivalent',
};

export function translateRegex(pattern: string): RegexResult {
  let rest = pattern;
  const flags = new Set<string>();
  for (let m = LEADING_FLAGS.exec(rest); m !== null; m = LEADING_FLAGS.exec(rest)) {
    for (const flag of m[1] ?? '') {
      if (flag === 'i' || flag === 'm' || flag === 's') flags.add(flag);
      else if (flag !== 'u') return { ok: false, reason: UNSUPPORTED_FLAGS[flag] ?? `unknown inline flag \`${flag}\` in \`${m[0]}\`` };
    }
    rest = rest.slice(m[0].length); // `(?-i)` style negations switch off what is off by default
  }
  const source = translateBody(rest);
  const base = [...flags].sort().join('');
  if (compiles(source, `${base}u`)) return { ok: true, regex: { source, flags: `${base}u` } };
  try {
    new RegExp(source, base);
    return { ok: true, regex: { source, flags: base } };
  } catch (err) {
    return { ok: false, reason: reasonOf(err, rest) };
  }
}

function compiles(source: string, flags: string): boolean {
  try {
    new RegExp(source, flags);
    return true;
  } catch {
    return false;
  }
}

/** Rewrites Rust-only escapes and group syntax outside character classes. */
function translateBody(body: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i += 1) {
    const ch = body[i];
    if (ch === '\\') {
      const next = body[i + 1] ?? '';
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'z') out += '(?![\\s\\S])';
      else out += ch + next;
      i += 1;
    } else if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
    } else if (ch === '[') {
      inClass = true;
      const negated = body[i + 1] === '^';
      out += negated ? '[^' : '[';
      if (negated) i += 1;
      if (body[i + 1] === ']') {
        out += '\\]'; // Rust reads a leading `]` as a literal; JavaScript would end the class
        i += 1;
      }
    } else if (body.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else {
      out += ch;
    }
  }
  return out;
}

function reasonOf(err: unknown, body: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const reason = JS_ERROR_REASON.exec(message)?.[1] ?? message;
  const text = reason.charAt(0).toLowerCase() + reason.slice(1);
  if (INLINE_FLAGS.test(body)) return `${text} (inline flags such as \`(?i)\` are only supported as a prefix at the very start of the pattern)`;
  return text;
}
