// Export of a captured request (DESIGN §13, the inspector's `e`): as a JSON file
// `{method, url, headers, body}` (headers as captured, i.e. redacted; body the parsed JSON when it
// is JSON, else its text) and as a runnable curl script that authenticates with
// `$AISIX_API_KEY` — never a key's value — beside the request log. Both hold whole prompts: the
// JSON is written 0600, the script 0700.
// The script always pipes the body into `curl --data-binary @-` (`printf '%s' '<body>' |`, through
// `base64 -d` when it is not text), so curl never reads a body starting with `@` as a file name.
// A WebSocket turn (a `response.create` frame) exports as the Responses request it carried:
// `POST /v1/responses`, the frame without its `type`, `stream: true`, JSON content type (the
// handshake's own headers left out) — what the gateway sends upstream when it falls back to HTTP —
// and its JSON says `"transport": "websocket"`.
// No script is written when it could not replay the request faithfully: a truncated body (its JSON
// says `"truncated": true`), a body that was sent but not captured (passthrough routes without
// tapes), a turn whose frame is not a JSON object.
// buildRequestJson and buildCurl are pure; writeExport does the file work and says what it did.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CapturedBody, CapturedExchange } from '../../events/capture.js';
import { isEventStream } from './capture-lines.js';
import type { CaptureLookup } from './capture-lookup.js';
import { isRecord, parseJson } from './json-read.js';

export interface RequestJson {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** the body is base64 (not text) */
  encoding?: 'base64';
  /** only part of the body was captured (proxy.capture_max_bytes) */
  truncated?: true;
  /** the request was a WebSocket turn, written as the POST /v1/responses it carried */
  transport?: 'websocket';
}

/** Request headers a replay needs besides the credential (which comes from $AISIX_API_KEY). */
const REPLAY_HEADERS = ['content-type', 'accept', 'anthropic-version', 'anthropic-beta', 'openai-beta'] as const;

/** The WebSocket handshake's own headers: not part of the request a turn carried. */
const HANDSHAKE_HEADER = /^(upgrade|connection|sec-websocket-.*)$/;

/** Methods whose requests carry a body unless they say otherwise (`content-length: 0`). */
const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

export const NOTHING_TO_EXPORT = 'nothing to export: set proxy.capture_bodies: true';
export const NO_LONGER_KEPT = 'nothing to export: body no longer kept (proxy.capture_keep)';

/** The proxy's URL and the captured path joined. */
export function requestUrl(proxyUrl: string, path: string): string {
  return `${proxyUrl.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/** Whether the exchange is a WebSocket turn: its request is the upgrade, its body the frame. */
export function isWebSocketTurn(ex: CapturedExchange): boolean {
  return ex.request.method === 'GET' && (ex.request.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/** The request to replay, or why there is none that would replay faithfully. */
type Replay =
  | { ok: true; method: string; url: string; headers: Record<string, string>; body: CapturedBody | null; websocket: boolean }
  | { ok: false; why: string };

function replayOf(ex: CapturedExchange): Replay {
  const { method, url, headers, body } = ex.request;
  if (body?.truncated === true) return { ok: false, why: 'truncated body' };
  if (isWebSocketTurn(ex)) {
    const parsed = body === null || body.encoding !== 'utf8' ? undefined : parseJson(body.text);
    if (parsed === undefined || !isRecord(parsed.value)) return { ok: false, why: 'the turn\'s frame is not a JSON response.create' };
    // as the gateway makes a frame a Responses request (websocket/dispatch-turn.ts): no `type`, streamed
    const { type: _type, ...request } = parsed.value;
    const text = JSON.stringify({ ...request, stream: true });
    const kept = Object.fromEntries(Object.entries(headers).filter(([name]) => !HANDSHAKE_HEADER.test(name)));
    return {
      ok: true, method: 'POST', url, websocket: true,
      headers: { ...kept, 'content-type': 'application/json' },
      body: { text, encoding: 'utf8', bytes: Buffer.byteLength(text), truncated: false },
    };
  }
  if (body === null && sentBody(method, headers)) return { ok: false, why: 'request body not captured' };
  return { ok: true, method, url, headers: { ...headers }, body, websocket: false };
}

/** Whether the client sent a body (by its headers, or a body method without `content-length: 0`). */
function sentBody(method: string, headers: Record<string, string>): boolean {
  const length = headers['content-length'];
  if (headers['transfer-encoding'] !== undefined) return true;
  if (length !== undefined) return Number(length) !== 0;
  return BODY_METHODS.has(method.toUpperCase());
}

export function buildRequestJson(ex: CapturedExchange, proxyUrl: string): RequestJson {
  const replay = replayOf(ex);
  const turn = replay.ok && replay.websocket ? replay : null;
  const { method, url, headers, body } = turn ?? ex.request;
  const out: RequestJson = { method, url: requestUrl(proxyUrl, url), headers: { ...headers }, body: null };
  if (turn !== null) out.transport = 'websocket';
  if (body === null) return out;
  if (body.encoding === 'base64') {
    out.body = body.text;
    out.encoding = 'base64';
  } else {
    const parsed = body.truncated ? undefined : parseJson(body.text);
    out.body = parsed === undefined ? body.text : parsed.value;
  }
  if (body.truncated) out.truncated = true;
  return out;
}

/** `text` as one single-quoted sh word (`'` written as `'\''`). */
export function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A request id as a file-name part: only [A-Za-z0-9._-] (ids are caller-settable), at most 100
 * characters. With no `/` left and the `aisix-request-` prefix in front, it cannot leave the directory.
 */
export function fileId(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  return safe === '' ? 'unnamed' : safe;
}

/** The curl script replaying the request through the proxy, or null when it could not replay it faithfully. */
export function buildCurl(ex: CapturedExchange, proxyUrl: string): string | null {
  const replay = replayOf(ex);
  return replay.ok ? curlScript(ex, replay, proxyUrl) : null;
}

function curlScript(ex: CapturedExchange, { method, url, headers, body, websocket }: Extract<Replay, { ok: true }>, proxyUrl: string): string {
  const args: string[] = [];
  args.push(`-X ${/^[A-Z]+$/.test(method) ? method : shQuote(method)} ${shQuote(requestUrl(proxyUrl, url))}`);
  args.push('x-api-key' in headers && !('authorization' in headers) ? '-H "x-api-key: $AISIX_API_KEY"' : '-H "Authorization: Bearer $AISIX_API_KEY"');
  for (const name of REPLAY_HEADERS) {
    const value = headers[name];
    if (value !== undefined) args.push(`-H ${shQuote(`${name}: ${value}`)}`);
  }
  // every body through stdin: `--data-binary '<text>'` would read a body starting with `@` as a
  // file name, and one exec argument is capped at 128 KiB on Linux (printf is a shell builtin)
  let pipe = '';
  if (body !== null) {
    if (body.encoding === 'base64' || body.text.includes('\u0000')) {
      const b64 = body.encoding === 'base64' ? body.text : Buffer.from(body.text, 'utf8').toString('base64');
      pipe = `printf '%s' ${shQuote(b64)} | base64 -d | `;
    } else {
      pipe = `printf '%s' ${shQuote(body.text)} | `;
    }
    args.push('--data-binary @-');
  }
  const flags = websocket || isEventStream(ex) ? '-sS -N' : '-sS';
  const head = [
    '#!/bin/sh',
    `# aisix request ${fileId(ex.id)}, replayed through the proxy as captured (credentials redacted).`,
    ...(websocket ? ['# It was a WebSocket turn: replayed as the streamed POST /v1/responses its response.create frame carried.'] : []),
    '# Run it with a caller key of the proxy: AISIX_API_KEY=<key> sh <this file>',
  ];
  return `${head.join('\n')}\n${pipe}curl ${flags} ${args.join(' \\\n  ')}\n`;
}

export interface ExportResult {
  jsonPath: string;
  /** null when no script was written (it could not replay the request: see replayOf) */
  curlPath: string | null;
  /** the status line, naming both files in full */
  message: string;
  /** the same, shorter (`… and …curl.sh`), for a footer too narrow for the full one */
  short: string;
}

/**
 * Writes `aisix-request-<id>.json` (0600) and, when it can replay the request, `aisix-request-<id>.curl.sh`
 * (0700) into `dir`, creating it.
 */
export function writeExport(ex: CapturedExchange, proxyUrl: string, dir: string): ExportResult {
  mkdirSync(dir, { recursive: true });
  const stem = `aisix-request-${fileId(ex.id)}`;
  const jsonPath = join(dir, `${stem}.json`);
  const curlPath = join(dir, `${stem}.curl.sh`);
  writePrivate(jsonPath, `${JSON.stringify(buildRequestJson(ex, proxyUrl), null, 2)}\n`, 0o600);
  const replay = replayOf(ex);
  if (!replay.ok) {
    rmSync(curlPath, { force: true }); // a script from an earlier export of this id would no longer match
    const message = `exported to ${jsonPath} (${replay.why}: no curl script, it could not replay the request)`;
    return { jsonPath, curlPath: null, message, short: message };
  }
  writePrivate(curlPath, curlScript(ex, replay, proxyUrl), 0o700);
  return { jsonPath, curlPath, message: `exported to ${jsonPath} and ${stem}.curl.sh`, short: `exported to ${jsonPath} and …curl.sh` };
}

/** A file only its owner may read: the mode set on creation is masked by the umask, and an older file keeps its own. */
function writePrivate(path: string, text: string, mode: number): void {
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
}

/** The status line for a request without a capture. */
export function missingCaptureMessage(kind: 'off' | 'gone'): string {
  return kind === 'off' ? NOTHING_TO_EXPORT : NO_LONGER_KEPT;
}

/** Export with the outcome as a status line: what was written, nothing to export (and why), or why it failed. */
export function exportRequest(found: CaptureLookup, proxyUrl: string, dir: string): { message: string; short: string; ok: boolean } {
  if (found.kind !== 'kept') {
    const message = missingCaptureMessage(found.kind);
    return { message, short: message, ok: false };
  }
  try {
    const { message, short } = writeExport(found.exchange, proxyUrl, dir);
    return { message, short, ok: true };
  } catch (err) {
    const message = `export failed: ${err instanceof Error ? err.message : String(err)}`;
    return { message, short: message, ok: false };
  }
}
