// `e` in the UI: in the detail view and on the selected table row it writes the request's JSON
// and curl script into the export directory (the proxy URL from server.listening) and says where
// in the status line (both files by name, or `…curl.sh` when that does not fit two lines); without
// a capture it says how to get one, or with capture on that the body is no longer kept; a truncated body gets no script;
// an in-flight request has nothing yet; the status goes away at the next key.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { finishedEvent, startedEvent } from '../reporters/tui/fixtures.js';
import { captureSource, chatCompletion, messagesAnswer, truncatedRequest } from './captures.js';
import { KEYS, renderInspector } from './harness.js';

const tmp = mkdtempSync(join(tmpdir(), 'aisix-export-keys-'));
afterEach(() => cleanup());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const footer = (frame: string): string => frame.split('\n').at(-1) ?? '';

async function withRequests(dir: string) {
  const app = await renderInspector({ columns: 220, rows: 30, exportDir: dir, captures: captureSource(chatCompletion('req_c'), messagesAnswer('req_m'), truncatedRequest('req_t')) });
  app.store.serverListening({ url: 'http://127.0.0.1:5555', config_path: 'aisix.yaml', aliases: ['gpt'], auth: true, budget_usd: null });
  app.store.finished(finishedEvent('req_c', { route: '/v1/chat/completions' }));
  app.store.finished(finishedEvent('req_m', { route: '/v1/messages' }));
  await app.frame();
  return app;
}

describe('export keys', () => {
  it('e in the detail view writes the JSON and the curl script and says where', async () => {
    const dir = join(tmp, 'detail');
    const app = await withRequests(dir);
    const f = await app.press(KEYS.enter, 'e');
    expect(footer(f)).toBe(`exported to ${dir}/aisix-request-req_m.json and aisix-request-req_m.curl.sh`);
    const script = readFileSync(join(dir, 'aisix-request-req_m.curl.sh'), 'utf8');
    expect(script).toContain("curl -sS -X POST 'http://127.0.0.1:5555/v1/messages?beta=true'");
    expect(script).toContain('-H "x-api-key: $AISIX_API_KEY"');
    expect(JSON.parse(readFileSync(join(dir, 'aisix-request-req_m.json'), 'utf8'))).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:5555/v1/messages?beta=true' });
    // the next key clears the status; the view stays
    const g = await app.press('j');
    expect(footer(g)).toContain('esc back');
    expect(g).toContain('lines 2-');
  });

  it('e on the selected table row exports that row', async () => {
    const dir = join(tmp, 'table');
    const app = await withRequests(dir);
    const f = await app.press('j', 'e');
    expect(footer(f)).toBe(`exported to ${dir}/aisix-request-req_c.json and aisix-request-req_c.curl.sh`);
    expect(existsSync(join(dir, 'aisix-request-req_c.curl.sh'))).toBe(true);
    expect(existsSync(join(dir, 'aisix-request-req_m.json'))).toBe(false);
    expect(f).toContain('alias -> model');
  });

  it('keys read in one burst act in order: "je" exports the row j selected', async () => {
    const dir = join(tmp, 'burst');
    const app = await withRequests(dir);
    const f = await app.press('je');
    expect(footer(f)).toBe(`exported to ${dir}/aisix-request-req_c.json and aisix-request-req_c.curl.sh`);
  });

  it('a truncated body gets the JSON only, and the status says so', async () => {
    const dir = join(tmp, 'cut');
    const app = await withRequests(dir);
    app.store.finished(finishedEvent('req_t'));
    const f = await app.press('e');
    expect(footer(f)).toBe(`exported to ${dir}/aisix-request-req_t.json (truncated body: no curl script, it could not replay the request)`);
    expect(existsSync(join(dir, 'aisix-request-req_t.curl.sh'))).toBe(false);
  });

  it('without a capture there is nothing to export, and it says how to get whole bodies', async () => {
    const dir = join(tmp, 'none');
    const app = await renderInspector({ columns: 120, exportDir: dir });
    app.store.finished(finishedEvent('req_x'));
    expect(footer(await app.press('e'))).toBe('nothing to export: set proxy.capture_bodies: true');
    expect(footer(await app.press(KEYS.enter, 'e'))).toBe('nothing to export: set proxy.capture_bodies: true');
    expect(existsSync(dir)).toBe(false);
  });

  it('with capture on, a request whose body was dropped (capture_keep) or whose id now names another request says the body is no longer kept', async () => {
    const dir = join(tmp, 'gone');
    const source = captureSource();
    const app = await renderInspector({ columns: 120, exportDir: dir, captures: source });
    app.store.finished(finishedEvent('req_old'));
    expect(footer(await app.press('e'))).toBe('nothing to export: body no longer kept (proxy.capture_keep)');
    expect(await app.press(KEYS.enter)).toContain('whole bodies: body no longer kept (proxy.capture_keep)');
    // a client reused the id: the capture under it is a later request's (another arrival time)
    source.add({ ...chatCompletion('req_old'), time: '2030-01-01T00:00:00.000Z' });
    const frame = await app.press(KEYS.esc, KEYS.enter);
    expect(frame).toContain('whole bodies: body no longer kept (proxy.capture_keep)');
    expect(frame).not.toContain('request  POST /v1/chat/completions');
    expect(footer(await app.press('e'))).toBe('nothing to export: body no longer kept (proxy.capture_keep)');
    expect(existsSync(dir)).toBe(false);
    source.setEnabled(false);
    source.delete('req_old');
    expect(footer(await app.press(KEYS.esc, 'e'))).toBe('nothing to export: set proxy.capture_bodies: true');
  });

  it('an in-flight request has nothing to export yet', async () => {
    const app = await renderInspector({ columns: 120, exportDir: join(tmp, 'live'), captures: captureSource() });
    app.store.started(startedEvent('req_live'));
    expect(footer(await app.press('e'))).toBe('nothing to export yet: the request is still in flight');
  });
});
