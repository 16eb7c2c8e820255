// The totals line: session counters from the store (requests, in flight, errors, blocked, monitor
// hits, tokens in/out, cost, req/s). Errors exclude guardrail blocks, which have their own count.
// Below 120 columns the labels shorten so every figure still fits.
import { Text } from 'ink';
import { formatCost, formatRate, formatTokens } from './format.js';
import type { TotalsView } from './totals.js';

export function TotalsBar({ totals: t, width }: { totals: TotalsView; width: number }) {
  const short = width < 120;
  return (
    <Text wrap="truncate">
      <Text bold>{`${short ? 'req' : 'requests'} ${t.requests}`}</Text>
      <Text color="cyan">{t.inFlight > 0 ? ` (+${t.inFlight} ${short ? 'live' : 'in flight'})` : ''}</Text>
      <Text>{'  '}</Text>
      <Text color={t.errors > 0 ? 'red' : undefined} bold={t.errors > 0}>{`${short ? 'err' : 'errors'} ${t.errors}`}</Text>
      <Text>{'  '}</Text>
      <Text color={t.blocked > 0 ? 'red' : undefined}>{`blocked ${t.blocked}`}</Text>
      {t.monitored > 0 ? <Text color="magenta">{`  ${short ? 'mon' : 'monitor hits'} ${t.monitored}`}</Text> : null}
      <Text>{`  ${short ? 'tok' : 'tokens'} ${formatTokens(t.inputTokens)}->${formatTokens(t.outputTokens)}`}</Text>
      <Text>{`  ${short ? '' : 'cost '}${formatCost(t.costUsd)}`}</Text>
      <Text>{`  ${formatRate(t.perSecond)} req/s`}</Text>
    </Text>
  );
}
