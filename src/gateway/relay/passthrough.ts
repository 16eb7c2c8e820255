// The passthrough relay: the target's status, headers (less hop-by-hop ones) and body bytes go to
// the client as they arrive, with backpressure both ways and TCP no-delay (SSE frames leave at
// once); the upstream's `x-aisix-*` and `access-control-*` headers are dropped (ours stand). The outcome is `ok` below 400 and `upstream_error` from it (the answer is relayed as is,
// not wrapped). A body that breaks after the headers were sent ends the client connection, and the
// record says why (a deadline, a broken upstream), not that the client left.
import type { ServerResponse } from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';
import { connectionNamed, crossesProxy } from '../http/header-policy.js';
import { CALL_ID_HEADER, REQUEST_ID_HEADER } from '../record/request-id.js';
import type { RequestRecord } from '../record/request-record.js';
import { GatewayError } from '../errors.js';
import type { UpstreamReply } from '../stages/upstream-reply.js';


export interface PassthroughRelay {
  res: ServerResponse;
  record: RequestRecord;
  reply: UpstreamReply;
  abortUpstream: () => void;
  /** why the upstream call was stopped, when the proxy stopped it (a deadline) */
  failure: () => GatewayError | null;
}

export function relayPassthrough({ res, record, reply, abortUpstream, failure }: PassthroughRelay): Promise<void> {
  const headers: OutgoingHttpHeaders = {};
  const named = connectionNamed(reply.headers);
  for (const [name, value] of Object.entries(reply.headers)) {
    // the proxy's own CORS decision stands: an upstream's access-control-* headers are dropped
    if (value !== undefined && crossesProxy(name, named) && !name.startsWith('access-control-')) headers[name] = value;
  }
  headers[REQUEST_ID_HEADER] = record.id;
  headers[CALL_ID_HEADER] = record.id;
  record.status = reply.statusCode;
  if (reply.statusCode >= 400) {
    record.outcome = 'upstream_error';
    record.errorType = 'upstream_error';
    record.errorCode = `upstream_${reply.statusCode}`;
  }
  res.writeHead(reply.statusCode, headers);
  return new Promise<void>((resolve) => {
    const body = reply.body;
    res.on('drain', () => body.resume());
    body.consume({
      data: (chunk) => {
        if (!res.write(chunk)) body.pause();
      },
      end: () => {
        res.end();
        resolve();
      },
      error: () => {
        // the upstream broke or hit its deadline after the headers: say so, not "client left"
        const error = failure() ?? new GatewayError('upstream_status', 'the upstream broke off the passthrough answer', { errorCode: 'upstream_stream_interrupted' });
        record.fail(error.outcome, record.status, { type: error.type, code: error.errorCode, message: error.message });
        record.endedByProxy = true;
        abortUpstream();
        res.destroy();
        resolve();
      },
    });
  });
}
