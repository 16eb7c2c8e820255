// One `response.create` frame of a client WebSocket, run as a request: its ClientSide (no headers
// of its own; the answer is over when the turn ended, and the client is gone when the socket
// closed first) and what the turn's dispatch needs from its session: the client socket and the
// upstream link the session keeps across turns.
import type { WebSocket } from 'ws';
import type { ClientSide } from '../routes/context.js';
import type { UpstreamLink } from './upstream-link.js';

export interface WebSocketTurn {
  /** the client's socket (only the relay writes to it) */
  readonly socket: WebSocket;
  /** the session's upstream connection (kept across turns) */
  readonly upstream: UpstreamLink;
}

/** A turn's ClientSide: callbacks run once, when the turn ends or the client leaves. */
export class TurnClient implements ClientSide {
  readonly transport = 'websocket';
  private ended = false;
  private left = false;
  private readonly endings: (() => void)[] = [];
  private readonly departures: (() => void)[] = [];

  setHeader(): void {
    // a turn's answer is a series of socket frames: there is no header to set
  }

  onEnd(cb: () => void): void {
    if (this.ended) cb();
    else this.endings.push(cb);
  }

  onGone(cb: () => void): void {
    if (this.left) cb();
    else this.departures.push(cb);
  }

  get gone(): boolean {
    return this.left;
  }

  /** the client closed its socket while this turn ran */
  leave(): void {
    if (this.left || this.ended) return;
    this.left = true;
    for (const cb of this.departures.splice(0)) cb();
  }

  /** the turn is over: answered, refused, or abandoned */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const cb of this.endings.splice(0)) cb();
  }
}
