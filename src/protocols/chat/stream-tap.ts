// The chat completion stream grammar, read on the side of a relayed stream: `data:` chunks ending
// with `[DONE]`, the id, the first content or tool-call delta, the usage chunk (which the proxy
// may have asked for: `choices: []` with `usage`), and in-band errors. Key tests tolerate any JSON
// spacing (`"usage": {` from Python servers as well as `"usage":{`).
import type { Usage } from '../../events/types.js';
import type { SseFrame } from '../../sse/frame-parser.js';
import { field, parseJson as parse, str } from '../json-fields.js';
import { hasObjectKey } from '../scan-json.js';
import type { InBandError, StreamTap } from '../types.js';
import { chatUsage } from './usage.js';

/** True when the chunk may carry a non-null `usage` object (a cheap test before any parse). */
const mayCarryUsage = (data: string): boolean => hasObjectKey(data, '"usage"');

export function createChatTap(onFirstDelta: () => void): StreamTap {
  let deltaSeen = false;
  const tap = {
    terminal: false,
    usage: null as Usage | null,
    responseId: null as string | null,
    inBandError: null as InBandError | null,
    nextSequence: () => 0,
    onFrame(frame: SseFrame): void {
      const data = frame.data;
      if (data === '[DONE]') {
        tap.terminal = true;
        return;
      }
      const needsParse = tap.responseId === null || !deltaSeen || mayCarryUsage(data) || frame.event === 'error' || data.includes('"error"');
      if (!needsParse) return;
      const json = parse(data);
      tap.responseId ??= str(field(json, 'id'));
      const usage = chatUsage(field(json, 'usage'));
      if (usage !== null) tap.usage = usage;
      const error = field(json, 'error');
      if (frame.event === 'error' || (typeof error === 'object' && error !== null)) {
        tap.terminal = true;
        tap.inBandError = { type: str(field(error, 'type')) ?? 'upstream_error', code: str(field(error, 'code')), message: str(field(error, 'message')) ?? 'upstream error' };
      }
      if (!deltaSeen && hasContentDelta(json)) {
        deltaSeen = true;
        onFirstDelta();
      }
    },
    isUsageOnly(frame: SseFrame): boolean {
      if (!mayCarryUsage(frame.data)) return false;
      const json = parse(frame.data);
      const choices = field(json, 'choices');
      return Array.isArray(choices) && choices.length === 0 && typeof field(json, 'usage') === 'object' && field(json, 'usage') !== null;
    },
  };
  return tap;
}

function hasContentDelta(chunk: unknown): boolean {
  const choices = field(chunk, 'choices');
  if (!Array.isArray(choices)) return false;
  return choices.some((c) => {
    const delta = field(c, 'delta');
    const content = field(delta, 'content');
    return (typeof content === 'string' && content !== '') || Array.isArray(field(delta, 'tool_calls'));
  });
}
