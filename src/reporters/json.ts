// `--json`: every event as one NDJSON line `{"event":"<name>", …fields}` on stdout, nothing else.
// JSON.stringify escapes control characters; terminalSafeJson also escapes the DEL, C1 and bidi
// characters it leaves raw (the same JSON value), so a terminal showing the stream stays safe.
// Written through the batched writer (backpressure; lines dropped past its cap are announced by
// one `warning` event line).
import type { EventBus } from '../events/bus.js';
import type { GatewayEventName } from '../events/types.js';
import { terminalSafeJson } from '../text/terminal-safe.js';
import { createBatchedWriter, type BatchedWriterOptions } from './batched-writer.js';

const EVENTS: GatewayEventName[] = ['server.listening', 'request.started', 'request.finished', 'config.reloaded', 'config.rejected', 'warning'];

/** One NDJSON line for an event. */
export function jsonLine(name: GatewayEventName, payload: object): string {
  return `${terminalSafeJson(JSON.stringify({ event: name, ...payload }))}\n`;
}

function dropNotice(dropped: number): string {
  return jsonLine('warning', { message: `${dropped} NDJSON ${dropped === 1 ? 'line' : 'lines'} dropped: stdout was not being read fast enough` });
}

export function attachJsonReporter(
  bus: EventBus,
  stdout: NodeJS.WritableStream,
  writerOptions: Omit<BatchedWriterOptions, 'dropNotice'> = {},
): () => void {
  const out = createBatchedWriter(stdout, { ...writerOptions, dropNotice });
  const offs = EVENTS.map((name) => bus.on(name, (payload) => out.write(jsonLine(name, payload))));
  return () => {
    offs.forEach((off) => off());
    out.flush();
  };
}
