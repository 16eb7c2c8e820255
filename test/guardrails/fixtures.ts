// Test builders: guardrail configs as the loader would produce them, and SSE bodies written
// by hand after responses-wire.md §4 (event: line equal to the JSON type, one data: line,
// sequence numbers from 0) and §6 (chat: data-only chunks ending with [DONE]).
import type {
  KeywordGuardrail,
  PiiAction,
  PiiCustomPattern,
  PiiDetectorType,
  PiiGuardrail,
} from '../../src/config/types.js';

type Common = Partial<Pick<KeywordGuardrail, 'enabled' | 'hookPoint' | 'mode'>>;

export function keyword(name: string, patterns: (string | { re: string; flags?: string })[], over: Common = {}): KeywordGuardrail {
  return {
    kind: 'keyword',
    name,
    enabled: true,
    hookPoint: 'both',
    mode: 'block',
    ...over,
    patterns: patterns.map((p) =>
      typeof p === 'string'
        ? { kind: 'literal', value: p, regex: null }
        : { kind: 'regex', value: p.re, regex: { source: p.re, flags: p.flags ?? '' } },
    ),
  };
}

export interface PiiSpec extends Common {
  detectors?: (PiiDetectorType | [PiiDetectorType, PiiAction])[];
  custom?: { name: string; re: string; flags?: string; action?: PiiAction; replacement?: string }[];
  defaultAction?: PiiAction;
  maxBufferBytes?: number;
}

export function pii(name: string, spec: PiiSpec): PiiGuardrail {
  const { detectors = [], custom = [], defaultAction = 'mask', maxBufferBytes = 262144, ...common } = spec;
  return {
    kind: 'pii',
    name,
    enabled: true,
    hookPoint: 'both',
    mode: 'block',
    ...common,
    detectors: detectors.map((d) => (Array.isArray(d) ? { type: d[0], action: d[1] } : { type: d, action: null })),
    customPatterns: custom.map(
      (c): PiiCustomPattern => ({
        name: c.name,
        regex: { source: c.re, flags: c.flags ?? '' },
        action: c.action ?? null,
        replacement: c.replacement ?? null,
      }),
    ),
    defaultAction,
    maxBufferBytes,
    onBufferExceeded: 'fail_closed',
  };
}

/** A Responses SSE body: each event gets `type`'s event: line and the next sequence_number. */
export function responsesSse(events: Record<string, unknown>[]): Buffer {
  return Buffer.from(
    events
      .map((e, i) => `event: ${String(e.type)}\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\n\n`)
      .join(''),
  );
}

export function chatSse(chunks: Record<string, unknown>[], { done = true } = {}): Buffer {
  const frames = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`);
  return Buffer.from(frames.join('') + (done ? 'data: [DONE]\n\n' : ''));
}

export function messageItem(text: string, status = 'completed'): Record<string, unknown> {
  return {
    id: 'msg_1',
    type: 'message',
    status,
    role: 'assistant',
    content: status === 'in_progress' ? [] : [{ type: 'output_text', text, annotations: [], logprobs: [] }],
  };
}

export function responseObject(output: unknown[], status = 'completed'): Record<string, unknown> {
  return {
    id: 'resp_1',
    object: 'response',
    status,
    model: 'gpt-4o-mini',
    output,
    usage: status === 'in_progress' ? null : { input_tokens: 5, output_tokens: 7, total_tokens: 12 },
  };
}

/** A full text turn after the real ordering: created … deltas … done copies … completed. */
export function textTurn(deltas: string[], opts: { terminal?: boolean; doneCopies?: boolean } = {}): Record<string, unknown>[] {
  const { terminal = true, doneCopies = true } = opts;
  const text = deltas.join('');
  const at = { item_id: 'msg_1', output_index: 0, content_index: 0 };
  const events: Record<string, unknown>[] = [
    { type: 'response.created', response: responseObject([], 'in_progress') },
    { type: 'response.in_progress', response: responseObject([], 'in_progress') },
    { type: 'response.output_item.added', output_index: 0, item: messageItem('', 'in_progress') },
    { type: 'response.content_part.added', ...at, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } },
    ...deltas.map((delta) => ({ type: 'response.output_text.delta', ...at, delta, logprobs: [], obfuscation: 'xyz' })),
  ];
  if (doneCopies) {
    events.push(
      { type: 'response.output_text.done', ...at, text, logprobs: [] },
      { type: 'response.content_part.done', ...at, part: { type: 'output_text', annotations: [], logprobs: [], text } },
      { type: 'response.output_item.done', output_index: 0, item: messageItem(text) },
    );
  }
  if (terminal) events.push({ type: 'response.completed', response: responseObject([messageItem(text)]) });
  return events;
}

/** Every JSON data payload of an SSE body, in order (non-JSON frames skipped). */
export function dataPayloads(body: Buffer): Record<string, unknown>[] {
  return body
    .toString('utf8')
    .split(/\n\n/)
    .flatMap((frame) => frame.split('\n').filter((l) => l.startsWith('data: ')))
    .map((l) => l.slice(6))
    .filter((d) => d.startsWith('{'))
    .map((d) => JSON.parse(d) as Record<string, unknown>);
}

/** The value at a path inside parsed JSON (undefined when the path leaves it). */
export function at(root: unknown, ...path: (string | number)[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}
