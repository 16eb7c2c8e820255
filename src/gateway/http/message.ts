// Facts about an incoming HTTP message the gateway asks in several places: its path without the
// query string, and whether it carries a body (a declared length above 0, or chunked).
import type { IncomingHttpHeaders } from 'node:http';

export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

export function hasBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined;
}
