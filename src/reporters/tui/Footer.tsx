// The last line: filter, pause state (with how many requests arrived meanwhile), key hints, or
// "shutting down…" once the user asked to quit. Short hints below 120 columns.
import { Text } from 'ink';
import type { StoreSnapshot } from './request-store.js';

export interface FooterProps {
  snapshot: StoreSnapshot;
  view: 'table' | 'detail' | 'help';
  quitting: boolean;
  width: number;
}

const HINTS: Record<FooterProps['view'], string> = {
  table: '↑↓/jk select  enter details  f filter  p pause  c clear  ? help  q quit',
  detail: 'esc back  ↑↓/jk previous/next  q quit',
  help: 'esc or ? back  q quit',
};

const SHORT_TABLE_HINT = '↑↓ enter f:filter p:pause c:clear ?:help q:quit';

export function Footer({ snapshot, view, quitting, width }: FooterProps) {
  const hint = view === 'table' && width < 120 ? SHORT_TABLE_HINT : HINTS[view];
  if (quitting) {
    return (
      <Text color="yellow" bold>
        shutting down… (letting in-flight requests finish)
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
