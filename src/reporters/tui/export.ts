// Export of a captured request (DESIGN §13, the inspector's `e`): as a JSON file
// `{method, url, headers, body}` (headers as captured, i.e. redacted; body the parsed JSON when it
// is JSON, else its text) and as a runnable curl script that authenticates with
// `$AISIX_API_KEY` — never a key's value — beside the request log. A truncated body cannot be
// replayed faithfully: its JSON says `"truncated": true` and no script is written.
// buildRequestJson and buildCurl are pure; writeExport does the file work and says what it did.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CapturedExchange } from '../../events/capture.js';
import { parseJson } from './json-read.js';

export interface RequestJson {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** the body is base64 (not text) */
  encoding?: 'base64';
  /** only part of the body was captured (proxy.capture_max_bytes) */
  truncated?: true;
}

/** Request headers a replay needs besides the credential (which comes from $AISIX_API_KEY). */
const REPLAY_HEADERS = ['content-type', 'accept', 'anthropic-version', 'anthropic-beta', 'openai-beta'] as const;

/** Bodies above this go through `printf | curl --data-binary @-`: one exec argument is capped at 128 KiB on Linux. */
const ARG_LIMIT = 64 * 1024;

export const NOTHING_TO_EXPORT = 'nothing to export: set proxy.capture_bodies: true';

/** The proxy's URL and the captured path joined. */
export function requestUrl(proxyUrl: string, path: string): string {
  return `${proxyUrl.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

export function buildRequestJson(ex: CapturedExchange, proxyUrl: string): RequestJson {
  const { method, url, headers, body } = ex.request;
  const out: RequestJson = { method, url: requestUrl(proxyUrl, url), headers: { ...headers }, body: null };
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

function isStream(ex: CapturedExchange): boolean {
  return (ex.response.headers['content-type'] ?? '').includes('text/event-stream') || (ex.request.headers.accept ?? '').includes('text/event-stream');
}

/** The curl script replaying the request through the proxy, or null when the body was truncated. */
export function buildCurl(ex: CapturedExchange, proxyUrl: string): string | null {
  const { method, url, headers, body } = ex.request;
  if (body?.truncated === true) return null;
  const args: string[] = [];
  args.push(`-X ${/^[A-Z]+$/.test(method) ? method : shQuote(method)} ${shQuote(requestUrl(proxyUrl, url))}`);
  args.push('x-api-key' in headers && !('authorization' in headers) ? '-H "x-api-key: $AISIX_API_KEY"' : '-H "Authorization: Bearer $AISIX_API_KEY"');
  for (const name of REPLAY_HEADERS) {
    const value = headers[name];
    if (value !== undefined) args.push(`-H ${shQuote(`${name}: ${value}`)}`);
  }
  let pipe = '';
  if (body !== null) {
    if (body.encoding === 'base64' || body.text.includes('\u0000')) {
      const b64 = body.encoding === 'base64' ? body.text : Buffer.from(body.text, 'utf8').toString('base64');
      pipe = `printf '%s' ${shQuote(b64)} | base64 -d | `;
      args.push('--data-binary @-');
    } else if (Buffer.byteLength(body.text) > ARG_LIMIT) {
      pipe = `printf '%s' ${shQuote(body.text)} | `;
      args.push('--data-binary @-');
    } else {
      args.push(`--data-binary ${shQuote(body.text)}`);
    }
  }
  const flags = isStream(ex) ? '-sS -N' : '-sS';
  const head = [
    '#!/bin/sh',
    `# aisix request ${fileId(ex.id)}, replayed through the proxy as captured (credentials redacted).`,
    '# Run it with a caller key of the proxy: AISIX_API_KEY=<key> sh <this file>',
  ];
  return `${head.join('\n')}\n${pipe}curl ${flags} ${args.join(' \\\n  ')}\n`;
}

export interface ExportResult {
  jsonPath: string;
  /** null when no script was written (truncated body) */
  curlPath: string | null;
  /** the status line */
  message: string;
}

/** Writes `aisix-request-<id>.json` and (unless truncated) `aisix-request-<id>.curl.sh` into `dir`, creating it. */
export function writeExport(ex: CapturedExchange, proxyUrl: string, dir: string): ExportResult {
  mkdirSync(dir, { recursive: true });
  const stem = `aisix-request-${fileId(ex.id)}`;
  const jsonPath = join(dir, `${stem}.json`);
  const curlPath = join(dir, `${stem}.curl.sh`);
  writeFileSync(jsonPath, `${JSON.stringify(buildRequestJson(ex, proxyUrl), null, 2)}\n`);
  const curl = buildCurl(ex, proxyUrl);
  if (curl === null) {
    rmSync(curlPath, { force: true }); // a script from an earlier export of this id would no longer match
    return { jsonPath, curlPath: null, message: `exported to ${jsonPath} (truncated body: no curl script, it could not replay the request)` };
  }
  writeFileSync(curlPath, curl, { mode: 0o755 });
  chmodSync(curlPath, 0o755); // the mode above is masked by the umask
  return { jsonPath, curlPath, message: `exported to ${jsonPath} and …curl.sh` };
}

/** Export with the outcome as a status line: what was written, nothing to export, or why it failed. */
export function exportRequest(ex: CapturedExchange | null, proxyUrl: string, dir: string): { message: string; ok: boolean } {
  if (ex === null) return { message: NOTHING_TO_EXPORT, ok: false };
  try {
    return { message: writeExport(ex, proxyUrl, dir).message, ok: true };
  } catch (err) {
    return { message: `export failed: ${err instanceof Error ? err.message : String(err)}`, ok: false };
  }
}
