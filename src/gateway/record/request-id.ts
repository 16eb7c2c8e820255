// The request id: a caller's `x-aisix-request-id` when it is visible ASCII of 1–256 bytes, else a
// fresh UUID v4. It goes upstream, on every response (also as `x-aisix-call-id`, the name older
// AISIX releases and their e2e cases read), and into the request.finished event.
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-aisix-request-id';
/** the same id under its older AISIX name, on every response */
export const CALL_ID_HEADER = 'x-aisix-call-id';

function acceptable(value: string): boolean {
  if (value.length === 0 || value.length > 256) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

export function requestIdFor(header: string | string[] | undefined): string {
  return typeof header === 'string' && acceptable(header) ? header : randomUUID();
}
