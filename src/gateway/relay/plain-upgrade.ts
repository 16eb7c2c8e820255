// A request that asked to upgrade to something other than a WebSocket (`Upgrade: h2c`, as
// `curl --http2` sends on http://): node hands every upgrade to the upgrade handler, so this
// serves it as the plain HTTP/1.1 request it also is, on a response bound to its socket, and
// closes the connection after. Only body-less requests can be served so (a body went with the
// upgrade, past node's parser); for others it returns false.
import { ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** An upgrade to something other than a WebSocket (`h2c`, say): served as the plain request it also is. */
export function serveWithoutUpgrade(server: Server, req: IncomingMessage, socket: Duplex): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false; // its body went with the upgrade
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once('finish', () => socket.end());
  server.emit('request', req, res);
  return true;
}
