// Tone → Ink text props, in one place so every view colours outcomes the same way.
import type { TextProps } from 'ink';
import type { Tone } from './row-cells.js';

const TONES: Record<Tone, TextProps> = {
  ok: { color: 'green' },
  warn: { color: 'yellow' },
  bad: { color: 'red', bold: true },
  block: { color: 'red', bold: true },
  mark: { color: 'magenta' },
  dim: { dimColor: true },
  live: { color: 'cyan' },
  info: { color: 'cyan' },
  plain: {},
};

/** Ink props for a tone. */
export function toneProps(tone: Tone): TextProps {
  return TONES[tone];
}
