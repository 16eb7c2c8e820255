import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { eventually } from '../helpers/http.js';
import { spawnServe, type ServeChild } from '../helpers/serve-child.js';

let mock: MockServer;
let serve: ServeChild;
let client: OpenAI;
let path: string;
let url: string;

// the mock's URL comes in through `${RELOAD_MOCK_URL}` (serve's env), not pasted into the text
const config = (aliases: string[], extra = '') => `_format_version: "1"
provider_keys:
  - { display_name: up, provider: openai, api_key: sk-up, api_base: "\${RELOAD_MOCK_URL}/v1" }
models:
${aliases.map((a) => `  - { display_name: ${a}, provider: openai, model_name: mock-slow, provider_key: up }`).join('\n')}
  - { display_name: fast, provider: openai, model_name: mock-echo, provider_key: up }
api_keys:
  - { display_name: dev, key_env: RELOAD_TEST_KEY, allowed_models: ["*"] }
${extra}`;

/** Writes via a temp file and rename, as editors do. */
function save(text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

type Event = { event: string; [k: string]: unknown };
const events = (name: string): Event[] => serve.lines.map((l) => JSON.parse(l) as Event).filter((e) => e.event === name);

/** Resolves once serve has printed `count` `name` events (checked on every stdout line; 8 s failure guard). */
async function untilEvents(name: string, count: number): Promise<Event[]> {
  await serve.waitForLine(() => events(name).length >= count, 8_000);
  return events(name);
}

beforeAll(async () => {
  mock = await startMock();
  path = join(mkdtempSync(join(tmpdir(), 'aisix-reload-')), 'aisix.yaml');
  writeFileSync(path, config(['old']));
  serve = spawnServe(['-c', path, '--port', '0', '--json'], { RELOAD_TEST_KEY: 'sk-dev', RELOAD_MOCK_URL: mock.url });
  url = (JSON.parse(await serve.waitForLine(() => true)) as { url: string }).url;
  client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-dev', maxRetries: 0 });
});
afterAll(async () => {
  await serve.stop();
  await mock.close();
});

describe('live config reload', () => {
  it('finishes an in-flight stream on the old config while the next request sees the new alias', async () => {
    const stream = await client.responses.create({ model: 'old', input: 'one two three four five', stream: true });
    save(config(['new']));
    await untilEvents('config.reloaded', 1);
    expect(events('config.reloaded')).toHaveLength(1);
    expect(events('config.reloaded')[0]).toMatchObject({ added: ['new'], removed: ['old'], changed: [] });
    let text = '';
    for await (const e of stream) if (e.type === 'response.output_text.delta') text += e.delta;
    expect(text).toBe('one two three four five');
    expect((await client.responses.create({ model: 'new', input: 'x' })).output_text).toBe('x');
    const gone = await client.responses.create({ model: 'old', input: 'x' }).catch((e: unknown) => e);
    expect((gone as { status: number }).status).toBe(404);
  });

  it('rejects a broken file whole, keeps serving the last good config, and names the line', async () => {
    save(`${config(['new'])}guardrails:\n  - { name: g, kind: keyword, patterns: [{ kind: regex, value: "(" }] }\n`);
    await untilEvents('config.rejected', 1);
    expect(events('config.rejected')).toHaveLength(1);
    const rejected = events('config.rejected')[0] as unknown as { errors: { line: number; scope: string; message: string }[] };
    expect(rejected.errors.length).toBeGreaterThan(0);
    expect(rejected.errors[0]).toMatchObject({ line: 10, scope: 'guardrails[0] ("g")' });
    expect(rejected.errors[0]?.message).toContain('not a valid regular expression');
    expect((await client.responses.create({ model: 'new', input: 'still here' })).output_text).toBe('still here');
  });

  it('reloads on SIGHUP', async () => {
    const before = events('config.reloaded').length;
    writeFileSync(path, config(['hup']));
    serve.child.kill('SIGHUP');
    await untilEvents('config.reloaded', before + 1);
    expect((await client.responses.create({ model: 'hup', input: 'hup' })).output_text).toBe('hup');
  });

  it('settles on the last of a rapid series of writes', async () => {
    for (let i = 0; i < 10; i++) save(config([`rapid-${i}`]));
    await serve.waitForLine(() => JSON.stringify(events('config.reloaded').at(-1) ?? {}).includes('rapid-9'), 8_000);
    const settled = events('config.reloaded').length;
    // A SIGHUP reload queues behind any reload still pending from the burst (they run one at a
    // time), so once it is reported every reload the writes caused has been reported too.
    serve.child.kill('SIGHUP');
    const after = (await untilEvents('config.reloaded', settled + 1)).slice(settled);
    for (const reload of after) expect(reload).toMatchObject({ added: [], removed: [], changed: [] });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id).sort()).toEqual(['fast', 'rapid-9']);
  });

  it('reopens the request log when a reload changes proxy.log_file or log_bodies, and says when a log cannot be opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aisix-reload-log-'));
    const first = join(dir, 'first.jsonl');
    const second = join(dir, 'second.jsonl');
    const withLog = (file: string, bodies: boolean) => config(['logged'], `proxy:\n  log_file: ${JSON.stringify(file)}\n  log_bodies: ${String(bodies)}\n`);
    const before = events('config.reloaded').length;
    save(withLog(first, false));
    await untilEvents('config.reloaded', before + 1);
    await client.responses.create({ model: 'fast', input: 'into the first log' });
    save(withLog(second, true));
    await untilEvents('config.reloaded', before + 2);
    await client.responses.create({ model: 'fast', input: 'into the second log' });
    const lines = async (file: string, count: number) => {
      await eventually(() => existsSync(file) && readFileSync(file, 'utf8').split('\n').filter(Boolean).length >= count, 8_000);
      return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Event);
    };
    // each request went to the log of the config it ran under; the second one with its preview
    const firstLog = await lines(first, 1);
    expect(firstLog.map((e) => e.input_preview)).toEqual([undefined]);
    const secondLog = await lines(second, 1);
    expect(secondLog.map((e) => e.input_preview)).toEqual(['into the second log']);
    // a log that cannot be opened keeps the current one, with a warning
    const blocked = join(dir, 'a-file');
    writeFileSync(blocked, '');
    save(withLog(join(blocked, 'under-a-file.jsonl'), true));
    await untilEvents('config.reloaded', before + 3);
    const warning = await serve.waitForLine((l) => l.includes('"warning"') && l.includes('under-a-file.jsonl'), 8_000);
    expect(warning).toContain('still logging to');
  });
});
