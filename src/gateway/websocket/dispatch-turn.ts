// The dispatch stage of a WebSocket turn (DESIGN.md §11), after the same admit, body, resolve,
// bind-ids, guard and rate-limit stages as `POST /v1/responses`: the guarded `response.create`
// goes over the session's upstream link (the first turn's target, kept for the socket's life),
// or — when the upstream refused WebSocket mode — as a streamed `POST /responses` (the frame's
// fields minus `type`, plus `stream: true`) through the usual attempts (retries, failover). Either
// way each server event reaches the client through the WebSocket relay.
import { SseFrameParser } from '../../sse/frame-parser.js';
import { GatewayError } from '../errors.js';
import { TurnRelay } from '../relay/websocket.js';
import { transportErrorMessage } from '../relay/stream-errors.js';
import type { RequestContext } from '../routes/context.js';
import { attemptAll } from '../stages/attempts.js';
import { requestChain } from '../stages/guard.js';

export async function dispatchTurn(ctx: RequestContext): Promise<void> {
  const { plan, row, turn, record } = ctx;
  const protocol = row.protocol;
  const first = plan?.candidates[0];
  if (turn === null || plan === null || protocol === null || first === undefined || ctx.body === null) {
    throw new GatewayError('internal', `route ${row.name} dispatched a WebSocket turn without its session`);
  }
  // the socket keeps talking to the account of its earlier turns when this plan allows it
  const target = turn.upstream.choose(plan.candidates);
  const body = ctx.body;
  if (target !== first && target.resolved !== null) {
    protocol.setModel(body, target.resolved.upstreamModel);
    ctx.outgoing = body.bytes();
  }
  const owner = { providerKey: target.upstream.key.name, alias: plan.resolved?.alias ?? target.target, caller: ctx.caller?.name ?? null };
  const relay = new TurnRelay({
    socket: turn.socket, record, protocol, guardrails: requestChain(ctx),
    noteResponseId: (id) => ctx.services.responseIds.remember(id, owner),
    proxy: ctx.runtime.config.proxy,
  });
  const mode = await turn.upstream.open(target, record.id);
  if (ctx.client.gone) return; // left while the upstream socket was opening: nothing is sent
  if (mode === 'websocket') {
    if (target.resolved !== null) record.upstreamModel = target.resolved.upstreamModel;
    record.attempts.push({ target: target.target, status: 101, error_code: null, ms: 0 });
    relay.flowControl({ pause: () => turn.upstream.pause(), resume: () => turn.upstream.resume() });
    const exchange = turn.upstream.exchange((ctx.outgoing ?? body.bytes()).toString('utf8'), (data) => relay.event(data), target.idleTimeoutMs);
    ctx.client.onGone(exchange.abort);
    relay.finish(await exchange.done);
    turn.upstream.resume();
    return;
  }
  // the upstream has no WebSocket mode: this turn is a streamed POST /responses
  body.remove('type');
  body.set('stream', true);
  ctx.outgoing = body.bytes();
  const { reply, clearDeadline, candidate, abort } = await attemptAll(ctx, plan);
  ctx.client.onGone(() => abort.abort());
  relay.flowControl({ pause: () => reply.body.pause(), resume: () => reply.body.resume() });
  try {
    await new Promise<void>((resolve) => {
      let stop = false;
      const parser = new SseFrameParser((frame) => {
        if (!stop) stop = relay.event(frame.data);
      });
      reply.body.consume({
        data: (chunk) => parser.push(chunk),
        end: () => {
          parser.end();
          relay.finish(null);
          resolve();
        },
        error: (err) => {
          relay.finish(transportErrorMessage(err, candidate.idleTimeoutMs));
          resolve();
        },
      });
    });
  } finally {
    clearDeadline();
  }
}
