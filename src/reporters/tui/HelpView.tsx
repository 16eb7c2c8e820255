// The help screen (`?`): keys, what the marks and colours mean, and how errors are counted.
import { Box, Text } from 'ink';

const KEYS: [string, string][] = [
  ['↑ ↓  j k', 'select a request (selection stays on it as new ones arrive)'],
  ['PgUp PgDn', 'move a page; Home goes back to following the newest'],
  ['enter', 'details of the selected request'],
  ['esc', 'back to the list'],
  ['f', 'filter: all -> errors -> blocked'],
  ['p', 'pause the list (requests keep counting in the totals)'],
  ['c', 'clear the list (totals are kept)'],
  ['?', 'this help'],
  ['q  ctrl+c', 'quit: stop accepting, let in-flight requests finish'],
];

const MARKS: [string, string][] = [
  ['⠋ + time', 'in flight, with the time elapsed so far'],
  ['~', 'streamed response'],
  ['BLOCKED input|output <name>', 'a guardrail blocked the request (counted as blocked, not as an error)'],
  ['monitor <name>', 'a monitor guardrail matched; the request went through'],
  ['status colours', 'green ok · yellow 4xx · red 5xx and blocks · grey aborted by the client'],
];

export function HelpView({ height }: { height: number }) {
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text bold>keys</Text>
      {KEYS.map(([k, v]) => (
        <Text key={k} wrap="truncate">
          <Text color="cyan">{`  ${k.padEnd(12)}`}</Text>
          <Text>{v}</Text>
        </Text>
      ))}
      <Text bold>marks</Text>
      {MARKS.map(([k, v]) => (
        <Text key={k} wrap="truncate">
          <Text color="cyan">{`  ${k}`}</Text>
          <Text>{`  ${v}`}</Text>
        </Text>
      ))}
    </Box>
  );
}
