// The answer on a socket with no response object of ours: node's parser failed before a request
// existed, or a WebSocket upgrade is refused before the handshake. Status line, the envelope (the
// route's protocol, OpenAI's by default), the error's own headers, the request id under both of
// its names, and the connection closed.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Protocol } from '../../protocols/index.js';
import type { GatewayError } from '../errors.js';
import { CALL_ID_HEADER, REQUEST_ID_HEADER } from '../record/request-id.js';

export function answerOnSocket(socket: Duplex, error: GatewayError, options: { id?: string; protocol?: Protocol | null } = {}): void {
  const body = error.body(options.protocol ?? null);
  const id = options.id ?? randomUUID();
  const extra = Object.entries(error.headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  const head = `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `${REQUEST_ID_HEADER}: ${id}\r\n${CALL_ID_HEADER}: ${id}\r\n${extra}connection: close\r\n\r\n`;
  socket.end(head + body, () => socket.destroy());
}
