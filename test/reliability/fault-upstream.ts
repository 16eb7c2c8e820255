// A hand-written upstream for faults the mock has no model for, which also counts the one number
// the socket assertions need: connections still carrying a request whose response has not
// finished ("busy"). A busy socket can only be freed by the proxy closing it; a socket whose
// response finished is idle in the proxy's pool and does not count.
//   /rst/…          two SSE frames, then a TCP reset
//   /hang/…         never answers, not even headers
//   /stall/…        SSE headers and three frames, then silence with the socket open
//   /slow-stream/…  100 ms before headers, 30 deltas 50 ms apart, then response.completed
//   /echo-auth/…, /echo-auth-500/…   401 or 500 whose message quotes the Authorization header
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FaultUpstream {
  url: string;
  openConnections(): number;
  /** open sockets whose current request has not been answered in full */
  busyConnections(): number;
  /** requests received on routes starting with `prefix` (e.g. "/hang/") */
  requestsSeen(prefix: string): number;
  /** true once a request with this x-aisix-request-id arrived */
  sawRequest(id: string): boolean;
  close(): Promise<void>;
}

const SSE_HEAD = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
const USAGE = { input_tokens: 3, output_tokens: 30, total_tokens: 33, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } };

function frame(type: string, sequence: number, extra: Record<string, unknown> = {}): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...extra })}\n\n`;
}

function created(id: string): string {
  return frame('response.created', 0, { response: { id, object: 'response', status: 'in_progress', output: [] } });
}

function delta(sequence: number, text: string): string {
  return frame('response.output_text.delta', sequence, { item_id: 'msg_fault', output_index: 0, content_index: 0, delta: text });
}

/** Writes `count` deltas `intervalMs` apart, then the terminal frame; stops if the socket goes. */
function slowStream(res: ServerResponse, count: number, intervalMs: number): void {
  res.writeHead(200, SSE_HEAD);
  res.write(created('resp_slow'));
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return void clearInterval(timer);
    sent += 1;
    res.write(delta(sent, `word${sent} `));
    if (sent < count) return;
    clearInterval(timer);
    res.end(frame('response.completed', sent + 1, { response: { id: 'resp_slow', object: 'response', status: 'completed', output: [], usage: USAGE } }));
  }, intervalMs);
  res.once('close', () => clearInterval(timer));
}

function answer(req: IncomingMessage, res: ServerResponse, path: string): void {
  if (path.startsWith('/hang/')) return;
  if (path.startsWith('/stall/')) {
    res.writeHead(200, SSE_HEAD);
    res.write(created('resp_stall') + delta(1, 'one ') + delta(2, 'two '));
    return;
  }
  if (path.startsWith('/slow-stream/')) {
    const timer = setTimeout(() => slowStream(res, 30, 50), 100);
    res.once('close', () => clearTimeout(timer));
    return;
  }
  if (path.startsWith('/rst/')) {
    res.writeHead(200, SSE_HEAD);
    res.write(created('resp_rst') + delta(1, 'partial '));
    setTimeout(() => res.socket?.resetAndDestroy(), 50);
    return;
  }
  const status = path.startsWith('/echo-auth-500/') ? 500 : 401;
  const body = JSON.stringify({ error: { message: `Incorrect API key provided: ${req.headers.authorization ?? ''}`, type: 'invalid_request_error', code: 'invalid_api_key' } });
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

export async function startFaultUpstream(): Promise<FaultUpstream> {
  const open = new Set<Socket>();
  const busy = new Set<Socket>();
  const seen: string[] = [];
  const ids = new Set<string>();
  const server: Server = createServer((req, res) => {
    const socket = req.socket;
    const path = req.url ?? '';
    seen.push(path);
    const id = req.headers['x-aisix-request-id'];
    if (typeof id === 'string') ids.add(id);
    busy.add(socket);
    const done = (): void => void busy.delete(socket);
    res.once('finish', done);
    res.once('close', done);
    req.resume();
    req.on('end', () => answer(req, res, path));
  });
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      busy.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    openConnections: () => open.size,
    busyConnections: () => busy.size,
    requestsSeen: (prefix) => seen.filter((p) => p.startsWith(prefix)).length,
    sawRequest: (id) => ids.has(id),
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
