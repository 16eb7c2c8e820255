// The answer on a socket with no request of ours (node's parser failed before a request existed):
// status line, the OpenAI envelope, a fresh request id, and the connection closed.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GatewayError } from '../errors.js';
import { CALL_ID_HEADER, REQUEST_ID_HEADER } from '../record/request-id.js';

export function answerOnSocket(socket: Duplex, error: GatewayError): void {
  const body = error.body();
  const id = randomUUID();
  const head = `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `${REQUEST_ID_HEADER}: ${id}\r\n${CALL_ID_HEADER}: ${id}\r\nconnection: close\r\n\r\n`;
  socket.end(head + body, () => socket.destroy());
}
