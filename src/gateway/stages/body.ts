// Reads a request body within the configured limit and parses it as a JSON object. The declared
// Content-Length is checked before authentication; a chunked body is cut off as soon as it passes
// the limit (the connection is closed after the 413 so the rest is never read).
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { GatewayError } from './errors.js';

export function tooLarge(limit: number): GatewayError {
  return new GatewayError('body_too_large', `request body exceeds ${limit}-byte limit`);
}

/** Throws 413 when the declared length is over the limit (0 = unlimited). */
export function checkDeclaredLength(req: IncomingMessage, limit: number): void {
  const declared = req.headers['content-length'];
  if (limit > 0 && declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (limit > 0 && size > limit) {
        req.off('data', onData);
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    req.once('error', reject);
    req.once('aborted', () => reject(new Error('client aborted the request body')));
  });
}

/** Parses the body as a JSON object with a string `model`; 400 otherwise. */
export function parseModelRequest(raw: Buffer): { body: Record<string, unknown>; model: string } {
  // JSON is UTF-8 (RFC 8259): decoding invalid bytes would forward U+FFFD in place of what was sent
  if (!isUtf8(raw)) throw new GatewayError('bad_request', 'request payload is invalid: the body is not valid UTF-8');
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new GatewayError('bad_request', 'request payload is invalid: invalid JSON request body');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('bad_request', 'request payload is invalid: the body must be a JSON object');
  }
  const model = (body as Record<string, unknown>).model;
  if (model === undefined || model === null) throw new GatewayError('bad_request', 'request payload is invalid: `model` field missing', { param: 'model' });
  if (typeof model !== 'string') throw new GatewayError('bad_request', 'request payload is invalid: `model` must be a string', { param: 'model' });
  return { body: body as Record<string, unknown>, model };
}
