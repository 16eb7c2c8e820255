// Answers the gateway makes itself, with no upstream: JSON bodies (health, the model list) and
// CORS preflights of allowed origins (204 with the requested methods and headers).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestRecord } from '../record/request-record.js';

export function answerJson(res: ServerResponse, record: RequestRecord, status: number, body: string): void {
  record.status = status;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';
const PREFLIGHT_MAX_AGE_S = '600';

/** The exposure stage already set Access-Control-Allow-Origin and Vary for this origin. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse, record: RequestRecord): void {
  record.status = 204;
  const requested = req.headers['access-control-request-headers'];
  const headers: Record<string, string> = {
    'access-control-allow-methods': ALLOWED_METHODS,
    'access-control-max-age': PREFLIGHT_MAX_AGE_S,
  };
  if (typeof requested === 'string' && requested.trim() !== '') headers['access-control-allow-headers'] = requested.slice(0, 2048);
  res.writeHead(204, headers);
  res.end();
}
