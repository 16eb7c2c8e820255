// `--json`: every event as one NDJSON line `{"event":"<name>", …fields}` on stdout, nothing else.
import type { EventBus } from '../events/bus.js';
import type { GatewayEventName } from '../events/types.js';
import { createBatchedWriter } from './batched-writer.js';

const EVENTS: GatewayEventName[] = ['server.listening', 'request.started', 'request.finished', 'config.reloaded', 'config.rejected', 'warning'];

export function attachJsonReporter(bus: EventBus, stdout: NodeJS.WritableStream): () => void {
  const out = createBatchedWriter(stdout);
  const offs = EVENTS.map((name) => bus.on(name, (payload) => out.write(`${JSON.stringify({ event: name, ...payload })}\n`)));
  return () => {
    offs.forEach((off) => off());
    out.flush();
  };
}
