// `aisix mock` as a user runs it: spawn the built bin, read the exact ready line, call it, stop it
// with SIGTERM (exit 0); a port in use is one line on stderr and exit 1. Needs `npm run build`.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMock } from '../../src/mock/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = ROOT + 'bin/aisix.js';
const children: ChildProcessWithoutNullStreams[] = [];

function runMockCli(args: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [BIN, 'mock', ...args], { cwd: ROOT });
  children.push(child);
  return child;
}

function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${String(code)} before printing a line`)));
  });
}

function collect(stream: NodeJS.ReadableStream): () => string {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (text += chunk));
  return () => text;
}

beforeAll(() => {
  if (!existsSync(ROOT + 'dist/cli/mock.js')) throw new Error('dist/ is missing: run `npm run build` first');
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('aisix mock', () => {
  it('prints the ready line first, serves, and exits 0 on SIGTERM', async () => {
    const child = runMockCli(['--port', '0']);
    const stderr = collect(child.stderr);
    const line = await firstLine(child);
    const match = /^aisix mock listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
    expect(match, line).not.toBeNull();
    const url = match?.[1] ?? '';
    expect(Number(match?.[2])).toBeGreaterThan(0);
    const res = await fetch(url + '/v1/responses', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-echo', input: 'hello over the wire' }),
    });
    const body = (await res.json()) as { output: { content: { text: string }[] }[] };
    expect(body.output[0]?.content[0]?.text).toBe('hello over the wire');
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(stderr()).toBe('');
  });

  it('checks --api-key and exits 0 on SIGINT', async () => {
    const child = runMockCli(['--port', '0', '--api-key', 'sk-cli-test']);
    const url = (await firstLine(child)).replace('aisix mock listening on ', '');
    expect((await fetch(url + '/v1/models')).status).toBe(401);
    expect((await fetch(url + '/v1/models', { headers: { authorization: 'Bearer sk-cli-test' } })).status).toBe(200);
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('exits 1 with a one-line reason when the port is taken', async () => {
    const taken = await startMock();
    try {
      const child = runMockCli(['--port', String(taken.port)]);
      const stdout = collect(child.stdout);
      const stderr = collect(child.stderr);
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(1);
      expect(stdout()).toBe('');
      const lines = stderr().trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`127.0.0.1:${taken.port}`);
      expect(lines[0]).toContain('address already in use');
    } finally {
      await taken.close();
    }
  });
});
