// The detail view of the selected request (Enter opens, Esc closes): the lines from detail-lines,
// clipped to the space the table would use.
import { Box, Text } from 'ink';
import { detailLines } from './detail-lines.js';
import { clip } from './format.js';
import type { Previews, Row } from './request-store.js';
import { toneProps } from './theme.js';

export interface DetailViewProps {
  row: Row | null;
  previews: Previews | null;
  now: number;
  width: number;
  height: number;
}

export function DetailView({ row, previews, now, width, height }: DetailViewProps) {
  if (!row) {
    return (
      <Box height={height + 1}>
        <Text dimColor>This request is no longer in the list (cleared or filtered out). Esc goes back.</Text>
      </Box>
    );
  }
  const lines = detailLines(row, previews, now).slice(0, height + 1);
  return (
    <Box flexDirection="column" height={height + 1}>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate" bold={l.title === true} {...toneProps(l.tone)}>
          {clip(l.text, width)}
        </Text>
      ))}
    </Box>
  );
}
