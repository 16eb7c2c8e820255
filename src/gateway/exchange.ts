// One upstream exchange: send the request through the provider key's agent with the right
// deadlines, turn non-2xx replies into errors, and hand the reply to the matching relay
// (JSON | live SSE | held SSE). Shared by the model endpoints and the Responses sub-routes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModelEndpoint } from './endpoints.js';
import { GatewayError } from './errors.js';
import { forward, redactKey, timeoutError, upstreamStatusError } from './forward.js';
import type { RequestRecord } from './record.js';
import { readAll, type RelayContext } from './relay-context.js';
import { relayHeldStream } from './relay-held-stream.js';
import { relayJson } from './relay-json.js';
import { relayLiveStream } from './relay-live-stream.js';
import type { Snapshot } from './snapshot.js';
import { UpstreamAbort } from './upstream-abort.js';
import { upstreamHeaders, type Upstream } from './upstream.js';

export interface ExchangeOptions {
  req: IncomingMessage;
  res: ServerResponse;
  record: RequestRecord;
  snapshot: Snapshot;
  endpoint: ModelEndpoint;
  upstream: Upstream;
  method: string;
  /** upstream path with query */
  path: string;
  body: string | null;
  timeoutMs: number;
  idleTimeoutMs: number;
  injectedUsage: boolean;
  previews: boolean;
}

export async function exchange(o: ExchangeOptions): Promise<void> {
  const { record, res } = o;
  const abort = new UpstreamAbort();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort(); // the client left: stop the upstream at once
  });
  // non-streaming: the whole call; streaming: until the response headers (then the idle timeout
  // rules). Our own timer, not undici's headersTimeout, whose fast timers tick at ~1 s.
  const deadline = o.timeoutMs > 0 ? setTimeout(() => abort.abort(timeoutError(o.timeoutMs)), o.timeoutMs) : null;
  try {
    const sentAt = performance.now();
    const up = await forward({
      upstream: o.upstream,
      method: o.method,
      path: o.path,
      headers: upstreamHeaders({ upstream: o.upstream, requestId: record.id, client: o.req.headers, json: o.body !== null }),
      body: o.body,
      signal: abort,
      headersTimeoutMs: 0,
      bodyTimeoutMs: record.stream ? o.idleTimeoutMs : 0,
    });
    if (record.stream && deadline !== null) clearTimeout(deadline);
    record.upstreamMs = Math.round((performance.now() - sentAt) * 100) / 100;
    const upstreamId = up.headers['x-request-id'];
    if (typeof upstreamId === 'string') record.upstreamRequestId = upstreamId;
    if (up.statusCode >= 400) throw upstreamStatusError(up.statusCode, up.headers, redactKey(await readAll(up.body), o.upstream.key.apiKey));
    const relay: RelayContext = {
      res, record, endpoint: o.endpoint, guardrails: o.snapshot.guardrails, up, injectedUsage: o.injectedUsage,
      previews: o.previews, idleTimeoutMs: o.idleTimeoutMs, abortUpstream: () => abort.abort(),
    };
    // a stream request answered with plain JSON (some compatible servers ignore `stream`) is relayed as JSON
    const sse = String(up.headers['content-type'] ?? '').includes('text/event-stream');
    if (!record.stream || !sse) await relayJson(relay);
    else if (o.snapshot.guardrails.outputPolicy === 'hold') await relayHeldStream(relay);
    else await relayLiveStream(relay);
  } catch (err) {
    throw abort.reason instanceof GatewayError ? abort.reason : err;
  } finally {
    if (deadline !== null) clearTimeout(deadline);
  }
}
