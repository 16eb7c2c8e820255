// A minimal abort signal for upstream calls: undici accepts any EventEmitter with `aborted`, and
// this one costs a fraction of an AbortController (which builds an EventTarget per request).
// `reason` tells a deadline (a GatewayError) from a client that went away.
import { EventEmitter } from 'node:events';

export class UpstreamAbort extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}
