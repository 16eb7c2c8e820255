// What one request carries through its route's stages: the HTTP pair, its record, the runtime it
// took on arrival, the matched row, and the facts each stage adds (caller, body, plan, outgoing
// bytes). Stages read what earlier stages wrote; nothing else is shared between them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiKey, Cooldown, FaultRule, PassthroughRoute, Routing } from '../../config/types.js';
import type { RequestBody } from '../body/request-body.js';
import type { OutgoingBytes } from '../body/spliced.js';
import type { EventBus } from '../../events/bus.js';
import type { GuardrailChain } from '../../guardrails/index.js';
import type { FaultDice } from '../faults/dice.js';
import type { Protocol } from '../../protocols/index.js';
import type { RequestRecord } from '../record/request-record.js';
import type { ResponseIds } from '../runtime/response-ids.js';
import type { RateLimits } from '../runtime/rate-limits.js';
import type { CachedAnswer, ResponseCache } from '../runtime/response-cache.js';
import type { RoutingState } from '../runtime/routing-state.js';
import type { ResolvedModel } from '../runtime/model-index.js';
import type { Spend } from '../pricing/spend.js';
import type { Runtime } from '../runtime/runtime.js';
import type { TapeDeck } from '../tapes/deck.js';
import type { CaptureStore } from '../capture/store.js';
import type { Upstream } from '../runtime/upstream.js';
import type { WebSocketTurn } from '../websocket/turn.js';

export type Stage = (ctx: RequestContext) => void | Promise<void>;

export interface RouteRow {
  /** `*`: any method (passthrough routes) */
  readonly method: 'GET' | 'HEAD' | 'POST' | 'DELETE' | '*';
  /** `/v1/responses`, a pattern with `{id}`, or a passthrough route's prefix */
  readonly path: string;
  /** the route in events (patterns, so ids don't fragment the stats) */
  readonly name: string;
  /** the wire format of the body and the answer; null for the gateway's own answers */
  readonly protocol: Protocol | null;
  /** `json`: the request carries a JSON body (content-type and size rules apply) */
  readonly body: 'json' | 'none';
  readonly auth: boolean;
  /** the upstream path below `api_base` (`responses`, `responses/{id}/cancel`, …) */
  readonly upstream: string | null;
  /** false for reads of stored responses: their usage was counted when they were created */
  readonly countsUsage: boolean;
  /** the body's `stream` flag is honoured (not on input_tokens) */
  readonly streams: boolean;
  /** a cache policy may serve and store its non-streaming answers (chat completions, as AISIX) */
  readonly caches: boolean;
  /**
   * who may serve it: `openai` providers only (Responses), any OpenAI-compatible one (chat), or
   * `anthropic` providers (Messages: Anthropic's URL, credential header and query string kept)
   */
  readonly providers: 'openai' | 'openai_compatible' | 'anthropic';
  /** the stages, in order; the first is always `admit` */
  readonly stages: readonly Stage[];
  /** the id of what the answer creates is bound to the caller: a response, a conversation, or nothing */
  readonly binds: 'responses' | 'conversations' | null;
  /** the file's route when this row is a passthrough route, else null */
  readonly passthrough: PassthroughRoute | null;
}

/** One upstream a request may be sent to: a direct model (or a stored response's provider key). */
export interface Candidate {
  /** the direct model's display_name (the routing target), or the stored response's alias */
  readonly target: string;
  /** null for calls keyed by a stored response's id */
  readonly resolved: ResolvedModel | null;
  readonly upstream: Upstream;
  /** path and query below the upstream origin */
  readonly path: string;
  readonly timeoutMs: number;
  readonly idleTimeoutMs: number;
  /** same-target retries (DESIGN.md §10) */
  readonly retries: number;
  /** an explicit budget (`retries` written) also retries timeouts; the default one never does */
  readonly retryTimeouts: boolean;
  readonly cooldown: Cooldown | null;
}

/** What the resolve stage decided: the requested model and the upstreams to try, in order. */
export interface Plan {
  /** the requested model (a routing model for routed requests); null for stored-response calls */
  readonly resolved: ResolvedModel | null;
  /** at least one; the first is tried first */
  readonly candidates: readonly Candidate[];
  /** the routing policy when the requested model is a routing model */
  readonly routing: Routing | null;
}

export interface GatewayServices {
  readonly bus: EventBus;
  readonly responseIds: ResponseIds;
  /** conversations created through the proxy, bound to their caller the same way */
  readonly conversationIds: ResponseIds;
  /** cooldowns and round-robin turns, across reloads */
  readonly routing: RoutingState;
  /** rate-limit counters and concurrency holds, across reloads */
  readonly rateLimits: RateLimits;
  /** cached answers, across reloads */
  readonly cache: ResponseCache;
  /** `--record` / `--replay` (DESIGN.md §12), or null: every attempt goes to the upstream */
  readonly tapes: TapeDeck | null;
  /** the seeded draws of fault rules' `rate`, across reloads */
  readonly dice: FaultDice;
  /** this process's priced spend, across reloads (the spend cap, DESIGN.md §13) */
  readonly spend: Spend;
  /** keep 2 KB input/output previews (TUI, log_bodies) */
  previews(runtime: Runtime): boolean;
  /** `proxy.capture_bodies`: where exchanges are kept, or null while capture is off (a reload switches it) */
  captures: CaptureStore | null;
}

/**
 * The client end of one request, as the stages see it: an HTTP response, or one `response.create`
 * turn of a WebSocket (which has no headers of its own). Stages that only need to know when the
 * answer is over, whether the client left, or to add a header go through this, so they serve both.
 */
export interface ClientSide {
  readonly transport: 'http' | 'websocket';
  /** a header on the answer (HTTP); dropped on WebSocket turns */
  setHeader(name: string, value: string): void;
  /** runs `cb` once, when the answer is over (sent, failed or abandoned); at once if it already is */
  onEnd(cb: () => void): void;
  /** runs `cb` once if the client goes away before the answer is complete */
  onGone(cb: () => void): void;
  /** the client went away before the answer was complete */
  readonly gone: boolean;
}

/**
 * The HTTP response's ClientSide. It listens for the response's 'close' once and runs the
 * callbacks from there, in the order they were given (the gateway's own, which finishes the
 * record, comes first): a request needs no listener of its own per stage.
 */
export class HttpClient implements ClientSide {
  readonly transport = 'http';
  /** callbacks waiting for 'close', and for each whether it runs only when the client left */
  private readonly callbacks: (() => void)[] = [];
  private readonly onlyIfGone: boolean[] = [];

  constructor(private readonly res: ServerResponse) {
    res.once('close', () => this.closed());
  }

  setHeader(name: string, value: string): void {
    this.res.setHeader(name, value);
  }

  onEnd(cb: () => void): void {
    if (this.res.closed) cb();
    else this.add(cb, false);
  }

  onGone(cb: () => void): void {
    if (!this.res.closed) this.add(cb, true); // after 'close' the client can no longer leave early
  }

  get gone(): boolean {
    return this.res.closed && !this.res.writableFinished;
  }

  private add(cb: () => void, onlyIfGone: boolean): void {
    this.callbacks.push(cb);
    this.onlyIfGone.push(onlyIfGone);
  }

  private closed(): void {
    const gone = !this.res.writableFinished;
    const { callbacks, onlyIfGone } = this;
    for (let i = 0; i < callbacks.length; i++) if (gone || !onlyIfGone[i]) (callbacks[i] as () => void)();
  }
}

export interface RequestContext {
  /** the HTTP request (a WebSocket turn's: the upgrade request, for its headers) */
  readonly req: IncomingMessage;
  /** the HTTP response; null on a WebSocket turn (stages that write use their relay) */
  readonly res: ServerResponse | null;
  readonly client: ClientSide;
  readonly record: RequestRecord;
  readonly runtime: Runtime;
  readonly row: RouteRow;
  /** `{id}` of the path, when the row has one */
  readonly id: string | null;
  /** `{item}` of the path (a conversation item), when the row has one */
  readonly item: string | null;
  /** the query string with its `?`, or '' */
  readonly query: string;
  readonly services: GatewayServices;
  caller: ApiKey | null;
  /** the JSON body: the caller's bytes, scanned (body/request-body.ts); its fields are parsed as stages read them */
  body: RequestBody | null;
  plan: Plan | null;
  /** the JSON body sent upstream (the caller's bytes, model rewritten, masks applied; large ones as slices), or null for body-less calls */
  outgoing: OutgoingBytes | null;
  /** the proxy asked for stream usage the client did not request: drop that chunk */
  injectedUsage: boolean;
  /** the guardrails that apply to this request (by its model and caller), once chosen */
  guardrails: GuardrailChain | null;
  /** a cache hit to serve instead of calling the upstream */
  cached: CachedAnswer | null;
  /** where to store the answer once it passed (a cache miss that may be stored) */
  cacheStore: { keyFor: (answered: Candidate) => string; ttlSeconds: number } | null;
  /** the WebSocket turn this request is (one `response.create` frame), else null */
  readonly turn: WebSocketTurn | null;
  /** the request's `x-aisix-fault` header as a rule, once read (faults/choose.ts); unset before */
  faultHeader?: FaultRule | null;
  /** the request body's bytes as the client sent them (a WebSocket turn: its frame), once read; unset or null before */
  rawBody?: Buffer | null;
}

/** The HTTP response of a stage that only HTTP routes run. */
export function httpResponse(ctx: RequestContext): ServerResponse {
  if (ctx.res === null) throw new Error(`route ${ctx.row.name}: an HTTP-only stage ran on a WebSocket turn`);
  return ctx.res;
}
