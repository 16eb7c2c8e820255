// Dropping a client's connection on purpose (an injected `reset_after_events` fault, DESIGN.md
// §12): once what was already relayed has left the socket, the HTTP connection (or the turn's
// WebSocket) is closed without an end, as a network failure would. The record says the proxy did
// it, so the request is not counted as a client that went away.
import type { ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import type { RequestRecord } from '../record/request-record.js';

export interface DropTarget {
  res: ServerResponse | null;
  socket: WebSocket | null;
  record: RequestRecord;
}

export function dropClient({ res, socket, record }: DropTarget, message: string, then: () => void): void {
  record.fail('upstream_error', record.status === 0 ? 200 : record.status, { type: 'upstream_error', code: 'connection_reset', message });
  record.endedByProxy = true;
  // writes are corked until the next tick: let them reach the socket before closing it
  setImmediate(() => {
    const conn = res?.socket ?? null;
    const close = (): void => {
      if (res !== null) res.destroy();
      else socket?.terminate();
      then();
    };
    if (conn !== null && !conn.destroyed && conn.writableLength > 0) conn.once('drain', close);
    else close();
  });
}
