// Writes a parsed frame back as SSE text — only for the rare paths that must drop or rewrite a
// frame (injected chat usage chunks, masked held streams); relayed frames are never re-encoded.
import type { SseFrame } from './frame-parser.js';

export function serializeFrame(frame: SseFrame): string {
  const event = frame.event === null ? '' : `event: ${frame.event}\n`;
  return `${event}data: ${frame.data.replace(/\n/g, '\ndata: ')}\n\n`;
}
