// A client WebSocket session's link to its upstream (DESIGN.md §11): the provider's own Responses
// WebSocket endpoint (`api_base` as ws/wss + `/responses`, the provider key, `OpenAI-Beta`
// forwarded), opened at the first turn and kept across turns — so `previous_response_id` with
// `store: false` works — while the turns keep going to the same upstream account (a turn whose
// candidates do not include it, or a reload that changed its key, opens a new link). An upstream
// that refuses the upgrade, an HTTP(S)_PROXY in the environment (the `ws` client cannot use it),
// or tapes (`--record`/`--replay`, which record and replay POSTs) put the link in `http` mode:
// every turn is then a streamed POST through the usual dispatcher.
// One response at a time: `exchange` sends a `response.create` and hands each server event on;
// `pause`/`resume` carry the client's backpressure to the upstream socket.
import type { IncomingHttpHeaders } from 'node:http';
import { WebSocket, type RawData } from 'ws';
import { GatewayError } from '../errors.js';
import type { Candidate } from '../routes/context.js';
import { upstreamPath } from '../runtime/upstream.js';
import { rawBytes } from './raw-data.js';

const MAX_EVENT_BYTES = 256 * 1024 * 1024;

export type LinkMode = 'websocket' | 'http';

function socketUrl(c: Candidate): string {
  const origin = c.upstream.origin.replace(/^http/, 'ws');
  return origin + upstreamPath(c.upstream, 'responses', { addV1ToBareHost: true });
}

/** The same upstream account and endpoint (a reload may swap the key behind a name). */
function sameUpstream(a: Candidate, b: Candidate): boolean {
  return a.upstream.key.name === b.upstream.key.name && a.upstream.key.apiKey === b.upstream.key.apiKey && a.upstream.origin === b.upstream.origin && a.upstream.basePath === b.upstream.basePath;
}

function proxyInEnvironment(env: NodeJS.ProcessEnv): boolean {
  return [env.HTTPS_PROXY, env.https_proxy, env.HTTP_PROXY, env.http_proxy].some((v) => v !== undefined && v !== '');
}

export class UpstreamLink {
  private socket: WebSocket | null = null;
  private mode: LinkMode | null;
  /** the candidate the open socket was made for */
  private target: Candidate | null = null;

  /** `bridged`: every turn goes as a streamed POST (tapes record and replay those) */
  constructor(private readonly handshake: IncomingHttpHeaders, bridged = false, env: NodeJS.ProcessEnv = process.env) {
    this.mode = bridged || proxyInEnvironment(env) ? 'http' : null;
  }

  /**
   * The candidate this turn goes to: the one on the account the link already talks to, when the
   * plan has it (the socket keeps its target), else the plan's first.
   */
  choose(candidates: readonly Candidate[]): Candidate {
    const kept = this.target;
    const same = kept === null ? undefined : candidates.find((c) => sameUpstream(c, kept));
    return same ?? (candidates[0] as Candidate);
  }

  /** Opens the upstream socket if needed; `http` when the upstream refuses WebSocket mode. */
  async open(target: Candidate, requestId: string): Promise<LinkMode> {
    if (this.mode === 'http') return 'http';
    if (this.socket !== null && this.socket.readyState === WebSocket.OPEN && this.target !== null && sameUpstream(this.target, target)) return 'websocket';
    this.drop();
    const headers: Record<string, string> = { authorization: `Bearer ${target.upstream.key.apiKey}`, 'x-aisix-request-id': requestId };
    const beta = this.handshake['openai-beta'];
    if (typeof beta === 'string') headers['openai-beta'] = beta;
    return new Promise<LinkMode>((resolve, reject) => {
      let settled = false;
      const socket = new WebSocket(socketUrl(target), {
        headers,
        perMessageDeflate: false,
        maxPayload: MAX_EVENT_BYTES,
        handshakeTimeout: target.timeoutMs > 0 ? target.timeoutMs : 30_000,
      });
      socket.once('open', () => {
        settled = true;
        this.socket = socket;
        this.target = target;
        this.mode = 'websocket';
        resolve('websocket');
      });
      socket.once('unexpected-response', (req, res) => {
        settled = true;
        res.resume();
        req.destroy();
        this.mode = 'http'; // no WebSocket mode upstream: bridge each turn to a streamed POST
        resolve('http');
      });
      socket.once('error', (err: Error & { code?: string }) => {
        if (settled) return;
        settled = true;
        const host = target.upstream.origin.replace(/^https?:\/\//, '');
        reject(new GatewayError('upstream_connection', `could not reach upstream ${host}: ${err.code ?? err.message}`));
      });
    });
  }

  /**
   * Sends one `response.create` and hands each server event to `onEvent` until it returns true
   * (the terminal event). Resolves with null, or with why the upstream stopped first (closed,
   * silent for `idleMs`, or `abort` called because the client left).
   */
  exchange(frame: string, onEvent: (data: string) => boolean, idleMs: number): { done: Promise<string | null>; abort: () => void } {
    const socket = this.socket;
    if (socket === null) return { done: Promise.resolve('the upstream WebSocket is not open'), abort: () => undefined };
    let finish: (failure: string | null) => void = () => undefined;
    const done = new Promise<string | null>((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const arm = (): void => {
        if (idleMs <= 0) return;
        if (timer !== null) clearTimeout(timer);
        timer = setTimeout(() => end(`the upstream went idle for longer than ${idleMs} ms`, true), idleMs);
      };
      const onMessage = (data: RawData): void => {
        arm();
        if (onEvent(rawBytes(data).toString('utf8'))) end(null, false);
      };
      const onClose = (): void => end('the upstream closed the WebSocket before the terminal event', false);
      const end = (failure: string | null, drop: boolean): void => {
        if (timer !== null) clearTimeout(timer);
        socket.off('message', onMessage);
        socket.off('close', onClose);
        if (failure !== null || drop) this.drop();
        resolve(failure);
      };
      finish = (failure) => end(failure, true);
      socket.on('message', onMessage);
      socket.once('close', onClose);
      arm();
      socket.send(frame);
    });
    return { done, abort: () => finish('the client went away') };
  }

  /** Stops reading the upstream socket while the client's buffer is full. */
  pause(): void {
    this.socket?.pause();
  }

  resume(): void {
    this.socket?.resume();
  }

  /** Closes the upstream socket (a broken turn, or the client socket closed); the next turn reopens it. */
  drop(): void {
    const socket = this.socket;
    this.socket = null;
    if (socket !== null && socket.readyState <= WebSocket.OPEN) socket.terminate();
  }
}
