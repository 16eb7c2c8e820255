// Faults at the client (DESIGN.md §12, `at: client`, the default), decided once per request by the
// dispatch stage before anything is sent upstream: a `status` is the answer, exactly as written
// (no upstream call, no retries); a `delay` waits before the request goes on; the other kinds are
// handed back to act on the answer the attempts produced (faults/body.ts). WebSocket turns only
// meet faults at the upstream.
import { GatewayError } from '../errors.js';
import type { RequestContext } from '../routes/context.js';
import { chooseFault, type ChosenFault } from './choose.js';
import { statusError } from './status.js';

/** Applies a status or delay fault; returns a fault that acts on the answer's body, else null. */
export async function clientFault(ctx: RequestContext): Promise<ChosenFault | null> {
  const chosen = chooseFault(ctx, 'client');
  if (chosen === null) return null;
  const { fault } = chosen.rule;
  if (fault.kind === 'status') {
    ctx.record.fault = 'status';
    throw statusError(fault, chosen.source);
  }
  if (fault.kind !== 'delay') return chosen;
  ctx.record.fault = 'delay';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, fault.ms);
    ctx.client.onGone(() => {
      clearTimeout(timer);
      reject(new GatewayError('internal', 'the client went away during an injected delay'));
    });
  });
  return null;
}
