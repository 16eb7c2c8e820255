// `aisix mock`: runs the fake OpenAI upstream on its own. Prints the ready line
// `aisix mock listening on http://HOST:PORT` first on stdout, serves until SIGINT/SIGTERM (exit 0);
// a port that cannot be bound is a one-line reason on stderr and exit 1; an unknown
// `--json-style` (once main.ts declares the option) one line on stderr and exit 2.
import { JSON_STYLES, parseJsonStyle, startMock, type MockServer } from '../mock/index.js';
import { ExitCode } from './exit-codes.js';
import type { MockOptions } from './main.js';

function listenFailure(err: unknown, host: string, port: number): string {
  const code = err instanceof Error && 'code' in err ? String(err.code) : '';
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE') return `aisix mock: cannot listen on ${where}: address already in use`;
  if (code === 'EACCES') return `aisix mock: cannot listen on ${where}: permission denied`;
  const reason = err instanceof Error ? err.message : String(err);
  return `aisix mock: cannot listen on ${where}: ${reason}`;
}

/** Resolves once a SIGINT or SIGTERM has closed the server. */
function serveUntilSignal(mock: MockServer): Promise<number> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void mock.close().then(() => resolve(ExitCode.ok));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `aisix mock` options, plus `--json-style <style>` once main.ts declares it. */
export type MockCliOptions = MockOptions & { jsonStyle?: string };

export async function runMock(opts: MockCliOptions): Promise<number> {
  const jsonStyle = opts.jsonStyle === undefined ? undefined : parseJsonStyle(opts.jsonStyle);
  if (opts.jsonStyle !== undefined && jsonStyle === undefined) {
    process.stderr.write(`aisix mock: unknown --json-style '${opts.jsonStyle}' (expected ${JSON_STYLES.join(', ')})\n`);
    return ExitCode.usage;
  }
  let mock: MockServer;
  try {
    mock = await startMock({ host: opts.host, port: opts.port, apiKey: opts.apiKey, jsonStyle });
  } catch (err) {
    process.stderr.write(listenFailure(err, opts.host, opts.port) + '\n');
    return ExitCode.failure;
  }
  process.stdout.write(`aisix mock listening on ${mock.url}\n`);
  return serveUntilSignal(mock);
}
