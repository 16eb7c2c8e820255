// The proxy under test as a child process — `node bin/aisix.js serve --no-tui --json -c FILE
// --port 0` — so its file descriptors, memory and crashes are its own. Stdout is NDJSON only: the
// first line is `server.listening`, then one line per event; every line is parsed and kept, and a
// line that is not a JSON object is kept apart so a test can assert there are none.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ConfigRejected, RequestFinished } from '../../src/events/types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = `${ROOT}bin/aisix.js`;

export interface NdjsonLine {
  event: string;
  [field: string]: unknown;
}

export interface ProxyChild {
  url: string;
  port: number;
  /** every NDJSON line so far, in order */
  readonly lines: readonly NdjsonLine[];
  /** stdout lines that were not one JSON object with an `event` name */
  readonly badLines: readonly string[];
  stderr(): string;
  /** the request.finished events so far */
  finished(): RequestFinished[];
  /** the request.finished events of one request id */
  finishedFor(id: string): RequestFinished[];
  rejections(): ConfigRejected[];
  /** resolves once `check()` holds; rejects with `what` after `timeoutMs` */
  waitFor(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** waits for the one request.finished of `id` (and a short settle) and returns it */
  eventFor(id: string, timeoutMs?: number): Promise<RequestFinished>;
  alive(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed) */
  stop(graceMs?: number): Promise<number | null>;
}

export interface StartOptions {
  configPath: string;
  env: Record<string, string>;
  extraArgs?: string[];
}

const running = new Set<ChildProcessWithoutNullStreams>();
// a test worker that dies mid-file must not leave proxies behind
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function parseLine(text: string): NdjsonLine | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    return typeof (value as { event?: unknown }).event === 'string' ? (value as NdjsonLine) : null;
  } catch {
    return null;
  }
}

async function poll(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function startProxy(options: StartOptions): Promise<ProxyChild> {
  if (!existsSync(`${ROOT}dist/cli/main.js`)) throw new Error('dist/ is missing: run `npm run build` first');
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AISIX_')));
  const args = [BIN, 'serve', '--no-tui', '--json', '-c', options.configPath, '--port', '0', ...(options.extraArgs ?? [])];
  const child = spawn(process.execPath, args, { env: { ...base, ...options.env, CI: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  const lines: NdjsonLine[] = [];
  const badLines: string[] = [];
  let stderr = '';
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      running.delete(child);
      resolve(code);
    });
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => void (stderr += chunk));
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = parseLine(text);
    if (line === null) badLines.push(text);
    else lines.push(line);
  });

  const finished = (): RequestFinished[] =>
    lines.filter((l) => l.event === 'request.finished').map((l) => l as unknown as RequestFinished);
  const finishedFor = (id: string): RequestFinished[] => finished().filter((e) => e.id === id);
  const waitFor = (check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> => poll(check, what, timeoutMs);

  try {
    await poll(() => lines.length > 0 || exitCode !== undefined, 'server.listening', 15_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const first = lines[0];
  if (first?.event !== 'server.listening' || typeof first.url !== 'string') {
    child.kill('SIGKILL');
    throw new Error(`serve did not start (exit ${String(exitCode)}): ${stderr}`);
  }
  const url = first.url;
  return {
    url,
    port: Number(new URL(url).port),
    lines,
    badLines,
    stderr: () => stderr,
    finished,
    finishedFor,
    rejections: () => lines.filter((l) => l.event === 'config.rejected').map((l) => l as unknown as ConfigRejected),
    waitFor,
    async eventFor(id, timeoutMs = 5_000) {
      await waitFor(() => finishedFor(id).length > 0, `request.finished of ${id}`, timeoutMs);
      await new Promise((r) => setTimeout(r, 30)); // a second event would be a bug: give it the chance to show
      const events = finishedFor(id);
      if (events.length !== 1) throw new Error(`request ${id} has ${events.length} request.finished events`);
      return events[0] as RequestFinished;
    },
    alive: () => exitCode === undefined,
    async stop(graceMs = 5_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
