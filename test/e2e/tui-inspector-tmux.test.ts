// The TUI inspector end to end in a real terminal, at 80×24 and at 160×48: `aisix serve --demo
// --tui --log-file DIR/requests.jsonl` in tmux (tmux-harness.ts), a streaming Responses request
// with a long multi-line input, a `demo-tool` call and a blocked prompt sent to it, then in the
// TUI: Enter opens the stream's detail (summary, timings, the readable request), G / g reach the
// end and the top (the position line says so), `/` + Enter jumps to a word of the body and `n` to
// its next match (both lines checked on screen), a search finds the assembled answer, `e` exports
// (the footer names DIR and the files), the JSON holds {method, url, headers, body} and no key,
// the curl script run with `sh` and AISIX_API_KEY through the running proxy gets the same answer
// text, `a` shows the per-alias counts, the tool call is readable, and `q` exits 0.
// With AISIX_TUI_CAPTURE_DIR set, the screens are saved there as COLSxROWS-<step>.txt.
// Needs a build (the bin runs dist/); skips, saying why, only where tmux is not installed.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { hasTmux, paneCommand, TmuxSession } from './tmux-harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEMO_KEY = 'sk-aisix-demo';
const BLOCKED_WORD = 'project falcon';
const NEEDLE = 'zebracorn';
const CAPTURE_DIR = process.env.AISIX_TUI_CAPTURE_DIR;
const run = promisify(execFile);

/** 120 lines; the needle on line 20 and on line 100 only, far enough apart that `n` must scroll. */
function longInput(): string {
  const lines: string[] = [];
  for (let i = 1; i <= 120; i++) {
    const n = String(i).padStart(3, '0');
    if (i === 20) lines.push(`Line ${n} carries the needle word ${NEEDLE} (first).`);
    else if (i === 100) lines.push(`Line ${n} carries ${NEEDLE} again (second).`);
    else lines.push(`Line ${n} of the long input: a quick brown fox.`);
  }
  return lines.join('\n');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The answer text of a Responses SSE stream: its output_text deltas joined. */
function streamText(sse: string): string {
  let text = '';
  for (const line of sse.split(/\r?\n/)) {
    if (!line.startsWith('data: ')) continue;
    const event: unknown = JSON.parse(line.slice(6));
    if (isRecord(event) && event.type === 'response.output_text.delta' && typeof event.delta === 'string') text += event.delta;
  }
  return text;
}

async function post(url: string, body: Record<string, unknown>): Promise<{ status: number; id: string; text: string }> {
  const res = await fetch(`${url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, id: res.headers.get('x-aisix-request-id') ?? '', text: await res.text() };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The position line of the detail view: first, last and total lines. */
function position(screen: string): { first: number; last: number; total: number } | null {
  const m = /lines (\d+)-(\d+) of (\d+) \(\d+%\)/.exec(screen);
  return m === null ? null : { first: Number(m[1]), last: Number(m[2]), total: Number(m[3]) };
}

const tmuxReady = hasTmux();
const title = tmuxReady ? 'TUI inspector in a real terminal (tmux)' : 'TUI inspector in a real terminal (skipped: tmux is not installed)';

describe.skipIf(!tmuxReady)(title, () => {
  const sessions: TmuxSession[] = [];
  const dirs: string[] = [];
  afterAll(() => {
    for (const s of sessions) s.kill();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  for (const [columns, rows] of [
    [80, 24],
    [160, 48],
  ] as const) {
    it(`inspects, searches, exports and replays a request at ${columns}×${rows}`, async () => {
      const term = new TmuxSession(`tui-inspector-${columns}`);
      sessions.push(term);
      const dir = mkdtempSync(join(tmpdir(), 'aisix-tui-'));
      dirs.push(dir);
      const save = (step: string, text: string): void => {
        if (CAPTURE_DIR === undefined) return;
        mkdirSync(CAPTURE_DIR, { recursive: true });
        writeFileSync(join(CAPTURE_DIR, `${columns}x${rows}-${step}.txt`), text);
      };
      const wait = (what: string, test: (text: string) => boolean, timeoutMs?: number): Promise<string> => term.waitFor(what, test, timeoutMs);
      const totals = (n: number, blocked: number) => new RegExp(`(req|requests) ${n}\\s+(err|errors) 0\\s+blocked ${blocked}`);

      term.start(paneCommand(`serve --demo --port 0 --tui --log-file ${join(dir, 'requests.jsonl')}`), columns, rows, ROOT);
      const boot = await wait('the header with the listen URL', (t) => /aisix v\S+\s+http:\/\/127\.0\.0\.1:\d+/.test(t));
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(boot)?.[0] ?? '';
      expect(url).not.toBe('');

      // the requests: a long streamed echo, a tool call, a block
      const input = longInput();
      const stream = await post(url, { model: 'demo', input, stream: true });
      expect(stream.status).toBe(200);
      const answer = streamText(stream.text);
      expect(answer).toBe(input); // demo echoes its input
      const tool = await post(url, {
        model: 'demo-tool',
        input: 'weather in Paris?',
        tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
      });
      expect(tool.status).toBe(200);
      const blocked = await post(url, { model: 'demo', input: `tell me about ${BLOCKED_WORD}` });
      expect(blocked.status).toBe(422);
      await wait('the three rows in the totals', (t) => totals(3, 1).test(t) && t.includes('BLOCKED input no-codenames'));

      // select the stream's row (newest first: block, tool call, stream) and open it
      term.keys('j', 'j');
      await wait('the cursor on the streamed row', (t) => /^› .* 200 .*demo -> mock-echo\s+~/m.test(t));
      term.keys('Enter');
      const top = await wait('the detail view at the top', (t) => t.includes('POST /v1/responses  200 ok') && /lines 1-\d+ of \d+/.test(t));
      save('1-detail-top', top);
      expect(top).toContain(`request   ${stream.id}`);
      expect(top).toMatch(/caller demo-caller {2}stream yes/);
      expect(top).toMatch(/^timings$/m);
      expect(top).toMatch(/^ {2}queue \S+ {2}upstream headers \S+ {2}first token \S+ {2}total \S+$/m);
      expect(top).toMatch(/^request {2}POST \/v1\/responses {2}[\d,]+ bytes$/m);
      expect(top).toContain('  model demo  stream yes');
      expect(top).toMatch(/^ {2}user: Line 001 of the long input: a quick brown fox\.$/m);
      expect(top).toMatch(/^ {4}Line 002 of the long input: a quick brown fox\.$/m);
      const start = position(top);
      expect(start).not.toBeNull();
      expect(start?.total ?? 0).toBeGreaterThan(start?.last ?? Infinity); // the body needs scrolling

      // G: the end (the last response header), g: the top again
      term.keys('G');
      const end = await wait('the end of the document', (t) => {
        const p = position(t);
        return p !== null && p.first > 1 && p.last === p.total;
      });
      save('2-detail-end', end);
      expect(position(end)?.total).toBe(start?.total);
      expect(end).toMatch(/\(100%\)/);
      expect(end).toMatch(/^ {4}x-request-id: req_\S+$/m);
      expect(end).not.toContain('POST /v1/responses  200 ok');
      term.keys('g');
      await wait('the top again', (t) => t.includes('POST /v1/responses  200 ok') && /lines 1-\d+ of \d+/.test(t));

      // / + a word of the body + Enter: its first line on screen; n: the next one
      term.type(`/${NEEDLE}`);
      await wait('the query line', (t) => t.includes(`/${NEEDLE}_`));
      term.keys('Enter');
      const first = await wait('the first match', (t) => new RegExp(`match 1 of \\d+ for "${NEEDLE}"`).test(t));
      save('3-search', first);
      expect(first).toMatch(new RegExp(`^ {4}Line 020 carries the needle word ${NEEDLE} \\(first\\)\\.$`, 'm'));
      expect(first).not.toMatch(/^ {4}Line 100 carries/m);
      term.keys('n');
      const second = await wait('the second match', (t) => new RegExp(`match 2 of \\d+ for "${NEEDLE}"`).test(t));
      expect(second).toMatch(new RegExp(`^ {4}Line 100 carries ${NEEDLE} again \\(second\\)\\.$`, 'm'));
      expect(second).not.toMatch(/^ {4}Line 020 carries/m);

      // the response section with the assembled answer text
      term.type('/text: Line 001');
      term.keys('Enter');
      const response = await wait('the assembled answer', (t) => /match 1 of \d+ for "text: Line 001"/.test(t));
      save('3b-search-response', response);
      expect(response).toMatch(/^response {2}200 {2}[\d,]+ bytes {2}stream$/m);
      expect(response).toMatch(/^ {2}text: Line 001 of the long input: a quick brown fox\.$/m);
      expect(response).toMatch(/^ {4}Line 002 of the long input: a quick brown fox\.$/m);

      // e: export beside the log; the footer names the directory and the files
      term.keys('e');
      const exported = await wait('the export status', (t) => t.includes('exported to '));
      save('4-export', exported);
      const stem = `aisix-request-${stream.id}`;
      // at 160 columns one line names both files; at 80 the status takes two lines, broken after
      // the directory's slash, and the script is `…curl.sh` (both names would not fit two lines)
      const status = exported.replace(/\/\n/g, '/');
      const files = columns >= 160 ? `${stem}.json and ${stem}.curl.sh` : `${stem}.json and …curl.sh`;
      expect(status).toMatch(new RegExp(`^exported to ${escapeRegExp(dir)}/${escapeRegExp(files)}$`, 'm'));
      const jsonPath = join(dir, `${stem}.json`);
      const curlPath = join(dir, `${stem}.curl.sh`);
      expect(existsSync(jsonPath)).toBe(true);
      expect(existsSync(curlPath)).toBe(true);
      const jsonText = readFileSync(jsonPath, 'utf8');
      const curlText = readFileSync(curlPath, 'utf8');
      expect(jsonText).not.toContain(DEMO_KEY);
      expect(curlText).not.toContain(DEMO_KEY);
      const exportedJson: unknown = JSON.parse(jsonText);
      expect(isRecord(exportedJson)).toBe(true);
      expect(Object.keys(isRecord(exportedJson) ? exportedJson : {}).sort()).toEqual(['body', 'headers', 'method', 'url']);
      expect(exportedJson).toMatchObject({
        method: 'POST',
        url: `${url}/v1/responses`,
        headers: { authorization: '[REDACTED]', 'content-type': 'application/json' },
        body: { model: 'demo', stream: true, input },
      });
      expect(curlText).toContain('-H "Authorization: Bearer $AISIX_API_KEY"');

      // the script replays the request through the running proxy: the same answer text
      const replay = await run('sh', [curlPath], { env: { ...process.env, AISIX_API_KEY: DEMO_KEY }, maxBuffer: 16 * 1024 * 1024 });
      expect(streamText(replay.stdout)).toBe(answer);

      // back to the list (Esc clears the search, then leaves); the replay is the fourth row
      term.keys('Escape');
      await wait('the search cleared', (t) => /lines \d+-\d+ of \d+/.test(t) && !t.includes('exported to'));
      term.keys('Escape');
      await wait('the list with the replayed request', (t) => t.includes('alias -> model') && totals(4, 1).test(t));

      // a: the per-alias table with the demo aliases' counts
      term.keys('a');
      const aliases = await wait('the alias table', (t) => /^alias\s+requests errors blocked\s+tok in tok out\s+cost\s+p50$/m.test(t));
      save('5-aliases', aliases);
      expect(aliases).toMatch(/^demo {2,}3 {6}0 {7}1 /m);
      expect(aliases).toMatch(/^demo-tool {2,}1 {6}0 {7}0 /m);
      term.keys('a');
      await wait('the list again', (t) => t.includes('alias -> model'));

      // the tool call's detail: the call by name with its arguments pretty-printed
      term.keys('k');
      await wait('the cursor on the tool call', (t) => /^› .* 200 .*demo-tool -> /m.test(t));
      term.keys('Enter');
      await wait('the tool call detail', (t) => t.includes('demo-tool -> mock-tool  provider openai'));
      term.type('/tool call get_weather');
      term.keys('Enter');
      const call = await wait('the tool call', (t) => /match 1 of \d+ for "tool call get_weather"/.test(t));
      save('6-tool-call', call);
      expect(call).toMatch(/^ {2}tool call get_weather \(call_\w+/m);
      expect(call).toMatch(/^ {6}"input": "weather in Paris\?"$/m);

      term.keys('q');
      const exit = await wait('the process to exit', (t) => /EXIT=\d+/.test(t), 20_000);
      expect(exit).toContain('EXIT=0');
    }, 90_000);
  }
});
