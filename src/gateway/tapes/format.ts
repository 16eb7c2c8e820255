// The tape file (DESIGN.md §12): `aisix-tape/1`, one pretty-printed JSON file per upstream exchange
// at `DIR/<alias slug>-<first 8 hex of the alias's SHA-256>/<key>-<n>.json`. The request as sent
// upstream, without credentials (its body as JSON); the response's status, allowlisted headers
// and its body as text (`body_base64` when the bytes are not UTF-8), or, for event streams, the
// chunks as received with their offset in ms from the response headers (`base64` for a chunk that
// splits a character). Reading checks the shape and names what is wrong.
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

export const TAPE_FORMAT = 'aisix-tape/1';

/** The only response headers a tape keeps (`request-id`: Anthropic's name for the upstream request id). */
export const TAPE_HEADERS: readonly string[] = ['content-type', 'retry-after', 'x-request-id', 'request-id'];

export interface TapeChunk {
  t_ms: number;
  text?: string;
  base64?: string;
}

export interface TapeRequest {
  method: string;
  route: string;
  alias: string;
  upstream_model: string | null;
  /** the JSON body sent upstream (model rewritten, masks applied), or null for body-less calls */
  body: unknown;
}

export interface TapeResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
  body_base64?: string;
  chunks?: TapeChunk[];
}

export interface Tape {
  format: typeof TAPE_FORMAT;
  key: string;
  n: number;
  request: TapeRequest;
  response: TapeResponse;
}

const SLUG_MAX = 48;
const NOT_SLUG = /[^a-z0-9]+/g;
const EDGE_DASHES = /^-+|-+$/g;

/** `gpt-4o-prod-1a2b3c4d`: a readable slug of the alias and the start of its SHA-256 (aliases differing only in punctuation stay apart). */
export function aliasFolder(alias: string): string {
  const slug = alias.toLowerCase().replace(NOT_SLUG, '-').replace(EDGE_DASHES, '').slice(0, SLUG_MAX).replace(EDGE_DASHES, '') || 'alias';
  return `${slug}-${createHash('sha256').update(alias).digest('hex').slice(0, 8)}`;
}

export function tapeFile(dir: string, alias: string, key: string, n: number): string {
  return join(dir, aliasFolder(alias), `${key}-${n}.json`);
}

/** Bytes as a tape writes them: text when they are UTF-8 on their own, else base64. */
export function textOrBase64(bytes: Buffer): { text: string } | { base64: string } {
  return isUtf8(bytes) ? { text: bytes.toString('utf8') } : { base64: bytes.toString('base64') };
}

export function serializeTape(tape: Tape): string {
  return `${JSON.stringify(tape, null, 2)}\n`;
}

/** The response body or the chunks, as bytes, in order. */
export function responseBytes(response: TapeResponse): Buffer[] {
  if (response.chunks !== undefined) return response.chunks.map(chunkBytes);
  if (response.body_base64 !== undefined) return [Buffer.from(response.body_base64, 'base64')];
  return [Buffer.from(response.body ?? '', 'utf8')];
}

export function chunkBytes(chunk: TapeChunk): Buffer {
  return chunk.base64 !== undefined ? Buffer.from(chunk.base64, 'base64') : Buffer.from(chunk.text ?? '', 'utf8');
}

/** A parsed tape file, or the reason it is not one. */
export function readTapeText(text: string, key: string, n: number): { ok: true; tape: Tape } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'it is not JSON' };
  }
  const reason = problem(value, key, n);
  return reason === null ? { ok: true, tape: value as Tape } : { ok: false, reason };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function problem(value: unknown, key: string, n: number): string | null {
  if (!isObject(value) || value.format !== TAPE_FORMAT) return `its \`format\` is not "${TAPE_FORMAT}"`;
  if (value.key !== key || value.n !== n) return `it is recording ${JSON.stringify(value.n)} of key ${JSON.stringify(value.key)}, not ${n} of ${key} (renamed?)`;
  const response = value.response;
  if (!isObject(response) || !Number.isInteger(response.status)) return '`response.status` is missing';
  if (!isObject(response.headers) || !Object.values(response.headers).every((h) => typeof h === 'string')) return '`response.headers` must map names to strings';
  const { body, body_base64: base64, chunks } = response;
  const bodies = [body, base64, chunks].filter((b) => b !== undefined).length;
  if (bodies !== 1) return 'the response needs exactly one of `body`, `body_base64` and `chunks`';
  if (body !== undefined && typeof body !== 'string') return '`response.body` must be a string';
  if (base64 !== undefined && typeof base64 !== 'string') return '`response.body_base64` must be a string';
  if (chunks !== undefined) {
    if (!Array.isArray(chunks)) return '`response.chunks` must be a list';
    for (const [i, chunk] of chunks.entries()) {
      if (!isObject(chunk) || typeof chunk.t_ms !== 'number' || !(chunk.t_ms >= 0)) return `\`response.chunks[${i}].t_ms\` must be a number of ms`;
      if (typeof chunk.text !== 'string' && typeof chunk.base64 !== 'string') return `\`response.chunks[${i}]\` needs \`text\` or \`base64\``;
    }
  }
  return null;
}
