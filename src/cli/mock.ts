// `aisix mock`: runs the fake OpenAI upstream on its own. Prints the ready line
// `aisix mock listening on http://HOST:PORT` first on stdout, serves until SIGINT/SIGTERM (exit 0);
// a port that cannot be bound is a one-line reason on stderr and exit 1.
import { startMock, type MockServer } from '../mock/index.js';
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

export async function runMock(opts: MockOptions): Promise<number> {
  let mock: MockServer;
  try {
    mock = await startMock({ host: opts.host, port: opts.port, apiKey: opts.apiKey });
  } catch (err) {
    process.stderr.write(listenFailure(err, opts.host, opts.port) + '\n');
    return ExitCode.failure;
  }
  process.stdout.write(`aisix mock listening on ${mock.url}\n`);
  return serveUntilSignal(mock);
}
