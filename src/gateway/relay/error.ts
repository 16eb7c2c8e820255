// The one place that answers a request with an error: records the outcome, then writes the
// envelope (in the route's protocol, OpenAI's by default) when headers are still unsent, or cuts
// the connection when a body was already under way. A 413 is written only after the rest of the
// body was read and dropped (bounded), so the client reads it instead of a reset. Unexpected
// exceptions become 500 `internal_error`; their stack goes to a `warning` event only.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventBus } from '../../events/bus.js';
import type { Protocol } from '../../protocols/index.js';
import { GatewayError } from '../errors.js';
import type { RequestRecord } from '../record/request-record.js';
import { drainThen } from '../stages/body.js';

export interface ErrorTarget {
  res: ServerResponse;
  record: RequestRecord;
  bus: EventBus;
  /** the request, when its unread body must be drained first (413), and its read deadline */
  req?: IncomingMessage;
  requestTimeoutMs?: number;
  protocol?: Protocol | null;
}

export function sendError(target: ErrorTarget, err: unknown): void {
  const { res, record } = target;
  if (res.destroyed) return; // the client left first; `close` records the abort
  const error = err instanceof GatewayError ? err : internalError(err, target.bus);
  record.fail(error.outcome, error.status, { type: error.type, code: error.errorCode, message: error.message });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = error.body(target.protocol ?? null);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-aisix-request-id': record.id,
    ...error.headers,
  };
  if (error.code !== 'body_too_large' || target.req === undefined) {
    res.writeHead(error.status, headers);
    res.end(body);
    return;
  }
  // a 413 closes the connection: whatever is left of the body is not worth keeping the socket for
  headers.connection = 'close';
  drainThen(target.req, target.requestTimeoutMs ?? 0, () => {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(error.status, headers);
    res.end(body);
  });
}

/** An unexpected exception as the 500 the client gets; its stack goes to a `warning` event only. */
export function internalError(err: unknown, bus: EventBus): GatewayError {
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  bus.emit('warning', { message: `internal error while handling a request: ${detail}` });
  return new GatewayError('internal', 'internal error in the aisix proxy');
}
