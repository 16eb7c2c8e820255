// The help screen (`?`): the list's keys, the detail view's keys, and what the marks and colours
// mean. From 110 columns the detail keys and the marks sit in a second column; below that one
// column, clipped to the space (the marks go first: every key fits 80×24).
import { Box, Text } from 'ink';

type Entry = [string, string];

const KEYS: Entry[] = [
  ['↑ ↓  j k', 'select a request (selection stays on it as new ones arrive)'],
  ['PgUp PgDn', 'move a page; Home goes back to following the newest'],
  ['enter', 'details of the selected request'],
  ['a', 'requests <-> per-alias tokens, cost and p50 latency'],
  ['e', 'export the request as JSON and a curl script (needs proxy.capture_bodies)'],
  ['esc', 'back to the list'],
  ['f', 'filter: all -> errors -> blocked'],
  ['p', 'pause the list (requests keep counting in the totals)'],
  ['c', 'clear the list (totals are kept)'],
  ['?', 'this help'],
  ['q  ctrl+c', 'quit: stop accepting, let in-flight requests finish'],
];

const DETAIL_KEYS: Entry[] = [
  ['↑ ↓  j k', 'scroll a line; PgUp PgDn (also b and space) scroll a page'],
  ['g G', 'top / end (also Home and End)'],
  ['/  n N', 'search: type, enter jumps to the first match; next / previous match'],
  ['← →', 'previous / next request'],
  ['e', 'export this request (JSON + curl) beside the request log'],
  ['esc', 'leave the search, then the view'],
];

const MARKS: Entry[] = [
  ['⠋ + time', 'in flight, with the time elapsed so far'],
  ['~', 'streamed response'],
  ['BLOCKED input|output <name>', 'a guardrail blocked the request (counted as blocked, not as an error)'],
  ['monitor <name>', 'a monitor guardrail matched; the request went through'],
  ['status colours', 'green ok · yellow 4xx · red 5xx and blocks · grey aborted by the client'],
];

type HelpLine = { title: string } | { entry: Entry; pad: boolean };

function section(title: string, entries: Entry[], pad: boolean): HelpLine[] {
  return [{ title }, ...entries.map((entry) => ({ entry, pad }))];
}

/** One column of help lines, cut to `rows` (Ink would squeeze, not clip, what does not fit). */
function Column({ lines, rows, width }: { lines: HelpLine[]; rows: number; width?: number }) {
  return (
    <Box flexDirection="column" width={width}>
      {lines.slice(0, rows).map((l, i) =>
        'title' in l ? (
          <Text key={i} bold>
            {l.title}
          </Text>
        ) : (
          <Text key={i} wrap="truncate">
            <Text color="cyan">{l.pad ? `  ${l.entry[0].padEnd(12)}` : `  ${l.entry[0]}  `}</Text>
            <Text>{l.entry[1]}</Text>
          </Text>
        ),
      )}
    </Box>
  );
}

export function HelpView({ height, width }: { height: number; width: number }) {
  const keys = section('keys', KEYS, true);
  const rest = [...section('in the detail view', DETAIL_KEYS, true), ...section('marks', MARKS, false)];
  const rows = height + 1;
  if (width >= 110) {
    const half = Math.floor(width / 2);
    return (
      <Box height={rows}>
        <Column lines={keys} rows={rows} width={half} />
        <Column lines={rest} rows={rows} width={width - half} />
      </Box>
    );
  }
  return (
    <Box flexDirection="column" height={rows}>
      <Column lines={[...keys, ...rest]} rows={rows} />
    </Box>
  );
}
