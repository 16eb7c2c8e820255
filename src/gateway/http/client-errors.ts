// Connection-level failures node's HTTP parser reports as `clientError`: a malformed request, headers
// over the size limit, request_timeout_ms running out (slow-loris). Node's own answer is a bare
// status line; ours carries the OpenAI envelope. When a request was already under way (its body
// too slow or malformed), that request is answered through its own response, so its one
// request.finished says 408/400 — not 499, as if the client had left.
import type { Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EventBus } from '../../events/bus.js';
import { GatewayError } from '../errors.js';
import type { RequestRecord } from '../record/request-record.js';
import { sendError } from '../relay/error.js';
import { answerOnSocket } from '../relay/raw-answer.js';

export interface ClientErrors {
  /** the request now being read on `socket` (keep-alive sockets carry one at a time) */
  track(socket: Duplex, res: ServerResponse, record: RequestRecord): void;
}

interface Active {
  res: ServerResponse;
  record: RequestRecord;
}

function answerable(code: string | undefined): boolean {
  return code === 'ERR_HTTP_REQUEST_TIMEOUT' || (code?.startsWith('HPE_') ?? false);
}

function errorFor(code: string | undefined, requestTimeoutMs: number): GatewayError {
  const close = { connection: 'close' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new GatewayError('bad_request', `request not received in full within ${requestTimeoutMs} ms`, { status: 408, errorCode: 'request_timeout', headers: close });
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new GatewayError('bad_request', 'request headers are too large', { status: 431, errorCode: 'headers_too_large', headers: close });
  }
  return new GatewayError('bad_request', `malformed HTTP request (${code ?? 'unknown'})`, { errorCode: 'malformed_request', headers: close });
}

/** `requestTimeoutMs` is read when an error happens, so a reload's new value is the one reported. */
export function handleClientErrors(server: Server, bus: EventBus, requestTimeoutMs: () => number): ClientErrors {
  const active = new WeakMap<Duplex, Active>();
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // a finished response means its request is over: the error belongs to the socket's next one
    const tracked = active.get(socket);
    const current = tracked !== undefined && !tracked.res.writableFinished ? tracked : undefined;
    if (current !== undefined && current.res.headersSent) {
      socket.destroy(); // mid-response: nothing more can be said
      return;
    }
    if (!answerable(err.code) || !socket.writable) {
      socket.destroy(); // e.g. ECONNRESET: the client is gone, a request under way records 499
      return;
    }
    const error = errorFor(err.code, requestTimeoutMs());
    if (current !== undefined) sendError({ res: current.res, record: current.record, bus }, error);
    else answerOnSocket(socket, error);
  });
  return {
    track(socket, res, record) {
      active.set(socket, { res, record }); // replaced by the socket's next request; gone with the socket
    },
  };
}
