// Black-box harness for the security suite (DESIGN.md §9): the real CLI as a child process
// (`node bin/aisix.js serve … --no-tui`, line mode), configs written as YAML text to a temp dir,
// raw HTTP so the tests control Host / Origin / content-type exactly, and a record of everything
// the client and the terminal saw so every file can prove no secret leaked (§6, §9).
import type { RawResponse } from '../helpers/http.js';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { BIN } from '../helpers/serve-child.js';

/** The provider key the proxy holds: it must never reach a client or the terminal. */
export const UPSTREAM_KEY = 'sk-upstream-secret-value';
export const ALICE_KEY = 'sk-caller-alice-0123456789';
export const BOB_KEY = 'sk-caller-bob-9876543210';

/** Secrets checked by `expectNoLeaks()`; tests may add more (e.g. a rejected key value). */
const secrets = new Set<string>([UPSTREAM_KEY]);
export function addSecret(value: string): void {
  secrets.add(value);
}

// ---------------------------------------------------------------------------------------------
// Config text

export interface ConfigOptions {
  /** the upstream, e.g. the mock's `http://127.0.0.1:PORT` */
  upstream: string;
  /** caller display names (key env `<NAME>_KEY`); none = auth off */
  callers?: string[];
  allowedOrigins?: string[];
  addr?: string;
  /** raw YAML appended to `provider_keys:` / `models:` (already indented list items) */
  extraProviderKeys?: string;
  extraModels?: string;
}

export function configYaml(o: ConfigOptions): string {
  const lines = [
    '_format_version: "1"',
    'proxy:',
    `  addr: ${o.addr ?? '127.0.0.1:0'}`,
  ];
  if (o.allowedOrigins !== undefined) lines.push(`  allowed_origins: ${JSON.stringify(o.allowedOrigins)}`);
  lines.push(
    'provider_keys:',
    '  - display_name: up',
    '    provider: openai',
    `    api_key: ${UPSTREAM_KEY}`,
    `    api_base: ${o.upstream}/v1`,
  );
  if (o.extraProviderKeys !== undefined) lines.push(o.extraProviderKeys.replace(/\n$/, ''));
  lines.push(
    'models:',
    '  - display_name: gpt',
    '    provider: openai',
    '    model_name: mock-echo',
    '    provider_key: up',
    '  - display_name: "openai/*"',
    '    provider: openai',
    '    model_name: "*"',
    '    provider_key: up',
  );
  if (o.extraModels !== undefined) lines.push(o.extraModels.replace(/\n$/, ''));
  if (o.callers !== undefined && o.callers.length > 0) {
    lines.push('api_keys:');
    for (const name of o.callers) {
      lines.push(`  - display_name: ${name}`, `    key_env: ${name.toUpperCase()}_KEY`, '    allowed_models: ["*"]');
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Caller key environment for `configYaml({callers: ['alice','bob']})`. */
export const CALLER_ENV = { ALICE_KEY, BOB_KEY };

const tempDirs: string[] = [];

export function writeConfig(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'aisix-security-'));
  tempDirs.push(dir);
  const path = join(dir, 'aisix.yaml');
  writeFileSync(path, text);
  return path;
}

/** Rewrites a config the way editors save: a temp file renamed over the original. */
export function saveConfig(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

// ---------------------------------------------------------------------------------------------
// Child processes

export interface Child {
  child: ChildProcessWithoutNullStreams;
  /** every stdout byte, exactly as written (readline would split on a raw \r and hide it) */
  stdout(): Buffer;
  stderr(): Buffer;
  exited: Promise<number | null>;
  /** resolves once `check()` holds; rejects after `ms` or when the child exits first */
  until(check: () => boolean, what: string, ms?: number): Promise<void>;
  stop(): Promise<number | null>;
}

const children: Child[] = [];

export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0', ...env },
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve((code = c))));
  const handle: Child = {
    child,
    exited,
    stdout: () => Buffer.concat(out),
    stderr: () => Buffer.concat(err),
    async until(check, what, ms = 8_000) {
      const deadline = Date.now() + ms;
      while (!check()) {
        if (code !== undefined) throw new Error(`${what}: child exited (${code}) first; stderr: ${handle.stderr().toString()}`);
        if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms; stdout: ${handle.stdout().toString()}; stderr: ${handle.stderr().toString()}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const c = await exited;
      clearTimeout(timer);
      return c;
    },
  };
  children.push(handle);
  return handle;
}

export interface Serve extends Child {
  /** the URL of the listening line, e.g. http://127.0.0.1:PORT (or http://0.0.0.0:PORT) */
  url: string;
  port: number;
  /** http://127.0.0.1:PORT: where the tests send traffic, whatever the bind address */
  base: string;
  /** stdout lines after the listening line */
  requestLines(): string[];
}

const LISTENING = /^aisix listening on (http:\/\/\S+)$/;

/** Starts `serve -c <config> --port 0 --no-tui …` and waits for its listening line. */
export async function startServe(configPath: string, env: NodeJS.ProcessEnv = {}, extraArgs: string[] = []): Promise<Serve> {
  const c = spawnCli(['serve', '-c', configPath, '--port', '0', '--no-tui', ...extraArgs], env);
  const firstLine = () => {
    const text = c.stdout().toString('utf8');
    const nl = text.indexOf('\n');
    return nl < 0 ? null : text.slice(0, nl);
  };
  await c.until(() => firstLine() !== null, 'listening line', 10_000);
  const line = firstLine() ?? '';
  const m = LISTENING.exec(line);
  if (m === null) throw new Error(`first stdout line is not the listening line: ${JSON.stringify(line)}`);
  const url = m[1] ?? '';
  const port = Number(new URL(url).port);
  return Object.assign(c, {
    url,
    port,
    base: `http://127.0.0.1:${port}`,
    requestLines: () => c.stdout().toString('utf8').split('\n').slice(1).filter((l) => l !== ''),
  });
}

/**
 * Runs a command that is expected to end by itself (validate, a serve that must refuse to start).
 * A serve that prints its listening line instead is stopped at once (its code is then not 1).
 */
export async function runToExit(args: string[], env: NodeJS.ProcessEnv = {}, ms = 10_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const c = spawnCli(args, env);
  const timer = setTimeout(() => c.child.kill('SIGKILL'), ms);
  const poll = setInterval(() => {
    if (c.stdout().toString('utf8').includes('listening on')) c.child.kill('SIGTERM');
  }, 10);
  const code = await c.exited;
  clearTimeout(timer);
  clearInterval(poll);
  return { code, stdout: c.stdout().toString('utf8'), stderr: c.stderr().toString('utf8') };
}

/** Stops every child this file started (SIGTERM, then SIGKILL after 5 s) and removes the temp configs. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all(children.map((c) => c.stop()));
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP

export type { RawResponse } from '../helpers/http.js';

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

const seen: RawResponse[] = [];

/**
 * One request on a fresh connection to `base` (always 127.0.0.1). A `host` entry in `headers`
 * replaces the Host header node would write; nothing else is added but Content-Length.
 */
export function http(base: string, r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...r.headers };
    if (r.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
      headers['content-length'] = String(Buffer.byteLength(r.body));
    }
    const req = request(new URL(r.path, base), { method: r.method ?? 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
        seen.push(out);
        resolve(out);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

export const json = (body: unknown): string => JSON.stringify(body);

export const JSON_HEADERS = { 'content-type': 'application/json' };
export const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

/** The status and the exact OpenAI envelope of DESIGN §4: `param`/`code` omitted when empty. */
export function expectError(res: RawResponse, status: number, type: string, code?: string): { message: string; type: string; code?: string } {
  expect(res.status, `${res.status} ${res.body}`).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const parsed = JSON.parse(res.body) as { error: { message: string; type: string; code?: string } };
  const expected: Record<string, unknown> = { message: expect.any(String), type };
  if (code !== undefined) expected['code'] = code;
  expect(parsed).toStrictEqual({ error: expected });
  expect(parsed.error.message.length).toBeGreaterThan(0);
  expect(res.headers['x-aisix-request-id'], 'every response carries x-aisix-request-id').toBeTruthy();
  return parsed.error;
}

/** Comma-separated header value as a lower-case list. */
export function headerList(res: RawResponse, name: string): string[] {
  const v = res.headers[name.toLowerCase()];
  const s = Array.isArray(v) ? v.join(',') : (v ?? '');
  return s.split(',').map((x) => x.trim().toLowerCase()).filter((x) => x !== '');
}

/** Fails when any secret appears in a response body or header, or in any child's stdout/stderr. */
export function expectNoLeaks(): void {
  for (const res of seen) {
    const text = `${JSON.stringify(res.headers)}\n${res.body}`;
    for (const s of secrets) expect(text.includes(s), `secret in a response: ${res.status} ${text.slice(0, 300)}`).toBe(false);
  }
  for (const c of children) {
    const text = `${c.stdout().toString('utf8')}\n${c.stderr().toString('utf8')}`;
    for (const s of secrets) expect(text.includes(s), `secret in child output: ${text.slice(0, 500)}`).toBe(false);
  }
}

/** Responses this file received so far (for the leak check's own sanity test). */
export function responsesSeen(): number {
  return seen.length;
}

// ---------------------------------------------------------------------------------------------
// A hostile upstream: answers by the request's `model` (used where the mock's fixed texts are
// too polite, e.g. error codes that carry terminal escape sequences).

export interface Hostile {
  url: string;
  requests: number;
  close(): Promise<void>;
}

export async function startHostileUpstream(answers: Record<string, { status: number; contentType: string; body: string }>): Promise<Hostile> {
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests += 1;
      let model = '';
      try {
        model = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model?: unknown }).model ?? '');
      } catch {
        /* not JSON */
      }
      const a = answers[model] ?? { status: 404, contentType: 'application/json', body: '{"error":{"message":"no such model","type":"invalid_request_error"}}' };
      res.writeHead(a.status, { 'content-type': a.contentType }).end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
