// Raw TCP for input no HTTP client will send: lying Content-Length, byte-at-a-time bodies, bad
// methods, oversized headers, invalid bytes. One connection per call; it reports what came back
// and whether the server closed the connection before our own deadline did.
import { connect, type Socket } from 'node:net';

export interface WireResult {
  /** everything the server sent, as latin1 (byte for byte) */
  raw: string;
  /** the status of the first response, or null when none came */
  status: number | null;
  headers: Record<string, string>;
  body: string;
  /** true when the server ended or reset the connection before `timeoutMs` */
  closedByServer: boolean;
  elapsedMs: number;
}

export interface WireOptions {
  /** our deadline: the socket is destroyed after it (default 5 s) */
  timeoutMs?: number;
}

function parseResponse(raw: string): Pick<WireResult, 'status' | 'headers' | 'body'> {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
  const split = raw.indexOf('\r\n\r\n');
  const headers: Record<string, string> = {};
  if (split >= 0) {
    for (const line of raw.slice(0, split).split('\r\n').slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
  }
  const body = split >= 0 ? Buffer.from(raw.slice(split + 4), 'latin1').toString('utf8') : '';
  return { status: match ? Number(match[1]) : null, headers, body };
}

/** Opens a connection, lets `send` write to it, and collects the answer until the server closes it or `timeoutMs`. */
export function wire(port: number, send: (socket: Socket) => void, options: WireOptions = {}): Promise<WireResult> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let byServer = true;
    const timer = setTimeout(() => {
      byServer = false;
      socket.destroy();
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined); // EPIPE/ECONNRESET after the server closed: the close handler reports it
    socket.on('end', () => socket.end());
    socket.once('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      resolve({ raw, ...parseResponse(raw), closedByServer: byServer, elapsedMs: Date.now() - started });
    });
    socket.once('connect', () => send(socket));
  });
}

/** A request head (request line + headers + blank line) as one string. */
export function head(requestLine: string, headers: Record<string, string | number>): string {
  return `${requestLine}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
}

/** Writes `chunks` one per `intervalMs` until done or the socket is gone. */
export function trickle(socket: Socket, chunks: readonly (string | Buffer)[], intervalMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    const chunk = chunks[i++];
    if (socket.destroyed || chunk === undefined) {
      clearInterval(timer);
      return;
    }
    socket.write(chunk);
  }, intervalMs);
  socket.once('close', () => clearInterval(timer));
}
