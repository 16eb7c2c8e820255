// createGateway(): the HTTP server and the request lifecycle. Every request gets an id, a
// RequestRecord and exactly one `request.finished` (bound to the response's 'close'); it takes the
// current runtime and holds it until then. Exposure (§9) runs before routing; then the matched
// route's stages run in order (routes/table.ts; the file's passthrough routes are rows too); any
// error is rendered by relay/error.ts. Reload builds the next runtime against the address actually
// bound and swaps it in, or rejects it whole. The tape deck (`--record`/`--replay`) and the fault
// dice live as long as the gateway; closing waits for the tapes still being written. So does the
// body capture store (`proxy.capture_bodies`, capture/): null while off, following reloads.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Config } from '../config/types.js';
import type { EventBus } from '../events/bus.js';
import { GatewayError } from './errors.js';
import { handleClientErrors } from './http/client-errors.js';
import { pathOf } from './http/message.js';
import { CALL_ID_HEADER, REQUEST_ID_HEADER, requestIdFor } from './record/request-id.js';
import { RequestRecord } from './record/request-record.js';
import { sendError } from './relay/error.js';
import { answerPreflight } from './relay/local.js';
import { HttpClient, type GatewayServices, type RequestContext } from './routes/context.js';
import { matchRoute, unmatchedProtocol, unmatchedRouteName, type RouteMatch } from './routes/match.js';
import { passthroughRow } from './routes/table.js';
import { ResponseIds } from './runtime/response-ids.js';
import { RateLimits } from './runtime/rate-limits.js';
import { ResponseCache } from './runtime/response-cache.js';
import { RoutingState } from './runtime/routing-state.js';
import { buildRuntime, type Runtime } from './runtime/runtime.js';
import { checkExposure } from './stages/exposure.js';
import { FaultDice } from './faults/dice.js';
import { prepareCatalog } from './pricing/catalog.js';
import { Spend } from './pricing/spend.js';
import { TapeDeck, type TapeOptions } from './tapes/deck.js';
import { HttpCapture } from './capture/request.js';
import { captureStoreFor } from './capture/store.js';
import type { CaptureSource } from '../events/capture.js';
import { acceptWebSockets } from './websocket/upgrade.js';

export interface GatewayOptions {
  config: Config;
  bus: EventBus;
  /** always keep 2 KB input/output previews (the TUI); otherwise only when `proxy.log_bodies` */
  previews?: boolean;
  /** the rate-limit counters (tests inject one with a clock); default: a new one */
  rateLimits?: RateLimits;
  /** the response cache (tests inject one with a clock); default: a new one */
  cache?: ResponseCache;
  /** `--record` / `--replay` (DESIGN.md §12); default: none, every attempt goes upstream */
  tapes?: TapeOptions;
  /** the seed used when `proxy.faults_seed` is unset (tests); default: random */
  faultsSeed?: number;
}

export type UpdateResult = { ok: true } | { ok: false; errors: string[] };

export interface Gateway {
  readonly server: Server;
  /**
   * `proxy.capture_bodies`: the latest requests' exchanges by id, or null while capture is off. A
   * reload can switch it (off drops what was kept), so read it when needed, not once.
   */
  readonly captures: CaptureSource | null;
  /** resolves to the URL actually listened on (port 0 → the real port); rejects when the config may not serve there */
  listen(host: string, port: number): Promise<string>;
  /** swaps in a new config for new requests, or rejects it whole; in-flight requests finish on theirs */
  update(config: Config): UpdateResult;
  current(): Runtime;
  inFlight(): number;
  /** stops accepting, waits up to `graceMs` for in-flight requests, then closes everything */
  close(graceMs: number): Promise<void>;
}

/** A config the gateway refuses to serve with on the address it is (or would be) bound to. */
export class ExposureError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join('; '));
    this.name = 'ExposureError';
  }
}

function build(config: Config, host: string | null, previous: Runtime | null): Runtime {
  const result = buildRuntime(config, host, previous);
  if (!result.ok) throw new ExposureError(result.errors);
  return result.runtime;
}

export function createGateway(options: GatewayOptions): Gateway {
  const { bus } = options;
  let runtime = build(options.config, null, null);
  prepareCatalog(options.config); // the price catalog loads only for a model without `cost`
  let inFlight = 0;
  const services: GatewayServices = {
    bus,
    responseIds: new ResponseIds(),
    conversationIds: new ResponseIds(),
    routing: new RoutingState(),
    rateLimits: options.rateLimits ?? new RateLimits(),
    cache: options.cache ?? new ResponseCache(),
    tapes: options.tapes === undefined ? null : new TapeDeck(options.tapes, bus),
    dice: new FaultDice(options.faultsSeed),
    spend: new Spend(bus),
    previews: (r) => options.previews === true || r.config.proxy.logBodies,
    captures: captureStoreFor(options.config, null),
  };
  const requestTimeoutMs = (): number => runtime.config.proxy.requestTimeoutMs;
  const server = createServer({ requestTimeout: requestTimeoutMs(), connectionsCheckingInterval: checkingInterval(requestTimeoutMs()), noDelay: true }, (req, res) => {
    inFlight++;
    const taken = runtime;
    taken.retain();
    const record = startRecord(req, res);
    const capture = services.captures === null ? null : new HttpCapture(services.captures, taken.config, bus, req, res, record);
    const client = new HttpClient(res); // its one 'close' listener runs this first, then the stages'
    client.onEnd(() => {
      inFlight--;
      record.finish(bus, !res.writableFinished);
      taken.release();
    });
    handle(req, res, record, taken, capture, client);
  });

  // slow-loris and malformed requests: the envelope instead of node's bare status line
  const clientErrors = handleClientErrors(server, bus, requestTimeoutMs);
  // WebSocket mode on GET /v1/responses: each response.create frame is a request of its own
  const sockets = acceptWebSockets(server, { bus, services, current: () => runtime });

  function startRecord(req: IncomingMessage, res: ServerResponse): RequestRecord {
    const id = requestIdFor(req.headers[REQUEST_ID_HEADER]);
    const path = pathOf(req.url ?? '/');
    const record = new RequestRecord(id, req.method ?? 'GET', path);
    if (bus.has('request.started')) bus.emit('request.started', { id, time: record.time, method: record.method, path });
    res.setHeader(REQUEST_ID_HEADER, id);
    res.setHeader(CALL_ID_HEADER, id);
    clientErrors.track(req.socket, res, record);
    return record;
  }

  function handle(req: IncomingMessage, res: ServerResponse, record: RequestRecord, taken: Runtime, capture: HttpCapture | null, client: HttpClient): void {
    let ctx: RequestContext | null = null;
    try {
      if (checkExposure(req, res, taken.exposure) === 'preflight') return answerPreflight(req, res, record);
      const url = req.url ?? '/';
      const path = pathOf(url);
      const match = matchRoute(req.method ?? '', path) ?? passthroughMatch(taken, path);
      if (match === null) {
        record.route = unmatchedRouteName(path);
        throw new GatewayError('unknown_route', `unknown route: ${req.method ?? ''} ${path}`);
      }
      record.route = match.row.name;
      ctx = {
        req, res, client, record, runtime: taken, row: match.row, id: match.id, item: match.item ?? null, query: url.length > path.length ? url.slice(path.length) : '', services,
        caller: null, body: null, plan: null, outgoing: null, injectedUsage: false, guardrails: null, cached: null, cacheStore: null, turn: null, rawBody: null,
      };
      capture?.attach(ctx);
      void runStages(ctx).catch((err: unknown) => sendError({ res, record, bus, req, requestTimeoutMs: taken.config.proxy.requestTimeoutMs, protocol: ctx?.row.protocol }, err));
    } catch (err) {
      const protocol = ctx === null ? unmatchedProtocol(pathOf(req.url ?? '/')) : null;
      sendError({ res, record, bus, req, requestTimeoutMs: taken.config.proxy.requestTimeoutMs, protocol }, err);
    }
  }

  return {
    server,
    get captures() {
      return services.captures;
    },
    listen: async (host, port) => {
      runtime = swapTo(build(runtime.config, host, runtime)); // refuse before binding
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      try {
        runtime = swapTo(build(runtime.config, address.address, runtime)); // and against what was bound
      } catch (err) {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        throw err;
      }
      return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    },
    update(config) {
      const address = server.address();
      const bound = address !== null && typeof address === 'object' ? address.address : runtime.boundHost;
      const result = buildRuntime(config, bound, runtime);
      if (!result.ok) return result;
      runtime = swapTo(result.runtime);
      services.captures = captureStoreFor(config, services.captures);
      prepareCatalog(config);
      server.requestTimeout = config.proxy.requestTimeoutMs;
      return { ok: true };
    },
    current: () => runtime,
    inFlight: () => inFlight,
    async close(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      sockets.closeAll();
      server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while ((inFlight > 0 || sockets.busy > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      sockets.terminateAll(); // upgraded sockets are not node's connections any more
      server.closeAllConnections();
      await closed;
      await services.tapes?.flush();
      // the grace is over: what is still connecting upstream is dropped, not waited for
      await Promise.all([...runtime.upstreams.values()].map((u) => u.dispatcher.destroy().catch(() => undefined)));
    },
  };

  /** Retires the runtime being replaced (its agents close after its last request). */
  function swapTo(next: Runtime): Runtime {
    if (next !== runtime) runtime.retire();
    return next;
  }
}

/** A file's passthrough route under the path, when no row of the table matched it. */
function passthroughMatch(runtime: Runtime, path: string): RouteMatch | null {
  const found = runtime.passthrough.match(path);
  return found === null ? null : { row: passthroughRow(found.route), id: null };
}

/** Runs the row's stages in order; only a stage that returns a promise is awaited (most are synchronous). */
async function runStages(ctx: RequestContext): Promise<void> {
  for (const stage of ctx.row.stages) {
    const pending = stage(ctx);
    if (pending !== undefined) await pending;
  }
}

/**
 * How often node checks request_timeout_ms (its default, 30 s, made short limits fire up to 30 s
 * late). Fixed when the server is created, so at most 1 s: a reload to a shorter limit stays exact.
 */
function checkingInterval(requestTimeoutMs: number): number {
  return requestTimeoutMs > 0 ? Math.min(1_000, Math.max(50, Math.floor(requestTimeoutMs / 4))) : 1_000;
}
