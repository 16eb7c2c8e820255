// Reliability, config faults (issue 7): `aisix serve` watches its config file. A broken file written
// in the middle of a load is rejected whole (`config.rejected`) while every request keeps being
// served on the last good config; the file deleted while running is a rejection too, and writing
// it back reloads; the request log's directory removed while running does not stop the proxy.
import { renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { call, type Reply } from './calls.js';
import { startProxy, type ProxyChild } from './proxy-child.js';
import { CHILD_ENV, configYaml, expectStillServing, scratchDir, type ConfigSpec, type Scratch } from './setup.js';

let mock: MockServer;
let proxy: ProxyChild;
let scratch: Scratch;
let configPath: string;
let logDir: string;
let spec: ConfigSpec;

beforeAll(async () => {
  mock = await startMock();
  scratch = scratchDir('config');
  logDir = join(scratch.dir, 'logs');
  spec = { providers: { mock: `${mock.url}/v1` }, models: [{ alias: 'echo', model: 'mock-echo' }] };
  configPath = scratch.write('aisix.yaml', configYaml(spec));
  proxy = await startProxy({ configPath, env: CHILD_ENV, extraArgs: ['--log-file', join(logDir, 'requests.jsonl')] });
});

afterAll(async () => {
  await proxy?.stop();
  await mock?.close();
  scratch?.remove();
});

const count = (event: string): number => proxy.lines.filter((l) => l.event === event).length;

/** Saves the way editors do: write a temp file next to it, then rename over it. */
function saveAtomically(text: string): void {
  const temp = `${configPath}.tmp-${process.pid}`;
  writeFileSync(temp, text);
  renameSync(temp, configPath);
}

/** Requests (JSON and streams, `concurrency` at a time) until `stop()` holds and at least `min` are done; at most `max`. */
async function loadUntil(stop: () => boolean, o: { min: number; max: number; concurrency: number; onProgress?: (done: number) => void }): Promise<Reply[]> {
  const replies: Reply[] = [];
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < o.max && (started < o.min || !stop())) {
      const stream = started++ % 2 === 1;
      replies.push(await call(proxy.url, 'echo', { stream, input: 'steady under reload' }));
      o.onProgress?.(replies.length);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  return replies;
}

async function expectAllServed(replies: readonly Reply[]): Promise<void> {
  expect(replies.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.body.slice(0, 120)}`)).toEqual([]);
  for (const r of replies) if (r.contentType.startsWith('text/event-stream')) expect(r.body).toContain('event: response.completed');
  await proxy.waitFor(() => replies.every((r) => proxy.finishedFor(r.id).length === 1), 'one event per request');
  for (const r of replies) expect(proxy.finishedFor(r.id)[0]).toMatchObject({ status: 200, outcome: 'ok' });
}

describe('config faults while serving', () => {
  it('a broken config written mid-load is rejected with config.rejected, and not one request fails', async () => {
    const rejectedBefore = count('config.rejected');
    const reloadedBefore = count('config.reloaded');
    let written = false;
    const replies = await loadUntil(() => count('config.rejected') > rejectedBefore, {
      min: 300, max: 3_000, concurrency: 20,
      onProgress: (done) => {
        if (done < 100 || written) return;
        written = true;
        // a plain (non-atomic) write of a file that is broken twice over: bad YAML, then a bad reference
        writeFileSync(configPath, `${configYaml(spec)}\nmodels: [\n`);
      },
    });
    expect(written).toBe(true);
    const rejection = proxy.rejections().at(-1);
    expect(rejection?.errors.length).toBeGreaterThan(0);
    expect(count('config.reloaded')).toBe(reloadedBefore);
    await expectAllServed(replies);

    // a second kind of broken file: valid YAML, wrong content (a model pointing at no provider key)
    const before = count('config.rejected');
    saveAtomically(configYaml({ ...spec, models: [...spec.models, { alias: 'orphan', model: 'x', key: 'no-such-key' }] }));
    await proxy.waitFor(() => count('config.rejected') > before, 'the second config.rejected');
    expect(JSON.stringify(proxy.rejections().at(-1))).toContain('no-such-key');
    expect((await call(proxy.url, 'orphan')).status).toBe(404); // the rejected file added nothing

    // the watcher still works: a good file is picked up
    saveAtomically(configYaml({ ...spec, models: [...spec.models, { alias: 'echo-2', model: 'mock-echo' }] }));
    await proxy.waitFor(() => count('config.reloaded') > reloadedBefore, 'config.reloaded');
    expect(proxy.lines.filter((l) => l.event === 'config.reloaded').at(-1)).toMatchObject({ added: ['echo-2'], removed: [] });
    await expectStillServing(proxy, 'echo-2');
  });

  it('the config file deleted while running: rejected, the last good config keeps serving, and writing it back reloads', async () => {
    const rejectedBefore = count('config.rejected');
    const reloadedBefore = count('config.reloaded');
    unlinkSync(configPath);
    await proxy.waitFor(() => count('config.rejected') > rejectedBefore, 'config.rejected after delete');
    expect(proxy.rejections().at(-1)?.errors[0]?.message).toMatch(/cannot read file: ENOENT/);
    await expectStillServing(proxy, 'echo-2');
    await expectAllServed(await loadUntil(() => true, { min: 50, max: 50, concurrency: 10 }));

    writeFileSync(configPath, configYaml(spec));
    await proxy.waitFor(() => count('config.reloaded') > reloadedBefore, 'config.reloaded after the file came back');
    expect(proxy.lines.filter((l) => l.event === 'config.reloaded').at(-1)).toMatchObject({ removed: ['echo-2'] });
    expect((await call(proxy.url, 'echo-2')).status).toBe(404);
    await expectStillServing(proxy);
  });

  it("the request log's directory removed while running: the proxy keeps serving and every request keeps its event", async () => {
    rmSync(logDir, { recursive: true, force: true });
    const replies = await loadUntil(() => true, { min: 200, max: 200, concurrency: 20 });
    await expectAllServed(replies);
    await expectStillServing(proxy);
    expect(proxy.lines.filter((l) => l.event === 'warning')).toEqual([]);
  });

  it('after all of it, stdout is pure NDJSON and the proxy stops cleanly with exit 0', async () => {
    expect(proxy.badLines).toEqual([]);
    expect(proxy.finished().filter((e) => e.status >= 500)).toEqual([]);
    expect(await proxy.stop()).toBe(0);
    expect(proxy.stderr()).not.toMatch(/Error|at .*\.js:\d+/);
  });
});
