// The detail view of the selected request (Enter opens, Esc closes): the window of the wrapped
// document that fits (`height` lines) from the scroll offset, search matches highlighted (the
// current one in yellow), and one status line — the query being typed, the search's state, or
// the position in the document. Only the visible lines are drawn, so a 1 MiB body costs a page.
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { terminalSafe } from '../../text/terminal-safe.js';
import { lineSegments, type DetailDoc, type Match } from './detail-doc.js';
import { detailStatus, matchesOf, maxOffset, type DetailState } from './detail-state.js';
import { toneProps } from './theme.js';

export interface DetailViewProps {
  /** null when the request left the list */
  doc: DetailDoc | null;
  state: DetailState;
  /** lines of the document shown (the status line comes on top of them) */
  height: number;
}

export function DetailView({ doc, state, height }: DetailViewProps) {
  const matches = doc === null ? [] : matchesOf(doc, state.query);
  const bySrc = useMemo(() => {
    const map = new Map<number, Match[]>();
    for (const m of matches) {
      const list = map.get(m.src);
      if (list) list.push(m);
      else map.set(m.src, [m]);
    }
    return map;
  }, [matches]);
  if (doc === null) {
    return (
      <Box height={height + 1}>
        <Text dimColor>This request is no longer in the list (cleared or filtered out). Esc goes back.</Text>
      </Box>
    );
  }
  const offset = Math.min(state.offset, maxOffset(doc, height));
  const visible = doc.lines.slice(offset, offset + height);
  const current = matches[state.current] ?? null;
  const status = detailStatus({ ...state, offset }, doc, height);
  return (
    <Box flexDirection="column" height={height + 1}>
      {visible.map((l, i) => {
        const own = bySrc.get(l.src);
        const props = { ...toneProps(l.tone), ...(l.title ? { bold: true } : {}) };
        if (!own) {
          return (
            <Text key={offset + i} wrap="truncate" {...props}>
              {l.text}
            </Text>
          );
        }
        return (
          <Text key={offset + i} wrap="truncate" {...props}>
            {lineSegments(l, own, current).map((seg, j) =>
              seg.match === null ? (
                seg.text
              ) : (
                <Text key={j} inverse color={seg.match === 'current' ? 'yellow' : 'cyan'}>
                  {seg.text}
                </Text>
              ),
            )}
          </Text>
        );
      })}
      <Box flexGrow={1} />
      <Text wrap="truncate" {...toneProps(status.tone)} dimColor={status.tone === 'plain'}>
        {terminalSafe(status.text)}
      </Text>
    </Box>
  );
}
