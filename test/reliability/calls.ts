// One Responses call through the proxy child with raw fetch (exact status, body bytes and SSE
// frames, which the SDK would hide or throw on), tagged with its own x-aisix-request-id.
import { parseSse, type RawFrame } from '../helpers/sse.js';
import { CALLER_KEY, rid } from './setup.js';

export const INPUT = 'one two three four five six seven eight';

export interface Reply {
  id: string;
  status: number;
  body: string;
  contentType: string;
}

export interface CallOptions {
  stream?: boolean;
  input?: string;
  key?: string;
  /** extra body fields (e.g. metadata.mock_output) */
  extra?: Record<string, unknown>;
}

export async function call(url: string, alias: string, o: CallOptions = {}): Promise<Reply> {
  const id = rid(alias);
  const res = await fetch(`${url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${o.key ?? CALLER_KEY}`, 'content-type': 'application/json', 'x-aisix-request-id': id },
    body: JSON.stringify({ model: alias, input: o.input ?? INPUT, stream: o.stream ?? false, ...o.extra }),
  });
  return { id, status: res.status, body: await res.text(), contentType: res.headers.get('content-type') ?? '' };
}

/** The `error` object of an error reply. */
export function errorOf(reply: Reply): Record<string, unknown> {
  const json = JSON.parse(reply.body) as { error?: unknown };
  if (typeof json.error !== 'object' || json.error === null) throw new Error(`not an error envelope: ${reply.body.slice(0, 200)}`);
  return json.error as Record<string, unknown>;
}

export function framesOf(reply: Reply): RawFrame[] {
  return parseSse(reply.body);
}

/** The `type` of every frame whose data is JSON (others as "<not json>"). */
export function frameTypes(frames: readonly RawFrame[]): string[] {
  return frames.map((f) => {
    try {
      return String((JSON.parse(f.data) as { type?: unknown }).type);
    } catch {
      return '<not json>';
    }
  });
}
