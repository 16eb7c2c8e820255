// The JSONL request log (`proxy.log_file`, `--log-file`): one line per finished request, appended
// through a buffered stream so writes never block the request path. Opening is synchronous so a
// bad path is a clear start-up error; a write failure later is reported once as a warning.
import { closeSync, createWriteStream, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventBus } from '../events/bus.js';

export interface LogFileOptions {
  path: string;
  /** keep input/output previews (proxy.log_bodies) */
  bodies: boolean;
}

/** Opens the log (creating its directory); throws with a readable reason when it cannot. */
export function attachLogFile(bus: EventBus, options: LogFileOptions): { close(): Promise<void> } {
  let fd: number;
  try {
    mkdirSync(dirname(options.path), { recursive: true });
    fd = openSync(options.path, 'a');
  } catch (err) {
    throw new Error(`cannot open log file ${options.path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const stream = createWriteStream('', { fd, flags: 'a' });
  let failed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (failed) return;
    failed = true;
    bus.emit('warning', { message: `request log ${options.path} stopped: ${err.code ?? err.message}` });
  });
  const off = bus.on('request.finished', (event) => {
    if (failed) return;
    const line = options.bodies ? { event: 'request.finished', ...event } : { event: 'request.finished', ...event, input_preview: undefined, output_preview: undefined };
    stream.write(`${JSON.stringify(line)}\n`);
  });
  return {
    close: () =>
      new Promise((resolve) => {
        off();
        if (failed) {
          try {
            closeSync(fd);
          } catch {
            // already closed
          }
          resolve();
          return;
        }
        stream.end(() => resolve());
      }),
  };
}
