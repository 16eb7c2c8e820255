// Export of a captured request (`e`): the JSON file's shape, the exact curl script for a request
// authenticated with x-api-key and one with Authorization, sh quoting of bodies holding `'` (run
// through a real sh and a stand-in curl that prints what it would send), every body through stdin
// (a body starting with `@` run through real curl), bodies too big for one argument, truncated and
// uncaptured bodies (JSON only, no script), a WebSocket turn (as its POST /v1/responses), unsafe
// ids, and the files written (names, modes 600 and 700, the directory created).
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { CapturedExchange } from '../../src/events/capture.js';
import { buildCurl, buildRequestJson, exportRequest, fileId, shQuote, writeExport } from '../../src/reporters/tui/export.js';
import { chatCompletion, messagesAnswer, textBody, truncatedRequest, webSocketTurn } from './captures.js';

const URL = 'http://127.0.0.1:4000';
const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'aisix-export-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A stand-in `curl` on PATH that prints the body it was given (its --data-binary argument, or stdin for @-). */
function fakeCurlDir(): string {
  const bin = mkdtempSync(join(tmp, 'bin-'));
  const script = [
    '#!/bin/sh',
    'while [ $# -gt 0 ]; do',
    '  if [ "$1" = "--data-binary" ]; then',
    '    if [ "$2" = "@-" ]; then cat; else printf "%s" "$2"; fi',
    '    exit 0',
    '  fi',
    '  shift',
    'done',
  ].join('\n');
  writeFileSync(join(bin, 'curl'), `${script}\n`);
  chmodSync(join(bin, 'curl'), 0o755);
  return bin;
}

function runWithFakeCurl(script: string): Buffer {
  const file = join(tmp, `script-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, script);
  return execFileSync('sh', [file], { env: { PATH: `${fakeCurlDir()}:${process.env.PATH ?? ''}`, AISIX_API_KEY: 'sk-test' } });
}

describe('buildCurl', () => {
  it('writes a JSON POST with x-api-key as $AISIX_API_KEY, the headers that matter and the body quoted', () => {
    const ex = messagesAnswer('req_m');
    const body = ex.request.body?.text ?? '';
    const quoted = `'${body.replace(/'/g, `'\\''`)}'`;
    expect(buildCurl(ex, URL)).toBe(
      [
        '#!/bin/sh',
        '# aisix request req_m, replayed through the proxy as captured (credentials redacted).',
        '# Run it with a caller key of the proxy: AISIX_API_KEY=<key> sh <this file>',
        `printf '%s' ${quoted} | curl -sS -X POST 'http://127.0.0.1:4000/v1/messages?beta=true' \\`,
        '  -H "x-api-key: $AISIX_API_KEY" \\',
        "  -H 'content-type: application/json' \\",
        "  -H 'anthropic-version: 2023-06-01' \\",
        "  -H 'anthropic-beta: interleaved-thinking-2025-05-14' \\",
        '  --data-binary @-',
        '',
      ].join('\n'),
    );
    expect(body).toContain("What's in README.md? It's short.");
    expect(quoted).toContain(`What'\\''s in README.md? It'\\''s short.`);
  });

  it('writes Authorization: Bearer $AISIX_API_KEY, never a key, and leaves out hop and client headers', () => {
    const ex = chatCompletion('req_c');
    ex.request.headers.authorization = 'Bearer sk-should-never-appear';
    const curl = buildCurl(ex, `${URL}/`) ?? '';
    expect(curl).toBe(
      [
        '#!/bin/sh',
        '# aisix request req_c, replayed through the proxy as captured (credentials redacted).',
        '# Run it with a caller key of the proxy: AISIX_API_KEY=<key> sh <this file>',
        `printf '%s' '${ex.request.body?.text ?? ''}' | curl -sS -X POST 'http://127.0.0.1:4000/v1/chat/completions' \\`,
        '  -H "Authorization: Bearer $AISIX_API_KEY" \\',
        "  -H 'content-type: application/json' \\",
        '  --data-binary @-',
        '',
      ].join('\n'),
    );
    expect(curl).not.toContain('sk-should-never-appear');
    for (const h of ['content-length', 'connection', 'accept-encoding', 'host', 'user-agent']) expect(curl).not.toContain(h);
  });

  it('quotes any body so sh passes it byte for byte, quotes, backslashes, $ and newlines included', () => {
    const tricky = `{"text":"it's '' $HOME \`id\` \\\\ \\"q\\" \n tab\there ünï ✓ '"}`;
    const ex = chatCompletion('req_q');
    ex.request.body = textBody(tricky);
    expect(runWithFakeCurl(buildCurl(ex, URL) ?? '').toString('utf8')).toBe(tricky);
    expect(execFileSync('sh', ['-c', `printf '%s' ${shQuote(tricky)}`]).toString('utf8')).toBe(tricky);
  });

  it('pipes a body too big for one argument through printf, and a binary one through base64 -d', () => {
    const big = JSON.stringify({ model: 'gpt', input: "it's ".repeat(40_000) });
    const ex = chatCompletion('req_big');
    ex.request.body = textBody(big);
    const curl = buildCurl(ex, URL) ?? '';
    expect(curl).toContain("printf '%s' '{");
    expect(curl).toContain('--data-binary @-');
    expect(runWithFakeCurl(curl).toString('utf8')).toBe(big);

    const bytes = Buffer.from([0, 1, 2, 255, 39, 10]);
    ex.request.body = { text: bytes.toString('base64'), encoding: 'base64', bytes: bytes.length, truncated: false };
    expect(runWithFakeCurl(buildCurl(ex, URL) ?? '').equals(bytes)).toBe(true);
  });

  it('adds -N for streams and writes no body for a GET', () => {
    const ex = chatCompletion('req_g');
    ex.request = { method: 'GET', url: '/v1/models', headers: { authorization: '[REDACTED]', accept: 'text/event-stream' }, body: null };
    ex.response.headers = { 'content-type': 'text/event-stream' };
    expect(buildCurl(ex, URL)?.split('\n').slice(3).join('\n')).toBe(
      `curl -sS -N -X GET 'http://127.0.0.1:4000/v1/models' \\\n  -H "Authorization: Bearer $AISIX_API_KEY" \\\n  -H 'accept: text/event-stream'\n`,
    );
  });

  it('writes no script for a truncated body', () => {
    expect(buildCurl(truncatedRequest(), URL)).toBeNull();
  });

  it('never lets curl read a body starting with @ as a file: every body goes through stdin (real curl, a local echo server)', async () => {
    const secret = join(tmp, 'secret.txt');
    writeFileSync(secret, 'THE-LOCAL-SECRET');
    const echo = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => res.end(Buffer.concat(chunks)));
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    try {
      const ex = chatCompletion('req_at');
      ex.request.body = textBody(`@${secret}`);
      const curl = buildCurl(ex, `http://127.0.0.1:${(echo.address() as AddressInfo).port}`) ?? '';
      expect(curl).not.toContain(`--data-binary '@`);
      const file = join(tmp, 'at.sh');
      writeFileSync(file, curl);
      const { stdout } = await run('sh', [file], { env: { PATH: process.env.PATH ?? '', AISIX_API_KEY: 'sk-test' } });
      expect(stdout).toBe(`@${secret}`);
    } finally {
      await new Promise<void>((r) => echo.close(() => r()));
    }
  });

  it('writes no script for a body that was sent but not captured (a passthrough POST without tapes)', () => {
    const ex = chatCompletion('req_pass');
    ex.request = { method: 'POST', url: '/raw/echo', headers: { authorization: '[REDACTED]', 'content-type': 'text/plain', 'content-length': '14' }, body: null };
    expect(buildCurl(ex, URL)).toBeNull();
    ex.request.headers = { authorization: '[REDACTED]', 'transfer-encoding': 'chunked' };
    expect(buildCurl(ex, URL)).toBeNull();
    ex.request.headers = { authorization: '[REDACTED]' };
    expect(buildCurl(ex, URL)).toBeNull(); // a POST says nothing of its length: it had a body
    ex.request.headers = { authorization: '[REDACTED]', 'content-length': '0' };
    expect(buildCurl(ex, URL)).toContain("-X POST 'http://127.0.0.1:4000/raw/echo'"); // an empty POST replays as one
  });

  it('writes a WebSocket turn as the streamed POST /v1/responses its frame carried, without `type`', () => {
    const ex = webSocketTurn('req_ws');
    const curl = buildCurl(ex, URL) ?? '';
    const body = JSON.stringify({ model: 'gpt', input: "it's over the socket", stream: true });
    expect(curl.split('\n').slice(1)).toEqual([
      '# aisix request req_ws, replayed through the proxy as captured (credentials redacted).',
      '# It was a WebSocket turn: replayed as the streamed POST /v1/responses its response.create frame carried.',
      '# Run it with a caller key of the proxy: AISIX_API_KEY=<key> sh <this file>',
      `printf '%s' ${shQuote(body)} | curl -sS -N -X POST 'http://127.0.0.1:4000/v1/responses' \\`,
      '  -H "Authorization: Bearer $AISIX_API_KEY" \\',
      "  -H 'content-type: application/json' \\",
      '  --data-binary @-',
      '',
    ]);
    expect(runWithFakeCurl(curl).toString('utf8')).toBe(body);
    ex.request.body = textBody('not json');
    expect(buildCurl(ex, URL)).toBeNull();
  });
});

describe('buildRequestJson', () => {
  it('is {method, url, headers, body} with the parsed JSON body and the headers as captured', () => {
    const ex = messagesAnswer('req_m');
    expect(buildRequestJson(ex, URL)).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:4000/v1/messages?beta=true',
      headers: ex.request.headers,
      body: JSON.parse(ex.request.body?.text ?? ''),
    });
  });

  it('writes a WebSocket turn as POST /v1/responses with the frame\'s request, and says it was a turn', () => {
    const ex = webSocketTurn('req_ws');
    expect(buildRequestJson(ex, URL)).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:4000/v1/responses',
      headers: { authorization: '[REDACTED]', host: '127.0.0.1:4000', 'content-type': 'application/json' },
      body: { model: 'gpt', input: "it's over the socket", stream: true },
      transport: 'websocket',
    });
  });

  it('keeps a non-JSON body as text, no body as null, and marks a truncated one', () => {
    const ex = chatCompletion('req_t');
    ex.request.body = textBody('plain words');
    expect(buildRequestJson(ex, URL).body).toBe('plain words');
    ex.request.body = null;
    expect(buildRequestJson(ex, URL).body).toBeNull();
    const cut = buildRequestJson(truncatedRequest(), URL);
    expect(cut.truncated).toBe(true);
    expect(cut.body).toBe(truncatedRequest().request.body?.text);
  });
});

describe('writing the files', () => {
  it('writes aisix-request-<id>.json and an executable .curl.sh into a new directory, and says where', () => {
    const dir = join(tmp, 'new', 'exports');
    const ex = chatCompletion('req_w');
    const result = writeExport(ex, URL, dir);
    expect(result.jsonPath).toBe(join(dir, 'aisix-request-req_w.json'));
    expect(result.curlPath).toBe(join(dir, 'aisix-request-req_w.curl.sh'));
    expect(result.message).toBe(`exported to ${dir}/aisix-request-req_w.json and aisix-request-req_w.curl.sh`);
    expect(result.short).toBe(`exported to ${dir}/aisix-request-req_w.json and …curl.sh`);
    expect(JSON.parse(readFileSync(result.jsonPath, 'utf8'))).toEqual(buildRequestJson(ex, URL));
    const script = readFileSync(result.curlPath ?? '', 'utf8');
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toBe(buildCurl(ex, URL));
    // both hold whole prompts: the owner's alone, also when an older, wider-open file is overwritten
    expect(statSync(result.curlPath ?? '').mode & 0o777).toBe(0o700);
    expect(statSync(result.jsonPath).mode & 0o777).toBe(0o600);
    chmodSync(result.jsonPath, 0o644);
    chmodSync(result.curlPath ?? '', 0o755);
    writeExport(ex, URL, dir);
    expect(statSync(result.curlPath ?? '').mode & 0o777).toBe(0o700);
    expect(statSync(result.jsonPath).mode & 0o777).toBe(0o600);
  });

  it('writes only the JSON for a body that was not captured, saying why', () => {
    const dir = join(tmp, 'uncaptured');
    const ex = chatCompletion('req_nb');
    ex.request.body = null;
    const result = writeExport(ex, URL, dir);
    expect(result.curlPath).toBeNull();
    expect(existsSync(join(dir, 'aisix-request-req_nb.curl.sh'))).toBe(false);
    expect(result.message).toBe(`exported to ${dir}/aisix-request-req_nb.json (request body not captured: no curl script, it could not replay the request)`);
  });

  it('writes only the JSON for a truncated body (and removes an older script of that id), saying why', () => {
    const dir = join(tmp, 'cut');
    const whole: CapturedExchange = { ...truncatedRequest('req_cut'), request: { ...truncatedRequest().request, body: textBody('{}') } };
    expect(writeExport(whole, URL, dir).curlPath).not.toBeNull();
    const result = writeExport(truncatedRequest('req_cut'), URL, dir);
    expect(result.curlPath).toBeNull();
    expect(existsSync(join(dir, 'aisix-request-req_cut.curl.sh'))).toBe(false);
    expect(JSON.parse(readFileSync(result.jsonPath, 'utf8'))).toMatchObject({ truncated: true });
    expect(result.message).toBe(`exported to ${dir}/aisix-request-req_cut.json (truncated body: no curl script, it could not replay the request)`);
  });

  it('never lets a caller-set request id leave the directory', () => {
    expect(fileId('../../etc/passwd')).toBe('.._.._etc_passwd');
    expect(fileId('a'.repeat(300))).toHaveLength(100);
    expect(fileId('')).toBe('unnamed');
    const result = writeExport(chatCompletion('../x y\n'), URL, join(tmp, 'ids'));
    expect(result.jsonPath).toBe(join(tmp, 'ids', 'aisix-request-.._x_y_.json'));
  });

  it('has nothing to export without a capture, and reports a write that fails', () => {
    expect(exportRequest({ kind: 'off' }, URL, tmp)).toMatchObject({ message: 'nothing to export: set proxy.capture_bodies: true', ok: false });
    expect(exportRequest({ kind: 'gone' }, URL, tmp)).toMatchObject({ message: 'nothing to export: body no longer kept (proxy.capture_keep)', ok: false });
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const failed = exportRequest({ kind: 'kept', exchange: chatCompletion() }, URL, join(file, 'sub'));
    expect(failed.ok).toBe(false);
    expect(failed.message).toMatch(/^export failed: /);
  });
});
