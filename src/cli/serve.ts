// `aisix serve` (placeholder until the proxy issue lands).
import type { ServeOptions } from './main.js';
import { notImplemented } from './not-implemented.js';

export async function runServe(_opts: ServeOptions): Promise<number> {
  return notImplemented('serve');
}
