// What every relay path needs: the client response, the request's record, the route's protocol,
// the guardrail chain and the upstream reply. Also the response headers the client gets on success.
// The relay is the only part of the gateway that writes to a client socket.
import type { ServerResponse } from 'node:http';
import type { GuardrailChain } from '../../guardrails/index.js';
import type { Protocol } from '../../protocols/index.js';
import type { RequestRecord } from '../record/request-record.js';
import type { UpstreamResponse } from '../stages/upstream-call.js';

export interface RelayContext {
  res: ServerResponse;
  record: RequestRecord;
  protocol: Protocol;
  guardrails: GuardrailChain;
  up: UpstreamResponse;
  /** the proxy asked for stream usage the client did not request: drop that chunk */
  injectedUsage: boolean;
  /** keep a 2 KB output preview on the record */
  previews: boolean;
  /** false for reads of stored responses: their usage was counted when they were created */
  countsUsage: boolean;
  /** longest silence between upstream stream chunks, for the interrupted-stream message */
  idleTimeoutMs: number;
  /** called once with the response id as soon as the relay reads it (so it can be retrieved or cancelled mid-stream) */
  noteResponseId: (id: string) => void;
  /** aborts the upstream request (client gone, cap exceeded) */
  abortUpstream: () => void;
  /** JSON answers: given the upstream's 200 body as received once the output guardrails passed it (the cache stores it) */
  keep: ((body: Buffer, contentType: string | null) => void) | null;
}

export const PREVIEW_BYTES = 2048;

/** Headers for a successful reply: the upstream's content type and request id, plus ours (the cache's verdict too). */
export function successHeaders(ctx: RelayContext, extra: Record<string, string | number> = {}): Record<string, string | number> {
  const headers: Record<string, string | number> = { 'x-aisix-request-id': ctx.record.id, ...extra };
  if (ctx.record.cache !== null) headers['x-aisix-cache'] = ctx.record.cache;
  const type = ctx.up.headers['content-type'];
  if (typeof type === 'string') headers['content-type'] = type;
  const idHeader = ctx.protocol.requestIdHeader;
  const upstreamId = ctx.up.headers[idHeader];
  if (typeof upstreamId === 'string') headers[idHeader] = upstreamId;
  return headers;
}
