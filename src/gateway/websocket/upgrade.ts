// WebSocket upgrades (DESIGN.md §9, §11): every upgrade passes the exposure checks first (a
// foreign `Origin` 403, a non-loopback `Host` while auth is off 403), then only `GET
// /v1/responses` upgrades (else 404), `proxy.websocket: false` answers 426, and the caller
// authenticates at the handshake (401). A refused handshake is one request with its
// `request.finished`; an accepted one becomes a ClientSession, whose turns are the requests.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { GatewayError } from '../errors.js';
import { REQUEST_ID_HEADER, requestIdFor } from '../record/request-id.js';
import { RequestRecord } from '../record/request-record.js';
import { answerOnSocket } from '../relay/raw-answer.js';
import { WEBSOCKET_ROUTE } from '../routes/table.js';
import { authenticate } from '../stages/admit.js';
import { checkExposure } from '../stages/exposure.js';
import { ClientSession, type SessionDeps } from './session.js';

/** Client sockets open at once; more are refused 503 at the handshake. */
const MAX_SESSIONS = 256;

export interface WebSockets {
  readonly open: number;
  /** closes every client socket (1001 going away) */
  closeAll(): void;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

export function acceptWebSockets(server: Server, deps: SessionDeps): WebSockets {
  const sessions = new Set<ClientSession>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const runtime = deps.current();
    const record = new RequestRecord(requestIdFor(req.headers[REQUEST_ID_HEADER]), req.method ?? 'GET', pathOf(req.url ?? '/'));
    socket.on('error', () => undefined);
    try {
      checkExposure(req, null, runtime.exposure);
      if (req.method !== 'GET' || record.route !== WEBSOCKET_ROUTE.path || String(req.headers.upgrade).toLowerCase() !== 'websocket') {
        throw new GatewayError('unknown_route', `unknown route: ${req.method ?? ''} ${record.route} (WebSocket mode is on GET /v1/responses)`);
      }
      if (!runtime.config.proxy.websocket) {
        throw new GatewayError('websocket_disabled', 'WebSocket mode is off (proxy.websocket: false): use POST /v1/responses with stream: true', { headers: { upgrade: 'websocket' } });
      }
      record.caller = authenticate(req.headers, runtime.keys, Date.now())?.name ?? null;
      if (sessions.size >= MAX_SESSIONS) throw new GatewayError('all_candidates_unavailable', `more than ${MAX_SESSIONS} WebSocket sessions are open`);
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
    closeAll() {
      for (const session of sessions) session.close(1001, 'the proxy is shutting down');
    },
  };
}
