// One logical line of the detail view (before wrapping) and the small builders the section
// renderers share. Text here is raw outside text; detail-lines.ts makes every line terminal-safe
// once, at the end, so the renderers never have to think about escapes.
import type { Tone } from './row-cells.js';

export interface DetailLine {
  /** the line's text, without its indent */
  text: string;
  tone: Tone;
  /** section titles render bold */
  title?: boolean;
  /** leading spaces; wrapped continuation lines keep them */
  indent?: number;
}

/** Collects lines with a current indent. */
export class LineSink {
  readonly lines: DetailLine[] = [];

  title(text: string, tone: Tone = 'plain'): void {
    this.lines.push({ text, tone, title: true });
  }

  line(text: string, tone: Tone = 'plain', indent = 2): void {
    this.lines.push({ text, tone, indent });
  }

  /** A multi-line text, one line per line break (CRLF or LF), all at `indent`. */
  text(text: string, tone: Tone = 'plain', indent = 4): void {
    for (const l of splitLines(text)) this.lines.push({ text: l, tone, indent });
  }

  /** `label: first line`, then the text's other lines indented below it. */
  labelled(label: string, text: string, tone: Tone = 'plain', indent = 2): void {
    const [first = '', ...rest] = splitLines(text);
    this.lines.push({ text: `${label}: ${first}`, tone, indent });
    for (const l of rest) this.lines.push({ text: l, tone, indent: indent + 2 });
  }
}

export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** `1234567` → `1,234,567` */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
