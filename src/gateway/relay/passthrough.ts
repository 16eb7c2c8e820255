// The passthrough relay: the target's status, headers (less hop-by-hop ones) and body bytes go to
// the client as they arrive, with backpressure both ways and TCP no-delay (SSE frames leave at
// once). The outcome is `ok` below 400 and `upstream_error` from it (the answer is relayed as is,
// not wrapped). A body that breaks after the headers were sent ends the client connection.
import type { ServerResponse } from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';
import type { RequestRecord } from '../record/request-record.js';
import type { UpstreamReply } from '../stages/upstream-reply.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

export interface PassthroughRelay {
  res: ServerResponse;
  record: RequestRecord;
  reply: UpstreamReply;
  abortUpstream: () => void;
}

export function relayPassthrough({ res, record, reply, abortUpstream }: PassthroughRelay): Promise<void> {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  headers['x-aisix-request-id'] = record.id;
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
        abortUpstream();
        res.destroy();
        resolve();
      },
    });
  });
}
