// Shared test helpers for the mock upstream: SDK clients pointed at it (OpenAI, Anthropic), raw HTTP
// calls, an independent SSE parser and word counter (so tests do not reuse the code they check).
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { MockServer } from '../../src/mock/index.js';

export function sdk(mock: MockServer, apiKey = 'x'): OpenAI {
  return new OpenAI({ baseURL: mock.url + '/v1', apiKey, maxRetries: 0 });
}

export function anthropic(mock: MockServer, apiKey = 'x'): Anthropic {
  return new Anthropic({ baseURL: mock.url, apiKey, maxRetries: 0 });
}

export function postJson(mock: MockServer, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(mock.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export interface RawFrame {
  event: string | undefined;
  data: string;
}

/** A plain SSE parser for assertions: frames split on blank lines, any line ending. */
export function parseSse(text: string): RawFrame[] {
  const frames: RawFrame[] = [];
  for (const block of text.split(/\r\n\r\n|\n\n|\r\r/)) {
    if (block.trim() === '') continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r\n|\n|\r/)) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    frames.push({ event, data: data.join('\n') });
  }
  return frames;
}

/** Whitespace-separated words, counted the obvious way. */
export function words(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

/** Polls `check` until it holds or `ms` pass; returns the last result. */
export async function eventually(check: () => boolean, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return check();
}

export interface TypedEvent {
  type: string;
  sequence_number: number;
}

/** Iterates an SDK stream, keeping every event. */
export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const events: T[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/**
 * What Python's `json.dumps(value, ensure_ascii=False)` writes (`", "` and `": "` separators),
 * derived from JSON.stringify's indented form, an oracle independent of the mock's serializer:
 * raw newlines only ever appear between tokens there, never inside strings.
 */
export function pythonDumps(value: unknown): string {
  return JSON.stringify(value, null, 1)
    .replace(/,\n */g, ', ')
    .replace(/([[{])\n */g, '$1')
    .replace(/\n *([\]}])/g, '$1');
}
