// The node:http server of the mock: keep-alive, no-delay, every client socket tracked (for the
// open-connection counts and for `close()`), request bodies read whole before dispatch, except on
// the streamed `/mock-passthrough/*` routes, which get the request as it arrives, and WebSocket
// upgrades, which go to the hub (ws-upgrade.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { IncomingExchange, MockState } from './context.js';
import { dispatch } from './dispatch.js';
import { parseJson } from './json.js';
import { servePassthrough } from './passthrough.js';
import { isStreamedRoute, matchRoute } from './router.js';
import type { WebSocketHub } from './ws-upgrade.js';

/** Long enough that benchmark clients keep their pooled sockets between runs. */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

export interface ConnectionTracker {
  readonly open: Set<Socket>;
  /** sockets with a request whose answer is not finished (a stalled reply keeps its socket here) */
  readonly busy: Set<Socket>;
  seen: number;
}

function readBody(req: IncomingMessage, done: (body: string) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const first = chunks[0];
    done(first === undefined ? '' : chunks.length === 1 ? first.toString() : Buffer.concat(chunks).toString());
  });
  req.on('error', () => undefined); // the client went away mid-body; the socket closes itself
}

function onRequest(state: MockState, req: IncomingMessage, res: ServerResponse): void {
  const arrival = Date.now();
  const target = req.url ?? '/';
  const mark = target.indexOf('?');
  const method = req.method ?? 'GET';
  const pathname = mark < 0 ? target : target.slice(0, mark);
  const query = mark < 0 ? '' : target.slice(mark + 1);
  const route = matchRoute(method, pathname);
  if (isStreamedRoute(route)) {
    void servePassthrough(state, req, { res, method, pathname, query, body: '', json: undefined, arrival }, route);
    return;
  }
  readBody(req, (body) => {
    const ex: IncomingExchange = { res, method, pathname, query, body, json: parseJson(body), arrival };
    void dispatch(state, ex, route, req);
  });
}

export function createMockServer(state: MockState, tracker: ConnectionTracker, hub: WebSocketHub): Server {
  const server = createServer({ noDelay: true, keepAlive: true }, (req, res) => {
    const socket = req.socket;
    tracker.busy.add(socket);
    res.once('close', () => tracker.busy.delete(socket));
    onRequest(state, req, res);
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => hub.handleUpgrade(state, req, socket, head));
  server.on('connection', (socket: Socket) => {
    tracker.seen += 1;
    tracker.open.add(socket);
    socket.once('close', () => tracker.open.delete(socket));
  });
  return server;
}

export function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Stops listening and destroys every socket, idle or mid-reply; resolves once all are closed. */
export async function closeServer(server: Server, tracker: ConnectionTracker): Promise<void> {
  const closed = server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
  const sockets = [...tracker.open].map((socket) => {
    const gone = socket.closed ? Promise.resolve() : new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.destroy();
    return gone;
  });
  await Promise.all([closed, ...sockets]);
}
