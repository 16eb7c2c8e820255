// A `ws` message as bytes: `ws` hands over a Buffer, an ArrayBuffer or a list of fragments.
import type { RawData } from 'ws';

export function rawBytes(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

/** The byte length without joining fragments. */
export function rawLength(data: RawData): number {
  return Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;
}
