// The last line: filter, pause state (with how many requests arrived meanwhile), key hints, or
// "shutting down…" once the user asked to quit. A status message (where an export went, why
// nothing was exported) takes the whole line until the next key. Short hints below 120 columns.
import { Text } from 'ink';
import { terminalSafe } from '../../text/terminal-safe.js';
import type { StoreSnapshot } from './request-store.js';
import type { Tone } from './row-cells.js';
import { toneProps } from './theme.js';

export type View = 'table' | 'aliases' | 'detail' | 'help';

export interface FooterStatus {
  text: string;
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
    // the whole line: an export's path must stay readable at 80 columns
    return (
      <Text wrap="truncate" {...toneProps(status.tone)}>
        {terminalSafe(status.text)}
      </Text>
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
