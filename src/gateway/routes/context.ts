// What one request carries through its route's stages: the HTTP pair, its record, the runtime it
// took on arrival, the matched row, and the facts each stage adds (caller, body, plan, outgoing
// bytes). Stages read what earlier stages wrote; nothing else is shared between them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiKey } from '../../config/types.js';
import type { EventBus } from '../../events/bus.js';
import type { Protocol } from '../../protocols/index.js';
import type { RequestRecord } from '../record/request-record.js';
import type { ResponseIds } from '../runtime/response-ids.js';
import type { ResolvedModel } from '../runtime/model-index.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Upstream } from '../runtime/upstream.js';

export type Stage = (ctx: RequestContext) => void | Promise<void>;

export interface RouteRow {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** `/v1/responses`, or a pattern with `{id}` */
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
  /** who may serve it: `openai` providers only (Responses), or any OpenAI-compatible one (chat) */
  readonly providers: 'openai' | 'openai_compatible';
  /** the stages, in order; the first is always `admit` */
  readonly stages: readonly Stage[];
}

/** Everything a route's stages act on and record while a request is under way. */
export interface Plan {
  /** null for calls keyed by a stored response's id */
  readonly resolved: ResolvedModel | null;
  readonly upstream: Upstream;
  /** path and query below the upstream origin */
  readonly path: string;
  readonly timeoutMs: number;
  readonly idleTimeoutMs: number;
}

export interface GatewayServices {
  readonly bus: EventBus;
  readonly responseIds: ResponseIds;
  /** keep 2 KB input/output previews (TUI, log_bodies) */
  previews(runtime: Runtime): boolean;
}

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly record: RequestRecord;
  readonly runtime: Runtime;
  readonly row: RouteRow;
  /** `{id}` of the path, when the row has one */
  readonly id: string | null;
  /** the query string with its `?`, or '' */
  readonly query: string;
  readonly services: GatewayServices;
  caller: ApiKey | null;
  body: Record<string, unknown> | null;
  plan: Plan | null;
  /** the JSON body sent upstream (model rewritten, masks applied), or null for body-less calls */
  outgoing: string | null;
  /** the proxy asked for stream usage the client did not request: drop that chunk */
  injectedUsage: boolean;
}
