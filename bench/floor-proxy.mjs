// The floor: the least a Node proxy can do. No auth, no parsing, no events: the request body is
// piped to the upstream through one keep-alive undici Agent and the response is piped back.
// Usage: node bench/floor-proxy.mjs UPSTREAM_ORIGIN [PORT]   (prints `floor listening on URL`)
import { createServer } from 'node:http';
import { Agent } from 'undici';

const upstream = process.argv[2];
if (!upstream) throw new Error('usage: floor-proxy.mjs UPSTREAM_ORIGIN [PORT]');
const origin = new URL(upstream).origin;
// the same agent settings as aisix's provider-key agents (src/gateway/upstream.ts)
const agent = new Agent({ keepAliveTimeout: 4_000, connections: null, headersTimeout: 0, bodyTimeout: 0 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection']);

function outgoing(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP.has(name) && name !== 'host') out[name] = value;
  return out;
}

const server = createServer({ noDelay: true }, (req, res) => {
  const body = req.method === 'GET' || req.method === 'HEAD' ? null : req;
  agent.stream(
    { origin, path: req.url, method: req.method, headers: outgoing(req.headers), body },
    ({ statusCode, headers }) => {
      res.writeHead(statusCode, outgoing(headers));
      return res;
    },
    (err) => {
      if (err === null || err === undefined) return;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`floor: ${err.code ?? err.message}\n`);
      else res.destroy(err);
    },
  );
});

server.listen(Number(process.argv[3] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`floor listening on http://127.0.0.1:${server.address().port}\n`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
