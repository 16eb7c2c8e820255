// The JSONL request log (`proxy.log_file`, `--log-file`): one line per finished request, appended
// through the batched writer so writes never block the request path and a slow disk is never
// buffered without bound (lines dropped past the writer's cap are announced by one `warning` line
// in the log and a `warning` event). Opening is synchronous so a bad path is a clear start-up
// error; a write failure later is reported once as a warning. `close()` writes everything queued.
import { closeSync, createWriteStream, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventBus } from '../events/bus.js';
import { createBatchedWriter, type BatchedWriterOptions } from './batched-writer.js';
import { jsonLine } from './json.js';

export interface LogFileOptions {
  path: string;
  /** keep input/output previews (proxy.log_bodies) */
  bodies: boolean;
  /** the queue's cap (default 8 Mi characters) */
  maxPending?: BatchedWriterOptions['maxPending'];
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
  const dropped = (n: number): string => `${n} request log ${n === 1 ? 'line' : 'lines'} dropped: ${options.path} was not keeping up`;
  const out = createBatchedWriter(stream, {
    maxPending: options.maxPending,
    dropNotice: (n) => jsonLine('warning', { message: dropped(n) }),
    onDropped: (n) => bus.emit('warning', { message: dropped(n) }),
  });
  const off = bus.on('request.finished', (event) => {
    if (failed) return;
    const line = options.bodies ? event : { ...event, input_preview: undefined, output_preview: undefined };
    out.write(jsonLine('request.finished', line));
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
        out.flush();
        stream.end(() => resolve());
      }),
  };
}
