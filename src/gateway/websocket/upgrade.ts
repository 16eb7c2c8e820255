// WebSocket upgrades (DESIGN.md §9, §11): every upgrade passes the exposure checks first (a
// foreign `Origin` 403, a non-loopback `Host` while auth is off 403), then only `GET
// /v1/responses` upgrades (else 404), `proxy.websocket: false` answers 426, and the caller
// authenticates at the handshake (401). A refused handshake is one request with its
// `request.finished`; an accepted one becomes a ClientSession, whose turns are the requests. An
// upgrade to anything but a WebSocket (`Upgrade: h2c`) is served as the plain request it is.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { GatewayError } from '../errors.js';
import { pathOf } from '../http/message.js';
import { REQUEST_ID_HEADER, requestIdFor } from '../record/request-id.js';
import { RequestRecord } from '../record/request-record.js';
import { serveWithoutUpgrade } from '../relay/plain-upgrade.js';
import { answerOnSocket } from '../relay/raw-answer.js';
import { WEBSOCKET_ROUTE } from '../routes/table.js';
import { authenticate } from '../stages/admit.js';
import { checkExposure } from '../stages/exposure.js';
import { ClientSession, type SessionDeps } from './session.js';

/** Client sockets open at once; more are refused 503 at the handshake. */
const MAX_SESSIONS = 256;
/** the largest frame read at all; each turn then holds its frame to proxy.request_body_limit_bytes */
const MAX_FRAME_BYTES = 256 * 1024 * 1024;

export interface WebSockets {
  readonly open: number;
  /** turns under way */
  readonly busy: number;
  /** closes every client socket (1001 going away) */
  closeAll(): void;
  /** drops every client socket at once (the shutdown grace is over) */
  terminateAll(): void;
}


export function acceptWebSockets(server: Server, deps: SessionDeps): WebSockets {
  const sessions = new Set<ClientSession>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_FRAME_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const websocket = String(req.headers.upgrade).toLowerCase() === 'websocket';
    if (!websocket && serveWithoutUpgrade(server, req, socket)) return;
    const runtime = deps.current();
    const path = pathOf(req.url ?? '/');
    const record = new RequestRecord(requestIdFor(req.headers[REQUEST_ID_HEADER]), req.method ?? 'GET', path);
    if (deps.bus.has('request.started')) deps.bus.emit('request.started', { id: record.id, time: record.time, method: record.method, path });
    socket.on('error', () => undefined);
    try {
      checkExposure(req, null, runtime.exposure);
      if (req.method !== 'GET' || path !== WEBSOCKET_ROUTE.path || !websocket) {
        throw new GatewayError('unknown_route', `unknown route: ${req.method ?? ''} ${path} (WebSocket mode is on GET /v1/responses)`);
      }
      record.route = WEBSOCKET_ROUTE.name;
      if (req.headers['sec-websocket-version'] !== '13' || typeof req.headers['sec-websocket-key'] !== 'string') {
        throw new GatewayError('bad_request', 'a WebSocket handshake needs Sec-WebSocket-Version: 13 and a Sec-WebSocket-Key', { headers: { 'sec-websocket-version': '13' } });
      }
      if (!runtime.config.proxy.websocket) {
        throw new GatewayError('websocket_disabled', 'WebSocket mode is off (proxy.websocket: false): use POST /v1/responses with stream: true', { headers: { upgrade: 'websocket' } });
      }
      record.caller = authenticate(req.headers, runtime.keys, Date.now())?.name ?? null;
      if (sessions.size >= MAX_SESSIONS) throw new GatewayError('too_many_websockets', `${MAX_SESSIONS} WebSocket sessions are open already; close one or use POST /v1/responses`);
    } catch (err) {
      const error = err instanceof GatewayError ? err : new GatewayError('internal', 'internal error in the aisix proxy');
      record.fail(error.outcome, error.status, { type: error.type, code: error.errorCode, message: error.message });
      answerOnSocket(socket, error, { id: record.id });
      record.finish(deps.bus, false);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new ClientSession(ws, req, deps);
      sessions.add(session);
      ws.once('close', () => sessions.delete(session));
    });
  });
  return {
    get open() {
      return sessions.size;
    },
    get busy() {
      let n = 0;
      for (const session of sessions) if (session.busy) n++;
      return n;
    },
    closeAll() {
      for (const session of sessions) session.close(1001, 'the proxy is shutting down');
    },
    terminateAll() {
      for (const session of sessions) session.terminate();
    },
  };
}
