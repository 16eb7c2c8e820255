// The one place that answers a request with an error: records the outcome, then writes the
// envelope when headers are still unsent, or cuts the connection when a body was already under way.
// Unexpected exceptions become 500 `internal_error`; their stack goes to a `warning` event only.
import type { ServerResponse } from 'node:http';
import type { EventBus } from '../events/bus.js';
import { GatewayError } from './errors.js';
import type { RequestRecord } from './record.js';

export function sendError(res: ServerResponse, record: RequestRecord, err: unknown, bus: EventBus): void {
  if (res.destroyed) return; // the client left first; `close` records the abort
  const error = err instanceof GatewayError ? err : internal(err, bus);
  record.fail(error.outcome, error.status, { type: error.type, code: error.errorCode, message: error.message });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = error.body();
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-aisix-request-id': record.id,
    ...error.headers,
  };
  // a 413 leaves the rest of the body unread: close rather than read megabytes to keep the socket
  if (error.code === 'body_too_large') headers.connection = 'close';
  res.writeHead(error.status, headers);
  res.end(body);
}

function internal(err: unknown, bus: EventBus): GatewayError {
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  bus.emit('warning', { message: `internal error while handling a request: ${detail}` });
  return new GatewayError('internal', 'internal error in the aisix proxy');
}
