// Reads a Responses SSE body with the shared `SseFrameParser`: reports each event and each
// `output_text` delta as it arrives, and notes the first delta's time, the terminal event, its
// Response object and any in-stream error (an `error` frame or `response.failed`).
import { SseFrameParser, type SseFrame } from '../sse/frame-parser.js';
import { streamError, responseError } from './api-error.js';
import { RESPONSES_TERMINAL_EVENTS } from '../protocols/index.js';
import { field, parseJson, record, str } from '../protocols/json-fields.js';
import type { ApiError, StreamEvent } from './types.js';


export interface StreamHooks {
  onDelta?: (text: string) => void;
  onEvent?: (event: StreamEvent) => void;
  /** keep every event in `events` (default true) */
  keepEvents?: boolean;
  /** called once, on the first output_text delta */
  onFirstDelta: () => void;
}

export interface StreamOutcome {
  events: StreamEvent[];
  text: string;
  terminal: string | null;
  /** the terminal event's Response, else the latest one seen (`response.created`, …) */
  response: Record<string, unknown> | null;
  error: ApiError | null;
}

function incomplete(): ApiError {
  return { source: 'stream', message: 'the stream ended before a terminal event', type: null, code: 'stream_incomplete', param: null };
}

export async function readResponsesStream(body: AsyncIterable<Buffer | string>, hooks: StreamHooks): Promise<StreamOutcome> {
  const out: StreamOutcome = { events: [], text: '', terminal: null, response: null, error: null };
  const onFrame = (frame: SseFrame): void => {
    const json = parseJson(frame.data);
    const event: StreamEvent = { type: frame.event ?? str(field(json, 'type')), data: frame.data, json };
    if (hooks.keepEvents !== false) out.events.push(event);
    hooks.onEvent?.(event);
    apply(out, event, hooks);
  };
  const parser = new SseFrameParser(onFrame);
  for await (const chunk of body) parser.push(chunk);
  parser.end();
  if (out.terminal === null && out.error === null) out.error = incomplete();
  return out;
}

function apply(out: StreamOutcome, event: StreamEvent, hooks: StreamHooks): void {
  const { type, json } = event;
  if (type === 'response.output_text.delta') {
    const delta = str(field(json, 'delta')) ?? '';
    if (out.text === '' && delta !== '') hooks.onFirstDelta();
    out.text += delta;
    if (delta !== '') hooks.onDelta?.(delta);
    return;
  }
  if (type === 'error') {
    out.error ??= streamError(json);
    return;
  }
  const response = record(field(json, 'response'));
  if (response !== null) out.response = response;
  if (type !== null && RESPONSES_TERMINAL_EVENTS.has(type)) {
    out.terminal = type;
    if (type === 'response.failed') out.error ??= responseError(response);
  }
}
