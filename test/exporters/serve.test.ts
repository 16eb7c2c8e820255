// `aisix serve` (the real CLI, as a child process) runs the file's exporters: a request's span
// reaches the collector stand-in when serve shuts down (shutdown flushes the batch), a reload
// (SIGHUP) moves the exporter to another collector, and a dead collector costs a prompt exit.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { closedPort } from '../helpers/http.js';
import { spawnServe } from '../helpers/serve-child.js';
import { startCollector } from './collector.js';

let mock: MockServer;
let dir: string;
beforeAll(async () => {
  mock = await startMock();
  dir = mkdtempSync(join(tmpdir(), 'aisix-exporters-'));
});
afterAll(() => mock.close());

function writeConfig(name: string, endpoint: string): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `_format_version: "1"
provider_keys:
  - { display_name: up, provider: openai, api_key: sk-up, api_base: ${mock.url}/v1 }
models:
  - { display_name: chat, provider: openai, model_name: mock-echo, provider_key: up }
observability_exporters:
  - { name: otel, kind: otlp_http, endpoint: "${endpoint}" }
`,
  );
  return path;
}

async function started(path: string): Promise<{ serve: ReturnType<typeof spawnServe>; client: OpenAI }> {
  const serve = spawnServe(['-c', path, '--port', '0']);
  const url = (await serve.waitForLine((l) => l.startsWith('aisix listening on '))).replace('aisix listening on ', '');
  return { serve, client: new OpenAI({ baseURL: `${url}/v1`, apiKey: 'none', maxRetries: 0 }) };
}

describe('aisix serve with observability exporters', () => {
  it('sends each request as a span, flushed at shutdown, and follows a reload to another collector', async () => {
    const [first, second] = [await startCollector(), await startCollector()];
    try {
      const path = writeConfig('reload.yaml', first.url);
      const { serve, client } = await started(path);
      await client.responses.create({ model: 'chat', input: 'one' });
      await serve.waitForLine((l) => l.includes('chat→mock-echo'));
      writeConfig('reload.yaml', second.url);
      serve.child.kill('SIGHUP');
      // the replaced exporter flushes its batch to the old collector right away
      await first.until(() => first.spans().length === 1, 'the first span, flushed by the reload');
      await client.responses.create({ model: 'chat', input: 'two' });
      await serve.waitForLine((l, ) => l.includes('chat→mock-echo') && serve.lines.filter((x) => x.includes('chat→mock-echo')).length === 2);
      expect(second.exports).toHaveLength(0); // batched: waiting for its window
      expect(await serve.stop()).toBe(0);
      expect(second.spans().map((s) => s.attributes['gen_ai.request.model'])).toEqual(['chat']); // shutdown flushed it
      expect(first.spans().map((s) => s.attributes['http.route'])).toEqual(['/v1/responses']);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('exits promptly when the collector is down, saying how many spans were dropped', async () => {
    const port = await closedPort();
    const { serve, client } = await started(writeConfig('dead.yaml', `http://127.0.0.1:${port}`));
    await client.responses.create({ model: 'chat', input: 'lost' });
    await serve.waitForLine((l) => l.includes('chat→mock-echo'));
    const stopping = Date.now();
    expect(await serve.stop()).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(8_000); // bounded: 2 s flush + the export's own 3 s budget
    expect(serve.stderr()).toMatch(/warning: observability exporter "otel": dropped 1 span: /);
  });
});
