// `aisix test-request` as a user runs it: the built bin spawned against an in-process mock (and the
// in-process gateway for in-stream errors), stdout and stderr checked separately, exit codes
// exactly: 0 ok, 1 failed request, 2 usage error; and once against `aisix serve --demo` end to
// end, as the "Done when" does it. Needs `npm run build`.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { CALLER_KEY, startStack, type Stack } from '../helpers/stack.js';
import { closedPort } from '../helpers/http.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = ROOT + 'bin/aisix.js';
const INPUT = 'Say hello from AISIX.';
const MOCK_KEY = 'sk-mock-key';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let cwd: string;

/** Runs the CLI in an empty directory with no AISIX_* variables unless given. */
function aisix(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AISIX_')));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...base, ...env }, timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

let mock: MockServer;
beforeAll(async () => {
  if (!existsSync(ROOT + 'dist/cli/test-request.js')) throw new Error('dist/ is missing: run `npm run build` first');
  cwd = mkdtempSync(join(tmpdir(), 'aisix-test-request-'));
  mock = await startMock({ apiKey: MOCK_KEY });
});
afterAll(async () => {
  await mock.close();
  rmSync(cwd, { recursive: true, force: true });
});

const call = (...args: string[]): Promise<Run> => aisix(['test-request', '--url', mock.url, '--api-key', MOCK_KEY, ...args]);

describe('aisix test-request (success)', () => {
  it('prints the output text on stdout and the summary on stderr', async () => {
    const run = await call('--model', 'mock-echo');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${INPUT}\n`);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('status          200 completed');
    expect(lines[1]).toMatch(/^request id      req_\w+$/);
    expect(lines[2]).toBe('upstream model  mock-echo');
    expect(lines[3]).toBe('usage           input 4 (cached 0), output 4 (reasoning 0), total 8');
    expect(lines[4]).toMatch(/^latency         \d+ ms$/);
    expect(lines).toHaveLength(5);
    expect(mock.requests().at(-1)?.json).toEqual({ model: 'mock-echo', input: INPUT, stream: false });
  });

  it('--stream: the streamed text, TTFT in the summary, cached and reasoning usage', async () => {
    const run = await call('--model', 'mock-reasoning', '--stream', '--input', 'stream this to me please');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('stream this to me please\n');
    expect(run.stderr).toMatch(/^usage {11}input 69 \(cached 64\), output 37 \(reasoning 32\), total 106$/m);
    expect(run.stderr).toMatch(/^latency {9}\d+ ms, TTFT \d+ ms, headers \d+ ms$/m);
    expect(mock.requests().at(-1)?.json).toMatchObject({ stream: true });
  });

  it('--stream writes each delta as it arrives (mock-slow: 100 ms between deltas)', async () => {
    const child = spawn(process.execPath, [BIN, 'test-request', '--url', mock.url, '--api-key', MOCK_KEY, '--model', 'mock-slow', '--stream', '--input', 'one two three four five six'], { cwd });
    const chunks: { at: number; text: string }[] = [];
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => chunks.push({ at: Date.now(), text }));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(chunks.map((c) => c.text).join('')).toBe('one two three four five six\n');
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    expect((chunks.at(-1)?.at ?? 0) - (chunks[0]?.at ?? 0)).toBeGreaterThanOrEqual(250);
  });

  it('--json: the response JSON on stdout, the summary still on stderr', async () => {
    const run = await call('--model', 'mock-echo', '--json');
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as { object: string; model: string; output: unknown[] };
    expect(body.object).toBe('response');
    expect(body.model).toBe('mock-echo');
    expect(run.stderr).toMatch(/^status {10}200 completed$/m);
  });

  it('--json --stream: one event JSON per line, in order', async () => {
    const run = await call('--model', 'mock-echo', '--json', '--stream');
    expect(run.code).toBe(0);
    const events = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; sequence_number: number; delta?: string });
    expect(events[0]?.type).toBe('response.created');
    expect(events.at(-1)?.type).toBe('response.completed');
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('')).toBe(INPUT);
    expect(run.stderr).toMatch(/TTFT \d+ ms/);
  });

  it('takes the key from $AISIX_API_KEY', async () => {
    const run = await aisix(['test-request', '--url', mock.url, '--model', 'mock-echo'], { AISIX_API_KEY: MOCK_KEY });
    expect(run.code).toBe(0);
    expect(mock.requests().at(-1)?.headers.authorization).toBe(`Bearer ${MOCK_KEY}`);
  });
});

describe('aisix test-request (failures)', () => {
  it('an HTTP error: the envelope readably on stderr, nothing on stdout, exit 1', async () => {
    const run = await call('--model', 'mock-error-400');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe("error 400 invalid_request_error: Invalid value for 'input': mock-error-400 always rejects its input.");
    expect(lines.slice(1, 4)).toEqual(['  code: invalid_value', '  param: input', 'status          400']);
    expect(lines[4]).toMatch(/^request id      req_\w+$/);
  });

  it('a 401 from a bad key, with retry-after shown on a 429', async () => {
    const bad = await aisix(['test-request', '--url', mock.url, '--api-key', 'sk-wrong', '--model', 'mock-echo']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error 401 invalid_request_error: .*\n {2}code: invalid_api_key\n/);
    const limited = await call('--model', 'mock-error-429', '--stream');
    expect(limited.code).toBe(1);
    expect(limited.stderr).toMatch(/^ {2}retry-after: 7$/m);
  });

  it('--json on an HTTP error: the envelope JSON on stdout too', async () => {
    const run = await call('--model', 'mock-error-429', '--json');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    expect(run.stderr).toMatch(/^error 429 /);
  });

  it('connection refused: the hint to start the proxy, exit 1', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await aisix(['test-request', '--url', url, '--model', 'demo']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `aisix: cannot connect to ${url} (ECONNREFUSED) — is the proxy running? Start it with \`aisix serve\` (or \`aisix serve --demo\`)\n`,
    );
  });

  it('a timeout: a clear message, exit 1', async () => {
    const run = await call('--model', 'mock-hang', '--timeout', '0.3');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`aisix: timed out: no response from ${mock.url} within 0.3 s (raise it with --timeout SECONDS)\n`);
  });

  it('usage errors exit 2: missing --model, a bad --timeout, a bad --url', async () => {
    const missing = await aisix(['test-request']);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain("required option '--model <alias>' not specified");
    expect((await aisix(['test-request', '--model', 'x', '--timeout', 'soon'])).code).toBe(2);
    const badUrl = await aisix(['test-request', '--model', 'x', '--url', 'ftp://example.com', '--api-key', 'k']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toBe('aisix test-request: invalid URL "ftp://example.com" (expected e.g. http://127.0.0.1:3000)\n');
  });

  it('a -c file that does not exist: exit 1', async () => {
    const run = await aisix(['test-request', '--model', 'x', '-c', 'nope.yaml']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^aisix: config file not found \(tried: nope\.yaml\)\n/);
  });

  it('an invalid config: the validation report and exit 1', async () => {
    writeFileSync(join(cwd, 'broken.yaml'), '_format_version: "1"\nmodles: []\n');
    const run = await aisix(['test-request', '--model', 'x', '-c', 'broken.yaml']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^broken\.yaml:2:1: error: .*modles/m);
    expect(run.stderr).toMatch(/cannot read defaults from broken\.yaml; fix it, or pass --url and --api-key\n$/);
  });
});

describe('aisix test-request (defaults from the config)', () => {
  const yaml = (port: number): string =>
    `_format_version: "1"\nproxy:\n  addr: 127.0.0.1:${port}\napi_keys:\n  - display_name: local-dev\n    key_env: TR_CALLER_KEY\n    allowed_models: ["*"]\n`;

  it('-c: the URL from proxy.addr and the key from the first key_env', async () => {
    writeFileSync(join(cwd, 'dev.yaml'), yaml(mock.port));
    const run = await aisix(['test-request', '-c', 'dev.yaml', '--model', 'mock-echo'], { TR_CALLER_KEY: MOCK_KEY });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${INPUT}\n`);
    expect(mock.requests().at(-1)?.headers.authorization).toBe(`Bearer ${MOCK_KEY}`);
  });

  it('$AISIX_CONFIG, then ./aisix.yaml; $AISIX_API_KEY wins over key_env', async () => {
    writeFileSync(join(cwd, 'env.yaml'), yaml(mock.port));
    const viaEnv = await aisix(['test-request', '--model', 'mock-echo'], { AISIX_CONFIG: 'env.yaml', AISIX_API_KEY: MOCK_KEY, TR_CALLER_KEY: 'other' });
    expect(viaEnv.code).toBe(0);
    expect(mock.requests().at(-1)?.headers.authorization).toBe(`Bearer ${MOCK_KEY}`);
    writeFileSync(join(cwd, 'aisix.yaml'), yaml(mock.port));
    try {
      const viaDefault = await aisix(['test-request', '--model', 'mock-echo'], { TR_CALLER_KEY: MOCK_KEY });
      expect(viaDefault.code).toBe(0);
    } finally {
      rmSync(join(cwd, 'aisix.yaml'));
    }
  });

  it('an unset key_env variable: a note on stderr and no Authorization header', async () => {
    writeFileSync(join(cwd, 'dev.yaml'), yaml(mock.port));
    const run = await aisix(['test-request', '-c', 'dev.yaml', '--model', 'mock-echo']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^aisix: note: \$TR_CALLER_KEY \(key_env of api key "local-dev" in dev\.yaml\) is not set; sending no API key\n/);
    expect(run.stderr).toMatch(/^error 401 /m);
    expect(mock.requests().at(-1)?.headers.authorization).toBeUndefined();
  });
});

describe('aisix test-request through the proxy (in-process gateway)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('an in-stream error: the text so far on stdout, the error on stderr, exit 1', async () => {
    const input = 'one two three four five six seven eight';
    const run = await aisix(['test-request', '--url', stack.url, '--api-key', CALLER_KEY, '--model', 'cut', '--stream', '--input', input]);
    expect(run.code).toBe(1);
    expect(run.stdout.endsWith('\n')).toBe(true);
    expect(run.stdout.length).toBeGreaterThan(1);
    expect(input.startsWith(run.stdout.trimEnd())).toBe(true);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^error in stream upstream_stream_interrupted: /);
    expect(lines[1]).toBe('status          200 failed'); // the response.failed after the error frame
    const [finished] = await stack.waitForEvents(1);
    expect(lines[2]).toBe(`request id      ${finished?.id}`);
  });

  it('the proxy’s own error envelope and request id', async () => {
    const run = await aisix(['test-request', '--url', stack.url, '--api-key', CALLER_KEY, '--model', 'no-such-alias']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error 404 model_not_found: model "no-such-alias" not found\nstatus {10}404\nrequest id {6}\S+\n/);
  });
});

describe('aisix test-request against aisix serve --demo (end to end)', () => {
  it('streams the echoed text with the demo key, exit 0', async () => {
    const serve = spawn(process.execPath, [BIN, 'serve', '--demo', '--port', '0', '--no-tui'], { cwd });
    try {
      const lines = createInterface({ input: serve.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      const url = /^aisix listening on (http:\/\/\S+)$/.exec(first)?.[1];
      expect(url, first).toBeDefined();
      const run = await aisix(['test-request', '--url', url as string, '--model', 'demo', '--api-key', 'sk-aisix-demo', '--stream']);
      expect(run.stderr).toMatch(/^status {10}200 completed$/m);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${INPUT}\n`);
      expect(run.stderr).toMatch(/^upstream model  mock-echo$/m);
      expect(run.stderr).toMatch(/^usage {11}input 4 \(cached 0\), output 4 \(reasoning 0\), total 8$/m);
      expect(run.stderr).toMatch(/^latency {9}\d+ ms, TTFT \d+ ms, headers \d+ ms$/m);
      expect(run.stderr).toMatch(/^request id {6}[0-9a-f-]{36}$/m);
    } finally {
      serve.kill('SIGTERM');
      if (serve.exitCode === null) await once(serve, 'exit');
    }
  });
});

describe('aisix test-request against a hostile server (nothing reaches the terminal raw)', () => {
  const HOSTILE = '\u001b[2J\u001b]0;pwned\u0007';
  const ESCAPED = '\\u001b[2J\\u001b]0;pwned\\u0007';
  // any control other than a line break or tab, DEL, C1 or bidi character
  const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
  const TEXT = `line one ${HOSTILE}\r\nline two\n\tindented\u009b\u202e and\rover`;
  let server: Server;
  let url: string;

  const response = (text: string) => ({
    id: 'resp_1', object: 'response', status: 'completed', model: `evil-model${HOSTILE}`,
    output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] }],
    usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 },
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const { model, stream } = JSON.parse(body) as { model: string; stream: boolean };
        if (model === 'error') {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `upstream says ${HOSTILE}`, type: `type\u009b`, code: `code${HOSTILE}`, param: null } }));
          return;
        }
        if (!stream) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(response(TEXT)));
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const frame = (data: object): string => `event: ${(data as { type: string }).type}\ndata: ${JSON.stringify(data)}\n\n`;
        // a \r\n split across two deltas still reads as one line break
        for (const delta of [`line one ${HOSTILE}\r`, '\nline two\n', '\tindented\u009b\u202e and\rover']) {
          res.write(frame({ type: 'response.output_text.delta', delta }));
        }
        res.end(frame({ type: 'response.completed', response: response(TEXT) }));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  const expected = `line one ${ESCAPED}\nline two\n\tindented\\u009b\\u202e and\\rover\n`;

  it('output text keeps its line breaks and tabs, every other control is escaped; so is the summary', async () => {
    const run = await aisix(['test-request', '--url', url, '--model', 'x']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(RAW);
    expect(run.stdout).toBe(expected);
    expect(run.stderr).not.toMatch(RAW);
    expect(run.stderr).toMatch(/^upstream model {2}evil-model\\u001b\[2J\\u001b\]0;pwned\\u0007$/m);
  });

  it('--stream: the same text, escaped delta by delta', async () => {
    const run = await aisix(['test-request', '--url', url, '--model', 'x', '--stream']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(expected);
    expect(run.stderr).not.toMatch(RAW);
  });

  it('an error envelope: message, type and code escaped', async () => {
    const run = await aisix(['test-request', '--url', url, '--model', 'error']);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(RAW);
    expect(run.stderr).toContain(`error 400 type\\u009b: upstream says ${ESCAPED}\n  code: code${ESCAPED}\n`);
  });

  it('--json: still the same JSON value, with no raw control, C1 or bidi character', async () => {
    const whole = await aisix(['test-request', '--url', url, '--model', 'x', '--json']);
    expect(whole.code).toBe(0);
    expect(whole.stdout).not.toMatch(RAW);
    expect(JSON.parse(whole.stdout)).toEqual(response(TEXT));
    const streamed = await aisix(['test-request', '--url', url, '--model', 'x', '--json', '--stream']);
    expect(streamed.code).toBe(0);
    expect(streamed.stdout).not.toMatch(RAW);
    const events = streamed.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
    expect(events.at(-1)).toEqual({ type: 'response.completed', response: response(TEXT) });
  });
});
