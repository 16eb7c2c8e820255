// A hand-written upstream for faults the mock has no model for: a TCP reset in the middle of an SSE
// stream, an upstream whose error message echoes the Authorization header it was sent (some
// OpenAI-compatible servers do), and a hang that counts the sockets still carrying an unanswered
// request — the exact number the proxy must bring to zero (an idle pooled socket is not one).
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FaultUpstream {
  url: string;
  openConnections(): number;
  /** open sockets whose request was never answered (`/hang/`) */
  hungConnections(): number;
  /** requests `/hang/` has received */
  hungSeen(): number;
  close(): Promise<void>;
}

const SSE_HEAD = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

function frame(type: string, sequence: number, extra: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...extra })}\n\n`;
}

/**
 * `/rst/…`: two SSE frames, then a TCP reset. `/hang/…`: never answers. `/echo-auth/…` and
 * `/echo-auth-500/…`: 401 or 500 quoting the credential.
 */
export async function startFaultUpstream(): Promise<FaultUpstream> {
  const open = new Set<Socket>();
  const hung = new Set<Socket>();
  let hungSeen = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const credential = req.headers.authorization ?? '';
      if (path.startsWith('/hang/')) {
        const socket = req.socket;
        hung.add(socket);
        hungSeen += 1;
        socket.once('close', () => hung.delete(socket));
        return;
      }
      if (path.startsWith('/rst/')) {
        res.writeHead(200, SSE_HEAD);
        res.write(frame('response.created', 0, { response: { id: 'resp_rst', object: 'response', status: 'in_progress' } }));
        res.write(frame('response.output_text.delta', 1, { item_id: 'msg_rst', output_index: 0, content_index: 0, delta: 'partial ' }));
        setTimeout(() => res.socket?.resetAndDestroy(), 50);
        return;
      }
      const status = path.startsWith('/echo-auth-500/') ? 500 : 401;
      const body = JSON.stringify({ error: { message: `Incorrect API key provided: ${credential}`, type: 'invalid_request_error', code: 'invalid_api_key' } });
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    openConnections: () => open.size,
    hungConnections: () => hung.size,
    hungSeen: () => hungSeen,
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
