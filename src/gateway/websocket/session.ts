// One client WebSocket on `GET /v1/responses` (DESIGN.md §11): its frames run one at a time, each
// `response.create` as its own request — a RequestRecord (`transport: websocket`), the runtime
// current when the frame arrived, the WebSocket row's stages (auth re-checked against that
// runtime, so a key disabled by a reload stops at its next frame), exactly one `request.finished`.
// Frames that are not a JSON `response.create` get an error event; the socket stays open. The
// client closing mid-turn abandons the turn (499) and drops the upstream link.
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import type { EventBus } from '../../events/bus.js';
import { GatewayError } from '../errors.js';
import { requestIdFor } from '../record/request-id.js';
import { RequestRecord } from '../record/request-record.js';
import { internalError } from '../relay/error.js';
import { sendErrorEvent } from '../relay/websocket.js';
import type { GatewayServices, RequestContext } from '../routes/context.js';
import { WEBSOCKET_ROUTE } from '../routes/table.js';
import { captureTurn } from '../capture/request.js';
import type { Runtime } from '../runtime/runtime.js';
import { RequestBody } from '../body/request-body.js';
import { tooLarge } from '../stages/body.js';
import { rawBytes, rawLength } from './raw-data.js';
import { TurnClient } from './turn.js';
import { UpstreamLink } from './upstream-link.js';

/** Frames waiting behind the turn under way, and their bytes; more is refused with an error event. */
const MAX_QUEUED = 32;
const MAX_QUEUED_BYTES = 64 * 1024 * 1024;
/** a ping this often; a socket that answered none of the last two is closed */
const PING_MS = 30_000;

export interface SessionDeps {
  readonly bus: EventBus;
  readonly services: GatewayServices;
  /** the gateway's runtime now */
  current(): Runtime;
}

export class ClientSession {
  private readonly upstream: UpstreamLink;
  private readonly queue: (RawData | null)[] = [];
  private queuedBytes = 0;
  private running: TurnClient | null = null;
  private closed = false;
  private alive = true;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    private readonly req: IncomingMessage,
    private readonly deps: SessionDeps,
  ) {
    this.upstream = new UpstreamLink(req.headers, deps.services.tapes !== null);
    socket.on('message', (data, isBinary) => this.receive(isBinary ? null : data));
    socket.on('pong', () => {
      this.alive = true;
    });
    this.heartbeat = setInterval(() => {
      if (!this.alive) return socket.terminate(); // a dead peer frees its slot and its upstream socket
      this.alive = false;
      socket.ping();
    }, PING_MS);
    this.heartbeat.unref();
    socket.once('close', () => {
      clearInterval(this.heartbeat);
      this.closed = true;
      this.queue.length = 0;
      this.running?.leave();
      this.upstream.drop();
    });
    socket.on('error', () => undefined); // a broken client socket closes; 'close' cleans up
  }

  private receive(data: RawData | null): void {
    this.alive = true;
    if (this.running !== null) {
      const bytes = data === null ? 0 : rawLength(data);
      if (this.queue.length >= MAX_QUEUED || this.queuedBytes + bytes > MAX_QUEUED_BYTES) {
        return this.refuse(new GatewayError('rate_limited', `more than ${MAX_QUEUED} frames (or ${MAX_QUEUED_BYTES} bytes) are waiting on this socket`));
      }
      this.queuedBytes += bytes;
      this.queue.push(data);
      return;
    }
    void this.turn(data);
  }

  /** A frame refused before it became a turn: still one request, with its event. */
  private refuse(error: GatewayError): void {
    const record = this.newRecord();
    record.fail(error.outcome, error.status, { type: error.type, code: error.errorCode, message: error.message });
    sendErrorEvent(this.socket, error, WEBSOCKET_ROUTE.protocol);
    record.finish(this.deps.bus, false);
  }

  private newRecord(): RequestRecord {
    const record = new RequestRecord(requestIdFor(undefined), 'GET', WEBSOCKET_ROUTE.name);
    record.transport = 'websocket';
    const { bus } = this.deps;
    if (bus.has('request.started')) bus.emit('request.started', { id: record.id, time: record.time, method: record.method, path: WEBSOCKET_ROUTE.path });
    return record;
  }

  private async turn(data: RawData | null): Promise<void> {
    const client = new TurnClient();
    this.running = client;
    const { bus, services } = this.deps;
    const runtime = this.deps.current();
    runtime.retain();
    const record = this.newRecord();
    const ctx: RequestContext = {
      req: this.req, res: null, client, record, runtime, row: WEBSOCKET_ROUTE, id: null, item: null, query: '', services,
      caller: null, body: null, plan: null, outgoing: null, injectedUsage: false, guardrails: null, cached: null, cacheStore: null,
      turn: { socket: this.socket, upstream: this.upstream },
    };
    if (services.captures !== null) captureTurn(ctx, services.captures, data === null ? null : rawBytes(data));
    try {
      ctx.body = frameBody(data, runtime.config.proxy.requestBodyLimitBytes);
      ctx.rawBody = ctx.body.raw;
      for (const stage of WEBSOCKET_ROUTE.stages) await stage(ctx);
    } catch (err) {
      const error = err instanceof GatewayError ? err : internalError(err, bus);
      record.fail(error.outcome, error.status, { type: error.type, code: error.errorCode, message: error.message });
      if (!client.gone) sendErrorEvent(this.socket, error, WEBSOCKET_ROUTE.protocol);
    } finally {
      record.finish(bus, client.gone);
      client.end();
      runtime.release();
      this.running = null;
      const next = this.queue.shift();
      if (next !== undefined) this.queuedBytes -= next === null ? 0 : rawLength(next);
      if (next !== undefined && !this.closed) void this.turn(next);
    }
  }

  /** Closes the socket (the gateway is shutting down). */
  close(code: number, reason: string): void {
    if (this.socket.readyState <= 1) this.socket.close(code, reason);
  }

  /** Drops the socket at once (the shutdown grace is over). */
  terminate(): void {
    this.upstream.drop();
    this.socket.terminate();
  }

  /** a turn is under way */
  get busy(): boolean {
    return this.running !== null;
  }
}


/** A frame's body: a JSON object of type `response.create` within the body limit, else a 400 (413). */
function frameBody(data: RawData | null, limit: number): RequestBody {
  if (data === null) throw new GatewayError('bad_request', 'frames must be text: a JSON `response.create` event');
  const raw = rawBytes(data);
  if (limit > 0 && raw.length > limit) throw tooLarge(limit);
  const body = RequestBody.read(raw);
  const type = body.get('type');
  if (type !== 'response.create') {
    throw new GatewayError('bad_request', `unsupported event type ${JSON.stringify(type ?? null)}: send {"type":"response.create", …}`, { param: 'type' });
  }
  return body;
}
