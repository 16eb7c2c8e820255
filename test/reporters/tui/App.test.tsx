import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { createEventBus } from '../../../src/events/bus.js';
import { attachStore } from '../../../src/reporters/tui/attach.js';
import { clockTime } from '../../../src/reporters/tui/format.js';
import {
  aborted,
  blockedInput,
  blockedOutput,
  finishedEvent,
  monitored,
  startedEvent,
  streamed,
  T0,
  unauthorized,
  upstream5xx,
  usage,
} from './fixtures.js';
import { renderApp } from './harness.js';

const UP = '\u001B[A';
const DOWN = '\u001B[B';
const ENTER = '\r';
const ESC = '\u001B';
const LEFT = '\u001B[D';
const CTRL_C = '\u0003';
const TIME = clockTime(T0);

afterEach(() => cleanup());

/** The table line for a request id (finished rows carry no id, so find by a unique fragment). */
function line(frame: string, fragment: string): string {
  return frame.split('\n').find((l) => l.includes(fragment)) ?? '';
}

async function withEveryOutcome(options: { columns?: number; rows?: number } = {}) {
  const app = await renderApp(options);
  const s = app.store;
  s.finished(finishedEvent('ok', { caller: 'caller-ok' }));
  s.finished(streamed('stream'));
  s.finished(blockedInput('bin'));
  s.finished(blockedOutput('bout'));
  s.finished(unauthorized('e401'));
  s.finished(upstream5xx('e502'));
  s.finished(aborted('abort'));
  s.finished(monitored('mon'));
  s.started(startedEvent('live', { path: '/v1/chat/completions' }));
  app.clock.advance(1500);
  return app;
}

describe('request table', () => {
  it('shows a row for every outcome, newest first, with marks for blocks, errors and monitor hits', async () => {
    const app = await withEveryOutcome();
    const frame = await app.frame();
    const lines = frame.split('\n');
    const live = line(frame, 'in flight');
    expect(live).toContain('/v1/chat/completions');
    expect(live).toContain('1.5s');
    expect(live).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(line(frame, 'monitor pii-watch')).toMatch(/200 .*demo -> mock-echo\s+13->9\s+412ms/);
    expect(line(frame, 'aborted by client')).toContain('499');
    expect(line(frame, 'upstream_error')).toContain('502');
    expect(line(frame, 'invalid_api_key')).toMatch(/401 -\s+\/v1\/responses/);
    expect(line(frame, 'BLOCKED output no-secrets')).toContain('422');
    expect(line(frame, 'BLOCKED input no-codenames')).toContain('422');
    expect(line(frame, 'caller-ok')).toContain(`${TIME} 200`);
    // the streamed row carries the stream mark between the model and the tokens
    expect(lines.filter((l) => /mock-echo\s+~\s+13->9/.test(l))).toHaveLength(1);
    // newest first: the in-flight row is on top, the first finished request at the bottom
    const order = ['in flight', 'monitor pii-watch', 'aborted by client', 'upstream_error', 'BLOCKED input', 'caller-ok'];
    const at = order.map((o) => lines.findIndex((l) => l.includes(o)));
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('leaves no ghost in-flight row when two requests share a caller-set request id', async () => {
    const app = await renderApp({ columns: 160 });
    app.store.started(startedEvent('same-id'));
    app.store.started(startedEvent('same-id'));
    expect(lines(await app.frame()).filter((l) => l.includes('/v1/responses') && l.includes('in flight'))).toHaveLength(2);
    app.store.finished(finishedEvent('same-id', { caller: 'first-caller' }));
    app.store.finished(finishedEvent('same-id', { caller: 'second-caller' }));
    const frame = await app.frame();
    expect(frame).not.toContain('in flight');
    expect(line(frame, 'first-caller')).toContain('200');
    expect(line(frame, 'second-caller')).toContain('200');
    expect(line(frame, 'requests 2')).not.toContain('(+');
    // selection and the detail view follow the row, not the (shared) id
    const detail = await app.press(DOWN, ENTER);
    expect(detail).toContain('caller first-caller');
  });

  it('shows the totals: requests, in flight, errors, blocked, tokens, cost, req/s', async () => {
    const app = await withEveryOutcome({ columns: 160 });
    const frame = await app.frame();
    expect(line(frame, 'requests 8')).toContain('(+1 in flight)');
    expect(line(frame, 'requests 8')).toMatch(/errors 3 {2}blocked 2 {2}monitor hits 1 {2}tokens 52->36 {2}cost \$0\.000492 {2}1\.6 req\/s/);
  });

  it('lays out 80 columns: no caller/ttft/cost, the BLOCKED mark still whole', async () => {
    const app = await withEveryOutcome({ columns: 80, rows: 24 });
    const frame = await app.frame();
    for (const l of frame.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    const titles = line(frame, 'alias -> model');
    expect(titles).not.toContain('caller');
    expect(titles).not.toContain('ttft');
    expect(titles).not.toContain('cost');
    expect(frame).toContain('BLOCKED input no-codenames');
    expect(frame).toContain('req 8 (+1 live)  err 3  blocked 2');
    expect(frame).not.toContain('caller-ok');
  });

  it('lays out 160 columns: caller, ttft and cost columns with their values', async () => {
    const app = await withEveryOutcome({ columns: 160, rows: 24 });
    const frame = await app.frame();
    for (const l of frame.split('\n')) expect(l.length).toBeLessThanOrEqual(160);
    expect(line(frame, 'alias -> model')).toMatch(/time\s+st caller\s+alias -> model\s+S\s+tokens\s+latency\s+ttft\s+cost note/);
    expect(line(frame, 'caller-ok')).toMatch(/200 caller-ok\s+demo -> mock-echo\s+13->9\s+412ms\s+\$0\.000123/);
    expect(lines(frame).some((l) => /~\s+13->9\s+412ms\s+180ms\s+\$0\.000123/.test(l))).toBe(true);
  });

  it('re-lays the table when the terminal is resized', async () => {
    const app = await withEveryOutcome({ columns: 160, rows: 24 });
    expect(await app.frame()).toContain('caller-ok');
    await app.resize(80, 24);
    const frame = await app.frame();
    expect(frame).not.toContain('caller-ok');
    expect(frame).toContain('BLOCKED input no-codenames');
  });

  it('renders only the rows that fit and keeps the selection in view', async () => {
    const app = await renderApp({ columns: 100, rows: 12 });
    for (let i = 0; i < 200; i++) app.store.finished(finishedEvent(`r${i}`, { caller: `c${i}` }));
    let frame = await app.frame();
    expect(frame.split('\n').length).toBeLessThanOrEqual(11);
    const rowLines = () => lines(frame).filter((l) => /\bc\d+\b/.test(l));
    expect(rowLines()).toHaveLength(6);
    expect(rowLines()[0]).toContain('c199');
    frame = await app.press(...Array<string>(10).fill('j'));
    const selected = lines(frame).find((l) => l.startsWith('›')) ?? '';
    expect(selected).toContain('c189');
    expect(rowLines().at(-1)).toBe(selected);
  });
});

describe('keys', () => {
  it('moves the selection with j/k and arrows, and the selection sticks to its request', async () => {
    const app = await renderApp();
    for (const id of ['a', 'b', 'c']) app.store.finished(finishedEvent(id, { caller: `caller-${id}` }));
    const selectedLine = (f: string) => lines(f).find((l) => l.startsWith('›')) ?? '';
    expect(selectedLine(await app.frame())).toContain('caller-c');
    expect(selectedLine(await app.press('j'))).toContain('caller-b');
    expect(selectedLine(await app.press(DOWN))).toContain('caller-a');
    expect(selectedLine(await app.press(DOWN))).toContain('caller-a');
    expect(selectedLine(await app.press(UP))).toContain('caller-b');
    app.store.finished(finishedEvent('d', { caller: 'caller-d' }));
    expect(selectedLine(await app.frame())).toContain('caller-b');
    expect(selectedLine(await app.press('k', 'k'))).toContain('caller-d');
  });

  it('marks retries, the serving target, cache hits and rate-limited requests in the table', async () => {
    const app = await renderApp({ columns: 160 });
    const attempt = (target: string, status: number) => ({ target, status, error_code: null, ms: 5 });
    app.store.finished(finishedEvent('routed', { caller: 'caller-routed', served_by: 'backup', attempts: [attempt('primary', 500), attempt('backup', 200)] }));
    app.store.finished(finishedEvent('hit', { caller: 'caller-hit', cache: 'hit', cost_usd: 0, usage: null }));
    app.store.finished(finishedEvent('limited', { caller: 'caller-limited', status: 429, outcome: 'rate_limited', error_type: 'rate_limit_exceeded', error_code: null, usage: null }));
    const frame = await app.frame();
    expect(line(frame, 'caller-routed')).toContain('2 tries  via backup');
    expect(line(frame, 'caller-hit')).toContain('cached');
    expect(line(frame, 'caller-limited')).toMatch(/429.*RATE LIMITED/);
  });

  it('the detail view lists every attempt and the routing target that served the answer', async () => {
    const app = await renderApp();
    app.store.finished(
      finishedEvent('routed', {
        alias: 'gpt-4o',
        served_by: 'backup',
        attempts: [
          { target: 'primary', status: 500, error_code: 'upstream_500', ms: 12 },
          { target: 'primary', status: null, error_code: null, ms: 30 },
          { target: 'backup', status: 200, error_code: null, ms: 40 },
        ],
      }),
    );
    const frame = await app.press(ENTER);
    expect(frame).toContain('attempts');
    expect(frame).toMatch(/primary {2}500 {2}upstream_500/);
    expect(frame).toMatch(/primary {2}no answer/);
    expect(frame).toMatch(/backup {2}200/);
    expect(frame).toContain('served by backup');
  });

  it('opens the detail view with Enter and goes back with Esc', async () => {
    const app = await renderApp();
    app.store.finished(
      finishedEvent('req_1', {
        stream: true,
        ttft_ms: 180,
        usage: usage(1200, 340, { cached_tokens: 1024, reasoning_tokens: 64 }),
        guardrails: [{ name: 'pii-watch', stage: 'output', action: 'monitor', rule: 'email' }],
        input_preview: 'What is the capital of France?',
        output_preview: 'Paris.',
      }),
    );
    app.store.finished(blockedInput('req_2'));
    let frame = await app.press(DOWN, ENTER);
    expect(frame).toContain('POST /v1/responses  200 ok');
    expect(frame).toContain('request   req_1');
    expect(frame).toContain('upstream  up_req_1');
    expect(frame).toContain('response  resp_req_1');
    expect(frame).toContain(`time ${TIME}  caller local-dev  stream yes`);
    expect(frame).toContain('demo -> mock-echo  provider mock');
    expect(frame).toContain('queue -  upstream headers 300ms  first token 180ms  total 412ms');
    expect(frame).toContain('input 1200 (cached 1024)  output 340 (reasoning 64)  total 1540');
    expect(frame).toContain('pii-watch  output  monitor  rule email');
    expect(frame).toContain('What is the capital of France?');
    expect(frame).toContain('Paris.');
    expect(frame).not.toMatch(/^error$/m);

    // ← / → step to the previous / next request (↑↓ and j/k scroll the detail view now)
    frame = await app.press(LEFT);
    expect(frame).toContain('POST /v1/responses  422 blocked_input');
    expect(frame).toContain('BLOCKED input no-codenames');
    expect(frame).toContain('no-codenames  input  block  rule project falcon');
    expect(frame).toContain('422  type invalid_request_error  code content_blocked');
    expect(frame).toContain('The request was blocked by a guardrail.');

    frame = await app.press(ESC);
    expect(frame).toContain('alias -> model');
    expect(frame).not.toContain('request   req_');
  });

  it('shows the error envelope of a failed request', async () => {
    const app = await renderApp();
    app.store.finished(upstream5xx('req_5'));
    const frame = await app.press(ENTER);
    expect(frame).toContain('502 upstream_error');
    expect(frame).toContain('502  type api_error  code upstream_error');
    expect(frame).toContain('The upstream returned 500.');
    expect(frame).toContain('none reported by the upstream');
  });

  it('cycles the filter all -> errors -> blocked -> all with f', async () => {
    const app = await withEveryOutcome();
    let frame = await app.press('f');
    expect(frame).toContain('filter: errors');
    expect(frame).toContain('upstream_error');
    expect(frame).toContain('invalid_api_key');
    expect(frame).toContain('aborted by client');
    expect(frame).not.toContain('BLOCKED');
    expect(frame).not.toContain('caller-ok');
    frame = await app.press('f');
    expect(frame).toContain('filter: blocked');
    expect(frame).toContain('BLOCKED input no-codenames');
    expect(frame).toContain('BLOCKED output no-secrets');
    expect(frame).not.toContain('upstream_error');
    frame = await app.press('f');
    expect(frame).toContain('filter: all');
    expect(frame).toContain('caller-ok');
  });

  it('pauses the list with p while the totals keep counting', async () => {
    const app = await renderApp();
    app.store.finished(finishedEvent('a', { caller: 'first' }));
    let frame = await app.press('p');
    expect(frame).toContain('PAUSED (+0 new)');
    app.store.finished(upstream5xx('b'));
    app.store.finished(finishedEvent('c', { caller: 'third' }));
    frame = await app.frame();
    expect(frame).toContain('PAUSED (+2 new)');
    expect(frame).not.toContain('third');
    expect(frame).toContain('req 3  err 1');
    frame = await app.press('p');
    expect(frame).not.toContain('PAUSED');
    expect(frame).toContain('third');
  });

  it('clears the list with c and keeps the totals', async () => {
    const app = await renderApp();
    app.store.finished(finishedEvent('a', { caller: 'gone' }));
    const frame = await app.press('c');
    expect(frame).not.toContain('gone');
    expect(frame).toContain('waiting for requests…');
    expect(frame).toContain('req 1  err 0');
  });

  it('shows help with ? and returns with Esc', async () => {
    const app = await renderApp();
    let frame = await app.press('?');
    expect(frame).toContain('filter: all -> errors -> blocked');
    expect(frame).toContain('BLOCKED input|output <name>');
    frame = await app.press(ESC);
    expect(frame).toContain('alias -> model');
  });

  it('quits once with q: says "shutting down…" and calls onQuit', async () => {
    const app = await renderApp();
    let release = (): void => undefined;
    app.onQuit.mockImplementationOnce(() => new Promise<void>((resolve) => (release = resolve)));
    const frame = await app.press('q');
    expect(frame).toContain('shutting down…');
    await app.press('q', CTRL_C);
    expect(app.onQuit).toHaveBeenCalledTimes(1);
    release();
  });

  it('treats several characters read at once as separate key presses', async () => {
    const app = await withEveryOutcome();
    expect(await app.press('ff')).toContain('filter: blocked');
    const frame = await app.press('jj');
    expect(lines(frame).find((l) => l.startsWith('›'))).toContain('BLOCKED input no-codenames');
  });

  it('quits with Ctrl+C (raw mode delivers it as input)', async () => {
    const app = await renderApp();
    await app.press(CTRL_C);
    expect(app.onQuit).toHaveBeenCalledTimes(1);
  });
});

describe('header', () => {
  it('shows version, URL, config, counts, auth and the demo key', async () => {
    const app = await renderApp({ info: { demoKey: 'sk-aisix-demo', auth: true } });
    const frame = await app.frame();
    expect(frame).toContain('aisix v0.1.0  http://127.0.0.1:4000  auth on  demo key sk-aisix-demo');
    expect(frame).toContain('config aisix.yaml  3 aliases  2 keys  loaded');
  });

  it('follows server.listening, config.reloaded and config.rejected', async () => {
    const app = await renderApp({ info: { auth: false } });
    expect(await app.frame()).toContain('auth off');
    app.store.serverListening({ url: 'http://127.0.0.1:51234', config_path: '/etc/aisix.yaml', aliases: ['a'], auth: true, budget_usd: null });
    let frame = await app.frame();
    expect(frame).toContain('http://127.0.0.1:51234  auth on');
    expect(frame).toContain('config /etc/aisix.yaml  1 alias  2 keys  loaded');
    const at = new Date(T0 + 60_000).toISOString();
    app.store.configReloaded({ time: at, added: ['b', 'c'], removed: [], changed: [], auth: true, budget_usd: null });
    frame = await app.frame();
    expect(frame).toContain(`3 aliases  2 keys  reloaded at ${clockTime(at)}`);
    app.store.configRejected({ time: at, errors: [{ line: 4, col: 7, scope: 'models.b', message: 'unknown provider "x"' }] });
    frame = await app.frame();
    expect(frame).toContain('rejected: unknown provider "x" (line 4, models.b)');
  });

  it('follows auth in config.reloaded: a reload that removes every api key says auth off', async () => {
    const app = await renderApp({ info: { auth: true } });
    const bus = createEventBus();
    attachStore(bus, app.store);
    bus.emit('server.listening', { url: 'http://127.0.0.1:4000', config_path: 'aisix.yaml', aliases: ['a'], auth: true, budget_usd: null });
    expect(await app.frame()).toContain('http://127.0.0.1:4000  auth on');
    const at = new Date(T0 + 60_000).toISOString();
    bus.emit('config.reloaded', { time: at, added: [], removed: [], changed: [], auth: false, budget_usd: null });
    let frame = await app.frame();
    expect(frame).toContain('http://127.0.0.1:4000  auth off');
    expect(frame).toContain(`1 alias  0 keys  reloaded at ${clockTime(at)}`);
    bus.emit('config.reloaded', { time: at, added: [], removed: [], changed: [], auth: true, budget_usd: null });
    frame = await app.frame();
    expect(frame).toContain('http://127.0.0.1:4000  auth on');
  });

  it('shows the latest warning on its own line', async () => {
    const app = await renderApp();
    app.store.warning('an event listener for request.finished threw: boom');
    expect(await app.frame()).toContain('an event listener for request.finished threw: boom');
  });
});

function lines(frame: string): string[] {
  return frame.split('\n');
}
