// createGateway(): the HTTP server, its router and the request lifecycle. Every request gets an
// id, a RequestRecord and exactly one `request.finished` (bound to the response's 'close');
// errors from any stage are rendered by send-error.ts. The config snapshot is swappable (reload):
// a request keeps the snapshot it started with.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/types.js';
import type { EventBus } from '../events/bus.js';
import { handleClientErrors } from './client-errors.js';
import { chatEndpoint, responsesEndpoint, type ModelEndpoint } from './endpoints.js';
import { GatewayError } from './errors.js';
import { handleModelRequest } from './handle-model-request.js';
import { listModels } from './list-models.js';
import { RequestRecord } from './record.js';
import { requestIdFor } from './request-id.js';
import { ResponseAffinity } from './response-affinity.js';
import { matchResponsesSubroute, handleResponsesSubroute } from './responses-subroutes.js';
import { sendError } from './send-error.js';
import { buildSnapshot, type Snapshot } from './snapshot.js';
import { closeUnused } from './upstream.js';

export interface GatewayOptions {
  config: Config;
  bus: EventBus;
  /** keep 2 KB input/output previews on request.finished (log_bodies, TUI) */
  previews?: boolean;
}

export interface Gateway {
  readonly server: Server;
  /** resolves to the URL actually listened on (port 0 → the real port) */
  listen(host: string, port: number): Promise<string>;
  /** swaps in a new config for new requests; in-flight requests finish on their snapshot */
  update(config: Config): void;
  current(): Snapshot;
  inFlight(): number;
  /** stops accepting, waits up to `graceMs` for in-flight requests, then closes everything */
  close(graceMs: number): Promise<void>;
}

const MODEL_ROUTES: Record<string, ModelEndpoint> = {
  '/v1/responses': responsesEndpoint,
  '/v1/chat/completions': chatEndpoint,
};

export function createGateway(options: GatewayOptions): Gateway {
  const { bus } = options;
  const previews = options.previews ?? options.config.proxy.logBodies;
  let snapshot = buildSnapshot(options.config, null);
  let inFlight = 0;
  const affinity = new ResponseAffinity();
  const server = createServer({ requestTimeout: options.config.proxy.requestTimeoutMs, connectionsCheckingInterval: checkingInterval(options.config.proxy.requestTimeoutMs), noDelay: true }, (req, res) => {
    inFlight++;
    const record = startRecord(req, res);
    res.once('close', () => {
      inFlight--;
      record.finish(bus, !res.writableFinished);
    });
    route(req, res, record, snapshot).catch((err: unknown) => sendError(res, record, err, bus));
  });

  // slow-loris and malformed requests: the envelope instead of node's bare status line
  const clientErrors = handleClientErrors(server, bus, options.config.proxy.requestTimeoutMs);

  function startRecord(req: IncomingMessage, res: ServerResponse): RequestRecord {
    const id = requestIdFor(req.headers['x-aisix-request-id']);
    const path = pathOf(req);
    const record = new RequestRecord(id, req.method ?? 'GET', MODEL_ROUTES[path]?.route ?? routeName(path));
    if (bus.has('request.started')) bus.emit('request.started', { id, time: record.time, method: record.method, path });
    res.setHeader('x-aisix-request-id', id);
    clientErrors.track(req.socket, res, record);
    return record;
  }

  async function route(req: IncomingMessage, res: ServerResponse, record: RequestRecord, snap: Snapshot): Promise<void> {
    const path = pathOf(req);
    const endpoint = MODEL_ROUTES[path];
    if (endpoint !== undefined && req.method === 'POST') {
      return handleModelRequest({ req, res, record, snapshot: snap, endpoint, previews, remember: (id, key, alias) => affinity.remember(id, key, alias) });
    }
    if (path === '/v1/models' && req.method === 'GET') return listModels({ req, res, record, snapshot: snap });
    if (path === '/healthz' && req.method === 'GET') {
      record.status = 200;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    const sub = matchResponsesSubroute(req.method ?? '', path);
    if (sub !== null) return handleResponsesSubroute({ req, res, record, snapshot: snap, route: sub, affinity, endpoint: responsesEndpoint });
    throw new GatewayError('unknown_route', `unknown route: ${req.method ?? ''} ${path}`);
  }

  return {
    server,
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}`);
        });
      }),
    update(config) {
      const previous = snapshot;
      snapshot = buildSnapshot(config, previous);
      void closeUnused(previous.upstreams, snapshot.upstreams);
    },
    current: () => snapshot,
    inFlight: () => inFlight,
    async close(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      server.closeAllConnections();
      await closed;
      await Promise.all([...snapshot.upstreams.values()].map((u) => u.dispatcher.close().catch(() => undefined)));
    },
  };
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** The route name in events: sub-routes by pattern, so ids don't fragment the stats. */
function routeName(path: string): string {
  if (path.startsWith('/v1/responses/')) {
    const rest = path.slice('/v1/responses/'.length);
    if (rest === 'input_tokens') return '/v1/responses/input_tokens';
    const tail = rest.includes('/') ? rest.slice(rest.indexOf('/')) : '';
    return `/v1/responses/{id}${tail}`;
  }
  return path;
}

/** How often node checks request_timeout_ms (its default, 30 s, made short limits fire up to 30 s late). */
function checkingInterval(requestTimeoutMs: number): number {
  return requestTimeoutMs > 0 ? Math.min(30_000, Math.max(50, Math.floor(requestTimeoutMs / 4))) : 30_000;
}
