// Nothing a caller or an upstream sends reaches the terminal raw through the TUI: aliases a caller
// chose, upstream models, caller names, error codes and messages, ids, previews and warnings are
// drawn with their control characters escaped. Checked on Ink's raw output (Ink's own colour codes
// removed), since the harness's plain-text strip would also hide a raw CSI sequence.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { finishedEvent, startedEvent } from './fixtures.js';
import { renderApp, strip } from './harness.js';

const ENTER = '\r';
const HOSTILE = '\u001b[2J\u001b]0;pwned\u0007';
const ESCAPED = '\\u001b[2J\\u001b]0;pwned\\u0007';
const SGR = /\u001b\[[0-9;]*m/g;
// any control (line breaks aside), DEL, C1 or bidi character left once Ink's colour codes are gone
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

afterEach(() => cleanup());

function raw(frame: string | undefined): string {
  return (frame ?? '').replace(SGR, '');
}

describe('TUI: terminal safety', () => {
  it('escapes a hostile alias, upstream model, caller and error code in the table', async () => {
    const app = await renderApp({ columns: 220, rows: 20 });
    app.store.finished(finishedEvent('r0', { alias: 'a', upstream_model: 'm\u009b2J' }));
    app.store.finished(finishedEvent('r1', { alias: `openai/${HOSTILE}`, caller: 'c\u202eevil' }));
    app.store.finished(finishedEvent('r2', { status: 502, outcome: 'upstream_error', error_code: `code${HOSTILE}`, caller: 'tab\tcaller' }));
    app.store.started(startedEvent('r3', { path: `/v1/x${HOSTILE}` }));
    const frame = await app.frame();
    expect(raw(app.lastFrame())).not.toMatch(RAW);
    expect(frame).toContain('openai/\\u001b[2J\\u001b]0;pwned'); // the column truncates the rest
    expect(frame).toContain('m\\u009b2J');
    expect(frame).toContain('c\\u202eevil');
    expect(frame).toContain('code\\u001b[2J');
    expect(frame).toContain('tab\\tcaller');
    expect(frame).toContain('/v1/x\\u001b[2J');
  });

  it('escapes the error message, ids, guardrail rule and previews in the detail view', async () => {
    const app = await renderApp({ columns: 200, rows: 40 });
    app.store.finished(
      finishedEvent(`id${HOSTILE}`, {
        status: 400,
        outcome: 'provider_rejected',
        error_type: 'invalid_request_error',
        error_code: 'bad\u0085',
        error_message: `upstream says ${HOSTILE}\nand a second line`,
        upstream_request_id: 'up\u001b[31m',
        response_id: 'resp\u2066',
        guardrails: [{ name: 'watch', stage: 'input', action: 'monitor', rule: 'r\u001b[5m' }],
        input_preview: `first line ${HOSTILE}\nsecond\u009b line`,
        output_preview: 'out\u007f',
      }),
    );
    const frame = await app.press(ENTER);
    expect(raw(app.lastFrame())).not.toMatch(RAW);
    expect(frame).toContain(`request   id${ESCAPED}`);
    expect(frame).toContain('upstream  up\\u001b[31m');
    expect(frame).toContain('response  resp\\u2066');
    expect(frame).toContain('code bad\\u0085');
    expect(frame).toContain(`upstream says ${ESCAPED}\\nand a second line`);
    expect(frame).toContain('rule r\\u001b[5m');
    expect(frame).toContain(`first line ${ESCAPED}`);
    expect(frame).toContain('second\\u009b line');
    expect(frame).toContain('out\\u007f');
  });

  it('escapes warnings, config issues and the listen URL and config path in the header', async () => {
    const app = await renderApp({ columns: 200 });
    app.store.serverListening({ url: 'http://127.0.0.1:4000', config_path: `/tmp/a${HOSTILE}.yaml`, aliases: [], auth: true, budget_usd: null });
    app.store.warning(`upstream ${HOSTILE}`);
    app.store.configRejected({ time: new Date().toISOString(), errors: [{ line: 1, col: 1, scope: 'models', message: `bad\u001b[5m` }] });
    const frame = await app.frame();
    expect(raw(app.lastFrame())).not.toMatch(RAW);
    expect(frame).toContain(`config /tmp/a${ESCAPED}.yaml`);
    expect(frame).toContain(`upstream ${ESCAPED}`);
    expect(frame).toContain('rejected: bad\\u001b[5m');
  });

  it('draws ordinary rows exactly as before', async () => {
    const app = await renderApp();
    app.store.finished(finishedEvent('r1'));
    expect(strip(await app.frame())).toMatch(/200 local-dev\s+demo -> mock-echo\s+13->9\s+412ms/);
  });
});
