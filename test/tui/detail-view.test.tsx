// The inspector's detail view over captured exchanges: sections in order, readable renderings of
// Responses / chat / Messages requests and answers, wrapping at 80 and 160 columns, scrolling
// (lines, pages, top, end), the fallback without a capture, a truncated body, a 1 MiB body, and
// the capture appearing once the request finishes.
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { detailDoc } from '../../src/reporters/tui/detail-doc.js';
import { finishedEvent, startedEvent } from '../reporters/tui/fixtures.js';
import { captureSource, chatCompletion, hugeRequest, messagesAnswer, responsesStream, truncatedRequest, upstreamError } from './captures.js';
import { KEYS, renderInspector } from './harness.js';

afterEach(() => cleanup());

const lines = (frame: string): string[] => frame.split('\n');

/** The index of the first line containing each fragment, in the frame. */
function positions(frame: string, fragments: (string | RegExp)[]): number[] {
  const all = lines(frame);
  return fragments.map((f) => all.findIndex((l) => (typeof f === 'string' ? l.includes(f) : f.test(l))));
}

function status(frame: string): string {
  return lines(frame).find((l) => /^lines \d+-\d+ of \d+|^match |^no match|^\//.test(l)) ?? '';
}

describe('detail view with a captured exchange', () => {
  it('shows summary, timings, attempts, guardrails, request, response and headers in that order (160 columns)', async () => {
    const ex = responsesStream('req_s');
    const app = await renderInspector({ columns: 160, rows: 140, captures: captureSource(ex) });
    app.store.finished(
      finishedEvent('req_s', { stream: true, ttft_ms: 480, guardrails: [{ name: 'pii-watch', stage: 'input', action: 'monitor', rule: 'email' }] }),
    );
    const frame = await app.press(KEYS.enter);
    const order = [
      'POST /v1/responses  200 ok',
      'request   req_s',
      /^timings$/,
      'queue 3ms  upstream headers 250ms  first token 480ms  total 1.2s',
      /^attempts$/,
      'demo  200  300ms',
      /^guardrails$/,
      'pii-watch  input  monitor  rule email',
      'request  POST /v1/responses',
      'model gpt-5  stream yes  temperature 0.2  max tokens 400  reasoning effort high',
      'tools: get_weather',
      'instructions: You are a weather bot. Answer briefly.',
      'user: What is the weather in Paris?',
      '"model": "gpt-5",',
      'response  200',
      'reasoning: The user wants weather; call the tool.',
      'text: Let me check the weather.',
      'tool call get_weather (call_1):',
      '"city": "Paris"',
      'stream frames',
      'event: response.created',
      'event: response.completed',
      /^headers$/,
      'authorization: [REDACTED]',
      'content-type: text/event-stream; charset=utf-8',
    ];
    const at = positions(frame, order);
    expect(order.filter((_, k) => at[k] === -1)).toEqual([]);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(frame).not.toContain('whole bodies');
    for (const l of lines(frame)) expect(l.length).toBeLessThanOrEqual(160);
  });

  it('wraps long lines at 80 columns at word breaks, keeping every word and the indent', async () => {
    const ex = chatCompletion('req_w');
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    ex.request.body = { text: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: words }] }), encoding: 'utf8', bytes: 0, truncated: false };
    const app = await renderInspector({ columns: 80, rows: 60, captures: captureSource(ex) });
    app.store.finished(finishedEvent('req_w', { route: '/v1/chat/completions' }));
    const all = lines(await app.press(KEYS.enter));
    for (const l of all) expect(l.length).toBeLessThanOrEqual(80);
    const first = all.findIndex((l) => l.startsWith('  user: w0 w1'));
    expect(first).toBeGreaterThan(0);
    // words stay whole: the first line ends at a word, the next starts with the next word, indented
    expect(all[first]?.trimEnd()).toMatch(/ w\d+$/);
    expect(all[first]?.trimEnd().length).toBeGreaterThan(70);
    expect(all[first + 1]).toMatch(/^ {2}w\d+ /);
    const joined = [all[first], all[first + 1], all[first + 2]].map((l) => (l ?? '').trim()).join(' ');
    expect(joined).toContain(`user: ${words}`);
  });

  it('renders a chat completion: system and user messages, settings, the answer and its JSON', async () => {
    const app = await renderInspector({ columns: 120, rows: 100, captures: captureSource(chatCompletion('req_c')) });
    app.store.finished(finishedEvent('req_c', { route: '/v1/chat/completions' }));
    const frame = await app.press(KEYS.enter);
    expect(frame).toContain('  model gpt-4o  temperature 0  max tokens 50');
    expect(frame).toContain('  system: Be terse.');
    expect(frame).toMatch(/ {2}user: Say hi\n {4}in two lines/);
    expect(frame).toMatch(/ {2}text: Hi\.\n {4}Hello\./);
    expect(frame).toContain('"finish_reason": "stop"');
    expect(frame).toContain('queue 1ms  upstream headers 90ms  first token -  total 120ms');
  });

  it('renders a Messages request and answer: system, tools, thinking, tool use with pretty input', async () => {
    const app = await renderInspector({ columns: 120, rows: 130, captures: captureSource(messagesAnswer('req_m')) });
    app.store.finished(finishedEvent('req_m', { route: '/v1/messages' }));
    const frame = await app.press(KEYS.enter);
    expect(frame).toContain('request  POST /v1/messages?beta=true');
    expect(frame).toContain('model claude-sonnet-4-5  max tokens 1024  thinking enabled 2048');
    expect(frame).toContain('tools: Read, Bash');
    expect(frame).toContain('system: You are Claude Code.');
    expect(frame).toContain("user: What's in README.md? It's short.");
    expect(frame).toContain('reasoning: I should read the file.');
    expect(frame).toContain('text: I will read it.');
    expect(frame).toMatch(/tool call Read \(toolu_1\):\n {4}\{\n {6}"file_path": "README.md"\n {4}\}/);
    expect(frame).toContain('x-api-key: [REDACTED]');
    expect(frame).toContain('anthropic-version: 2023-06-01');
  });

  it('shows an error answer as its pretty-printed envelope', async () => {
    const app = await renderInspector({ columns: 120, rows: 80, captures: captureSource(upstreamError('req_e')) });
    app.store.finished(finishedEvent('req_e', { status: 502, outcome: 'upstream_error', error_type: 'api_error', error_code: 'upstream_error', error_message: 'The upstream returned 500.' }));
    const frame = await app.press(KEYS.enter);
    expect(frame).toContain('error 502  type api_error  code upstream_error');
    expect(frame).toContain('response  502');
    expect(frame).toContain('"code": "upstream_error",');
    expect(frame).not.toContain('text:');
  });

  it('says when a body was truncated, and shows the kept part as text', async () => {
    const app = await renderInspector({ columns: 120, rows: 60, captures: captureSource(truncatedRequest('req_t')) });
    app.store.finished(finishedEvent('req_t'));
    const frame = await app.press(KEYS.enter);
    expect(frame).toContain('… truncated: 64 of 4976 bytes kept (proxy.capture_max_bytes)');
    expect(frame).toContain('{"model":"gpt","input":"xxxx');
    expect(frame).not.toContain('  json');
  });

  it('falls back to the previews without a capture and says how to get whole bodies', async () => {
    const source = captureSource();
    source.setEnabled(false);
    const app = await renderInspector({ columns: 100, rows: 40, captures: source });
    app.store.finished(finishedEvent('req_p', { input_preview: 'hello there', output_preview: 'general kenobi' }));
    const frame = await app.press(KEYS.enter);
    expect(frame).toContain('whole bodies: set proxy.capture_bodies: true');
    expect(frame).toContain('hello there');
    expect(frame).toContain('general kenobi');
    expect(frame).toContain('queue -  upstream headers 300ms  first token -  total 412ms');
  });

  it('re-reads the capture on redraw: the exchange appears once the request finishes', async () => {
    const source = captureSource();
    const app = await renderInspector({ columns: 120, rows: 80, captures: source });
    app.store.started(startedEvent('req_live', { path: '/v1/chat/completions' }));
    let frame = await app.press(KEYS.enter);
    expect(frame).toContain('in flight for');
    source.add(chatCompletion('req_live'));
    app.store.finished(finishedEvent('req_live', { route: '/v1/chat/completions' }));
    frame = await app.frame();
    expect(frame).toContain('POST /v1/chat/completions  200 ok');
    expect(frame).toContain('system: Be terse.');
  });
});

describe('detail view scrolling', () => {
  async function scrolled() {
    const app = await renderInspector({ columns: 100, rows: 30, captures: captureSource(responsesStream('req_s')) });
    app.store.finished(finishedEvent('req_s', { stream: true }));
    const frame = await app.press(KEYS.enter);
    const total = Number(/lines 1-24 of (\d+)/.exec(frame)?.[1]);
    return { app, frame, total };
  }

  /** The first line of the detail window (the line under the two header lines). */
  const top = (frame: string): string => lines(frame)[2] ?? '';

  it('moves the window a line with j/k and arrows, a page with PgDn/PgUp, space and b', async () => {
    const { app, frame, total } = await scrolled();
    expect(total).toBeGreaterThan(60);
    expect(top(frame)).toBe('POST /v1/responses  200 ok');
    let f = await app.press('j');
    expect(status(f)).toBe(`lines 2-25 of ${total} (${Math.round((25 / total) * 100)}%)`);
    expect(top(f)).toBe('  request   req_s');
    f = await app.press(KEYS.down, KEYS.down, 'k');
    expect(status(f)).toMatch(/^lines 3-26 of/);
    f = await app.press(KEYS.up, KEYS.up);
    expect(status(f)).toMatch(/^lines 1-24 of/);
    f = await app.press(KEYS.pageDown);
    expect(status(f)).toMatch(/^lines 25-48 of/);
    f = await app.press(' ');
    expect(status(f)).toMatch(/^lines 49-72 of/);
    f = await app.press('b', KEYS.pageUp);
    expect(status(f)).toMatch(/^lines 1-24 of/);
    f = await app.press('k');
    expect(status(f)).toMatch(/^lines 1-24 of/);
  });

  it('keys read in one burst act in order: Enter then G opens the view at its end', async () => {
    const app = await renderInspector({ columns: 100, rows: 30, captures: captureSource(responsesStream('req_s')) });
    app.store.finished(finishedEvent('req_s', { stream: true }));
    await app.frame();
    const f = await app.press(`${KEYS.enter}G`);
    expect(status(f)).toMatch(/^lines \d+-(\d+) of \1 \(100%\)$/);
  });

  it('G goes to the end (no further), g back to the top', async () => {
    const { app, total } = await scrolled();
    let f = await app.press('G');
    expect(status(f)).toBe(`lines ${total - 23}-${total} of ${total} (100%)`);
    expect(f).toContain('x-aisix-request-id: req_s');
    f = await app.press('j', KEYS.pageDown);
    expect(status(f)).toBe(`lines ${total - 23}-${total} of ${total} (100%)`);
    f = await app.press('g');
    expect(top(f)).toBe('POST /v1/responses  200 ok');
  });

  it('opens a 1 MiB body, scrolls it and reaches its end; the document is built once per width', async () => {
    const ex = hugeRequest('req_h');
    expect(ex.request.body?.text.length).toBeGreaterThan(1_000_000);
    const app = await renderInspector({ columns: 100, rows: 30, captures: captureSource(ex) });
    app.store.finished(finishedEvent('req_h', { route: '/v1/chat/completions' }));
    let f = await app.press(KEYS.enter);
    const total = Number(/lines 1-24 of (\d+)/.exec(f)?.[1]);
    // the readable rendering (16,001 lines) plus the pretty JSON's one long line wrapped at ~98
    expect(total).toBeGreaterThan(16_001 + 10_000);
    const row = app.store.getSnapshot().rows[0];
    if (!row) throw new Error('no row');
    const input = { row, previews: app.store.previewsOf(row.seq), capture: ex, now: app.store.now() };
    const doc = detailDoc(input, 100);
    expect(doc.lines).toHaveLength(total);
    f = await app.press(KEYS.pageDown, KEYS.pageDown, 'j');
    expect(status(f)).toMatch(/^lines 50-73 of/);
    expect(detailDoc({ ...input }, 100)).toBe(doc); // the same document: nothing was rebuilt by the keys
    // a capture store handing out copies of the exchange does not rebuild it either
    expect(detailDoc({ ...input, capture: { ...ex, request: { ...ex.request } } }, 100)).toBe(doc);
    expect(detailDoc({ ...input }, 120)).not.toBe(doc);
    f = await app.press('G');
    expect(status(f)).toBe(`lines ${total - 23}-${total} of ${total} (100%)`);
    expect(f).toContain('content-type: application/json');
    f = await app.press('/', ...Array.from('THE-VERY-END'), KEYS.enter);
    expect(status(f)).toMatch(/^match 1 of 2 for "THE-VERY-END"/);
    expect(f).toContain('THE-VERY-END');
  });

  it('wraps the same document again at another width', async () => {
    const { app, total } = await scrolled();
    await app.resize(160, 30);
    const f = await app.frame();
    const wide = Number(/lines \d+-\d+ of (\d+)/.exec(f)?.[1]);
    expect(wide).toBeLessThan(total);
  });
});
