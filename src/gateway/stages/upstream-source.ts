// THE source of an attempt's answer (DESIGN.md §8 dispatch, §12): every upstream attempt of the
// model, stored-response and conversation routes gets its reply here — an injected fault acting
// as the upstream (`at: upstream`: a status instead of the call, a delay before it, a broken or
// malformed body after it), a tape played back, or the real call (with the recorder's tap under
// `--record`). What comes back is an ordinary UpstreamReply, so retries, failover, guardrails,
// usage and the relays treat all of them alike. With no tapes and no faults configured it is the
// plain call.
import { chooseFault } from '../faults/choose.js';
import { applyBodyFault } from '../faults/body.js';
import { statusReply } from '../faults/status.js';
import type { Candidate, RequestContext } from '../routes/context.js';
import { callUpstream, type UpstreamCall } from './upstream-call.js';
import type { UpstreamAbort } from './upstream-abort.js';
import type { UpstreamReply } from './upstream-reply.js';

export function answerAttempt(ctx: RequestContext, candidate: Candidate, call: UpstreamCall): Promise<UpstreamReply> {
  if (ctx.runtime.faults === null && ctx.services.tapes === null) return callUpstream(call);
  return answerWithTapesOrFaults(ctx, candidate, call);
}

async function answerWithTapesOrFaults(ctx: RequestContext, candidate: Candidate, call: UpstreamCall): Promise<UpstreamReply> {
  const deck = ctx.services.tapes;
  const chosen = chooseFault(ctx, 'upstream', candidate.target);
  const fault = chosen?.rule.fault ?? null;
  if (chosen !== null && fault?.kind === 'status') {
    ctx.record.fault = 'status';
    return statusReply(fault, chosen.source, ctx.row.protocol);
  }
  if (fault?.kind === 'delay') {
    ctx.record.fault = 'delay';
    await delay(fault.ms, call.signal);
  }
  const reply = deck === null ? await callUpstream(call) : await deck.answer(ctx, candidate, call, () => callUpstream(call));
  if (chosen === null || fault?.kind === 'delay') return reply;
  return applyBodyFault(ctx, reply, chosen, () => call.signal.abort(), candidate.idleTimeoutMs);
}

/** Waits `ms` as a slow upstream would: a deadline or the client leaving ends the wait with the call's error. */
function delay(ms: number, signal: UpstreamAbort): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal.reason));
    const timer = setTimeout(() => {
      signal.off('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal.reason));
    };
    signal.once('abort', onAbort);
  });
}

function abortError(reason: unknown): unknown {
  return reason ?? Object.assign(new Error('the request was aborted'), { name: 'AbortError', code: 'UND_ERR_ABORTED' });
}
