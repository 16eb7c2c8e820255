// Spawns the real CLI (`node bin/aisix.js serve …`) as a child process and reads its stdout line
// by line: the listening line (or NDJSON events with --json), plus collected stderr.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/aisix.js', import.meta.url));

export interface ServeChild {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr: () => string;
  /** resolves with the first stdout line matching `test` (waits up to `ms`) */
  waitForLine(test: (line: string) => boolean, ms?: number): Promise<string>;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnServe(args: string[], env: NodeJS.ProcessEnv = {}): ServeChild {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { env: { ...process.env, CI: 'true', ...env } });
  const lines: string[] = [];
  const watchers: { test: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of watchers.filter((w) => w.test(line))) w.resolve(line);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child, lines, exited,
    stderr: () => stderr,
    waitForLine(test, ms = 10_000) {
      const found = lines.find(test);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching stdout line within ${ms} ms; stderr: ${stderr}`)), ms);
        watchers.push({ test, resolve: (l) => { clearTimeout(timer); resolve(l); } });
        void exited.then(() => reject(new Error(`serve exited; stderr: ${stderr}`)));
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
