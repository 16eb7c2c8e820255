// The model-driven faults shared by every route that carries a model: errors, bursts, resets,
// hangs and the slow first byte before an answer (one verdict, acted on by HTTP routes here and by
// the WebSocket mode in ws-session.ts); cut/stall applied to JSON bodies and to stream frames.
import { BURST_ERROR, type Behaviour, type ErrorReply } from './behaviours.js';
import type { Exchange, MockState } from './context.js';
import { toJson } from './json-style.js';
import { dropConnection, JSON_TYPE, replyHeaders, sendBody, sendError, sendJson, sleep, TEXT_TYPE } from './reply.js';
import type { Frame, WriteOptions } from './sse.js';

function countCall(state: MockState, name: string): number {
  const calls = (state.calls.get(name) ?? 0) + 1;
  state.calls.set(name, calls);
  return calls;
}

/** What a model does before its answer is built. */
export type Verdict =
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'error'; reply: ErrorReply }
  | { kind: 'answer'; delayMs: number };

/** Decides the verdict for one call (a burst model counts the call). */
export function verdictFor(state: MockState, behaviour: Behaviour): Verdict {
  if (behaviour.fault === 'reset') return { kind: 'reset' };
  if (behaviour.fault === 'hang') return { kind: 'hang' };
  if (behaviour.burstFailures > 0 && countCall(state, behaviour.name) <= behaviour.burstFailures) return { kind: 'error', reply: BURST_ERROR };
  if (behaviour.error !== undefined) return { kind: 'error', reply: behaviour.error };
  return { kind: 'answer', delayMs: behaviour.firstByteDelayMs };
}

/** A behaviour's error as an HTTP answer: the envelope in the wire's shape, or the plain text. */
function sendErrorReply(ex: Exchange, reply: ErrorReply): void {
  if ('json' in reply) return sendError(ex, reply.status, reply.json, reply.headers);
  sendBody(ex.res, reply.status, replyHeaders(TEXT_TYPE, ex.arrival, reply.headers, ex.wire), reply.text);
}

/**
 * Everything a model does before its answer is built. Resolves true when it already answered
 * (an error), dropped the socket, or will never answer (hang), so the caller stops.
 */
export async function preflight(state: MockState, ex: Exchange, behaviour: Behaviour): Promise<boolean> {
  const verdict = verdictFor(state, behaviour);
  switch (verdict.kind) {
    case 'reset':
      dropConnection(ex.res, 'reset');
      return true;
    case 'hang':
      return true;
    case 'error':
      sendErrorReply(ex, verdict.reply);
      return true;
    case 'answer':
      return verdict.delayMs > 0 && !(await sleep(ex.res, verdict.delayMs));
  }
}

/** A 200 JSON answer; `mock-cut` drops the socket before headers, `mock-stall` sends half and stops. */
export function sendJsonAnswer(ex: Exchange, behaviour: Behaviour, value: unknown): void {
  if (behaviour.fault === 'cut') return dropConnection(ex.res, 'destroy');
  if (behaviour.fault !== 'stall') return sendJson(ex, 200, value);
  const bytes = Buffer.from(toJson(value, ex.style));
  const headers = replyHeaders(JSON_TYPE, ex.arrival, undefined, ex.wire);
  headers['content-length'] = bytes.length;
  ex.res.writeHead(200, headers);
  ex.res.write(bytes.subarray(0, bytes.length >> 1));
}

function countDeltas(frames: readonly Frame[]): number {
  let deltas = 0;
  for (const frame of frames) if (frame.delta) deltas++;
  return deltas;
}

/**
 * Applies `mock-bad-sse` (a broken frame right after the first delta) and cut/stall truncation: a
 * cut or stalled stream stops after half its deltas (at least one; the first two frames if none).
 */
export function applyStreamFaults(frames: Frame[], behaviour: Behaviour, broken: Frame): Frame[] {
  const stops = behaviour.fault === 'cut' || behaviour.fault === 'stall';
  if (!stops && !behaviour.badSse) return frames;
  const total = countDeltas(frames);
  if (stops && total === 0) return frames.slice(0, 2);
  const limit = stops ? Math.max(1, Math.ceil(total / 2)) : Infinity;
  const out: Frame[] = [];
  let deltas = 0;
  for (const frame of frames) {
    out.push(frame);
    if (!frame.delta) continue;
    deltas++;
    if (deltas === 1 && behaviour.badSse) out.push(broken);
    if (deltas >= limit) break;
  }
  return out;
}

export function writeOptions(behaviour: Behaviour): WriteOptions {
  const end = behaviour.fault === 'cut' ? 'destroy' : behaviour.fault === 'stall' ? 'stall' : 'close';
  return { deltaDelayMs: behaviour.deltaDelayMs, bytewise: behaviour.bytewise, end };
}
