// The WebSocket side of the mock server: `GET /v1/responses` with `Upgrade: websocket` (Responses
// WebSocket mode). The handshake is logged like any request and passes the same checks (key, JSON
// style); a refused or misrouted one gets its HTTP error before any upgrade. Accepted sockets are
// counted (`open_websockets`) and served by ws-session.ts.
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { checkAccess } from './access.js';
import type { MockState } from './context.js';
import { invalidUrl, type ErrorEnvelope } from './errors.js';
import { newId } from './ids.js';
import { toJson, type JsonStyle } from './json-style.js';
import { JSON_TYPE, replyHeaders } from './reply.js';
import { entryFor, flatHeaders, headerPairs } from './request-log.js';
import { isControlRoute, isWebSocketRoute, matchRoute } from './router.js';
import { WsSession } from './ws-session.js';

/** Writes an HTTP error on a socket that asked to upgrade, then closes it. */
function refuse(socket: Duplex, arrival: number, status: number, error: ErrorEnvelope, style: JsonStyle): void {
  const body = toJson(error, style);
  const headers = replyHeaders(JSON_TYPE, arrival);
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
  for (const name in headers) head += `${name}: ${String(headers[name])}\r\n`;
  head += `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(head + body);
}

export class WebSocketHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly open = new Set<WebSocket>();

  constructor() {
    this.wss.on('headers', (headers) => headers.push(`x-request-id: ${newId('req_')}`));
  }

  /** WebSocket connections open right now. */
  get size(): number {
    return this.open.size;
  }

  /** The http server's `upgrade` event. */
  handleUpgrade(state: MockState, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const arrival = Date.now();
    const target = req.url ?? '/';
    const mark = target.indexOf('?');
    const pathname = mark < 0 ? target : target.slice(0, mark);
    const method = req.method ?? 'GET';
    socket.on('error', () => undefined); // the client went away mid-handshake
    if (!isControlRoute(matchRoute(method, pathname))) state.log.add(entryFor(req, arrival, '', undefined));
    const access = checkAccess(state, req.headers, undefined, 'openai');
    if (!isWebSocketRoute(method, pathname)) return refuse(socket, arrival, 404, invalidUrl(method, pathname), access.style);
    if (access.refusal !== undefined) return refuse(socket, arrival, access.refusal.status, access.refusal.envelope, access.style);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.open.add(ws);
      ws.once('close', () => this.open.delete(ws));
      const handshake = { target, headers: req.headers, flatHeaders: flatHeaders(req.headers), rawHeaders: headerPairs(req.rawHeaders), outputOverride: access.outputOverride };
      new WsSession(state, ws, socket, handshake).listen();
    });
  }

  /** Stops taking upgrades; the server's close() destroys the sockets themselves. */
  close(): void {
    this.wss.close();
  }
}
