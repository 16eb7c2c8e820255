// A tape played back as an upstream reply (DESIGN.md §12): its status and headers at once, then
// its body — a JSON body in one piece, stream chunks each at its recorded offset divided by
// `--replay-speed` (0: all at once). The attempt's abort (a deadline, the client leaving) stops
// the playback with the same error a real upstream call would end with.
import type { UpstreamAbort } from '../stages/upstream-abort.js';
import { fedReply, type UpstreamReply } from '../stages/upstream-reply.js';
import { chunkBytes, responseBytes, type Tape } from './format.js';

/** Time for the playback (tests pass a fake one): `wait` runs `then` after `ms` and returns a cancel function. */
export interface Clock {
  now(): number;
  wait(ms: number, then: () => void): () => void;
}

const REAL_CLOCK: Clock = {
  now: () => performance.now(),
  wait: (ms, then) => {
    const timer = setTimeout(then, ms);
    return () => clearTimeout(timer);
  },
};

export function replyFromTape(tape: Tape, speed: number, signal: UpstreamAbort, clock: Clock = REAL_CLOCK): UpstreamReply {
  const { response } = tape;
  const reply = fedReply(response.status, { ...response.headers });
  const { body } = reply;
  const chunks = response.chunks;
  if (chunks === undefined || speed === 0) {
    for (const chunk of responseBytes(response)) body.push({ kind: 'data', chunk });
    body.push({ kind: 'end' });
    return reply;
  }
  let next = 0;
  let cancel: () => void = () => undefined;
  const onAbort = (): void => {
    cancel();
    body.push({ kind: 'error', err: abortError(signal.reason) });
  };
  const step = (): void => {
    while (next < chunks.length) {
      const chunk = chunks[next] as (typeof chunks)[number];
      const due = chunk.t_ms / speed - elapsed();
      if (due > 0) {
        cancel = clock.wait(due, step);
        return;
      }
      next++;
      body.push({ kind: 'data', chunk: chunkBytes(chunk) });
    }
    signal.off('abort', onAbort);
    body.push({ kind: 'end' });
  };
  const startedAt = clock.now();
  const elapsed = (): number => clock.now() - startedAt;
  if (signal.aborted) {
    body.push({ kind: 'error', err: abortError(signal.reason) });
    return reply;
  }
  signal.once('abort', onAbort);
  step();
  return reply;
}

function abortError(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  return Object.assign(new Error('the request was aborted'), { name: 'AbortError', code: 'UND_ERR_ABORTED' });
}
