// Raw HTTP for gateway tests that must see exactly what went over the wire (status, headers,
// body bytes), including requests the SDK cannot make: malformed auth, chunked bodies without a
// Content-Length, lying Content-Length headers, unknown routes.
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CALLER_KEY } from './stack.js';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** sent with a Content-Length (unless `headers` sets one) */
  body?: string;
  /** sent one write each with no Content-Length, i.e. `Transfer-Encoding: chunked` */
  chunks?: string[];
}

/** One request on a fresh connection; resolves with the whole response even if the server cut our upload short. */
export function rawRequest(baseUrl: string, r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...r.headers };
    if (r.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
      headers['content-length'] = String(Buffer.byteLength(r.body));
    }
    let answered = false;
    const req = request(new URL(r.path, baseUrl), { method: r.method ?? 'POST', headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (r.chunks !== undefined) {
      for (const chunk of r.chunks) req.write(chunk);
      req.end();
    } else {
      req.end(r.body);
    }
  });
}

/** POST a JSON body to /v1/responses with the caller key (override or drop headers via `headers`). */
export function postResponses(baseUrl: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${CALLER_KEY}` }): Promise<RawResponse> {
  return rawRequest(baseUrl, {
    path: '/v1/responses',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The parsed body of a JSON response (throws when it is not JSON, failing the test). */
export function jsonOf(res: RawResponse): unknown {
  return JSON.parse(res.body) as unknown;
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A one-trick upstream that answers every request with the given status, content type and body. */
export async function startFixedUpstream(status: number, contentType: string, body: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(status, { 'content-type': contentType }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `check` every 10 ms until it is true; false if `timeoutMs` passes first. */
export async function eventually(check: () => boolean, timeoutMs = 3_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
