// THE pipeline for model endpoints (POST /v1/responses, POST /v1/chat/completions), in the check
// order of DESIGN.md §3: body size → auth → JSON → alias → allowed_models → provider rule → input
// guardrails → upstream → relay (JSON | live SSE | held SSE). Stages throw GatewayError; the
// caller (server.ts) renders it. Endpoint differences live in endpoints.ts, not here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestText } from '../guardrails/index.js';
import { authenticate } from './auth.js';
import type { ModelEndpoint } from './endpoints.js';
import { GatewayError } from './errors.js';
import { exchange } from './exchange.js';
import type { RequestRecord } from './record.js';
import { checkDeclaredLength, parseModelRequest, readBody } from './read-body.js';
import { PREVIEW_BYTES } from './relay-context.js';
import { checkAllowed, checkServable, resolveModel } from './resolve-model.js';
import type { Snapshot } from './snapshot.js';
import { upstreamPath } from './upstream.js';

export interface ModelRequest {
  req: IncomingMessage;
  res: ServerResponse;
  record: RequestRecord;
  snapshot: Snapshot;
  endpoint: ModelEndpoint;
  previews: boolean;
  /** called with the response id → provider key/alias of every relayed response */
  remember: (responseId: string, providerKey: string, alias: string) => void;
}

export async function handleModelRequest(ctx: ModelRequest): Promise<void> {
  const { req, record, snapshot, endpoint } = ctx;
  const { proxy } = snapshot.config;
  checkDeclaredLength(req, proxy.requestBodyLimitBytes);
  const caller = authenticate(req.headers, snapshot.keys, Date.now());
  record.caller = caller?.name ?? null;
  const { body, model } = parseModelRequest(await readBody(req, proxy.requestBodyLimitBytes));
  record.stream = body.stream === true;
  const resolved = resolveModel(snapshot.models, model);
  record.alias = resolved.alias;
  record.upstreamModel = resolved.upstreamModel;
  record.provider = resolved.model.provider;
  record.cost = resolved.model.cost;
  checkAllowed(snapshot.models, caller, model);
  checkServable(resolved);
  const upstream = snapshot.upstreams.get(resolved.model.providerKey ?? '');
  if (upstream === undefined) throw new GatewayError('internal', `model "${model}" has no provider key`);
  const refusal = endpoint.refuse(resolved, upstream.key);
  if (refusal !== null) throw new GatewayError('provider_rejected', refusal);
  if (ctx.previews) record.inputPreview = requestText(endpoint.format, body).slice(0, PREVIEW_BYTES);
  const outgoing = checkInput(ctx, body);
  outgoing.model = resolved.upstreamModel;
  const injectedUsage = record.stream && endpoint.requestStreamUsage(outgoing);
  const path = upstreamPath(upstream, endpoint.upstreamEndpoint, { addV1ToBareHost: endpoint.addV1ToBareHost });
  await exchange({
    req, res: ctx.res, record, snapshot, endpoint, upstream, method: 'POST', path, body: JSON.stringify(outgoing),
    timeoutMs: resolved.model.timeoutMs ?? proxy.upstreamTimeoutMs,
    idleTimeoutMs: resolved.model.streamTimeoutMs ?? proxy.streamIdleTimeoutMs,
    injectedUsage, previews: ctx.previews,
  });
  if (record.responseId !== null) ctx.remember(record.responseId, upstream.key.name, resolved.alias);
}

/** Runs input guardrails; returns the body to send (a masked copy when a mask rule fired). */
function checkInput(ctx: ModelRequest, body: Record<string, unknown>): Record<string, unknown> {
  const chain = ctx.snapshot.guardrails;
  if (!chain.inputActive) return body;
  const verdict = chain.checkRequest(ctx.endpoint.format, body);
  ctx.record.guardrails.push(...verdict.hits);
  if (verdict.blocked !== null) {
    throw new GatewayError('blocked_input', `request blocked by content policy (guardrail '${verdict.blocked.guardrail}')`);
  }
  return verdict.body ?? body;
}
