// The last line: filter, pause state (with how many requests arrived meanwhile), key hints, or
// "shutting down…" once the user asked to quit. A status message (where an export went, why
// nothing was exported) takes the whole line until the next key; one too wide for it takes two
// (statusLines; App leaves the totals line out meanwhile), broken after a space or a `/` so an
// export's directory and its file names both stay readable at 80 columns; a status with a short form
// (an export naming both files) uses it when the full text would not fit on two lines. Short hints
// below 120 columns.
import { Box, Text } from 'ink';
import { terminalSafe } from '../../text/terminal-safe.js';
import type { StoreSnapshot } from './request-store.js';
import type { Tone } from './row-cells.js';
import { toneProps } from './theme.js';
import { charWidth } from './wrap.js';

export type View = 'table' | 'aliases' | 'detail' | 'help';

export interface FooterStatus {
  text: string;
  /** a shorter form, drawn when `text` would not fit on two lines */
  short?: string;
  tone: Tone;
}

export interface FooterProps {
  snapshot: StoreSnapshot;
  view: View;
  quitting: boolean;
  width: number;
  status?: FooterStatus | null;
}

const HINTS: Record<View, string> = {
  table: '↑↓/jk select  enter details  a aliases  e export  f filter  p pause  c clear  ? help  q quit',
  aliases: 'a or esc requests  f filter  p pause  c clear  ? help  q quit',
  detail: 'esc back  ↑↓/jk scroll  space/b page  g/G top/end  / search  ←→ prev/next  e export  ? help',
  help: 'esc or ? back  q quit',
};

const SHORT: Partial<Record<View, string>> = {
  table: '↑↓ enter a:aliases e:export f:filter p:pause c:clear ?:help q:quit',
  detail: 'esc ↑↓ space/b g/G /:search ←→ e:export ?',
};

/** The status's text when it fits on two lines of `width` columns, else its short form (if any). */
export function statusText(status: FooterStatus, width: number): string {
  if (status.short === undefined) return status.text;
  const lines = statusLines(terminalSafe(status.text), width);
  return lines.every((l) => textWidth(l) <= width) ? status.text : status.short;
}

function textWidth(text: string): number {
  let cols = 0;
  for (const ch of text) cols += charWidth(ch.codePointAt(0) ?? 0);
  return cols;
}

/**
 * A status text (already terminal-safe) as the lines it is drawn on: itself when it fits `width`
 * columns, else two — the first ends after the last space or `/` that fits (when that keeps a
 * third of the width, else it is cut hard), the second is the rest (Ink truncates it).
 */
export function statusLines(text: string, width: number): string[] {
  const w = Math.max(1, width);
  let cols = 0;
  let fit = 0;
  for (const ch of text) {
    cols += charWidth(ch.codePointAt(0) ?? 0);
    if (cols > w) break;
    fit += ch.length;
  }
  if (fit >= text.length) return [text];
  const head = text.slice(0, fit);
  const brk = Math.max(head.lastIndexOf(' '), head.lastIndexOf('/')) + 1;
  const end = brk >= Math.ceil(w / 3) ? brk : fit;
  return [text.slice(0, end).trimEnd(), text.slice(end).trimStart()];
}

export function Footer({ snapshot, view, quitting, width, status = null }: FooterProps) {
  const hint = width < 120 ? (SHORT[view] ?? HINTS[view]) : HINTS[view];
  if (quitting) {
    return (
      <Text color="yellow" bold>
        shutting down… (letting in-flight requests finish)
      </Text>
    );
  }
  if (status !== null) {
    // the whole line, or two: an export's path must stay readable at 80 columns
    return (
      <Box flexDirection="column">
        {statusLines(terminalSafe(statusText(status, width)), width).map((line, i) => (
          <Text key={i} wrap="truncate" {...toneProps(status.tone)}>
            {line}
          </Text>
        ))}
      </Box>
    );
  }
  return (
    <Text wrap="truncate">
      <Text color={snapshot.filter === 'all' ? undefined : 'cyan'} bold={snapshot.filter !== 'all'}>
        {`filter: ${snapshot.filter}`}
      </Text>
      {snapshot.paused ? (
        <Text color="yellow" bold>{`  PAUSED (+${snapshot.newWhilePaused} new)`}</Text>
      ) : null}
      <Text dimColor>{`  ${hint}`}</Text>
    </Text>
  );
}
