// `aisix mock` (placeholder).
import type { MockOptions } from './main.js';
import { notImplemented } from './not-implemented.js';

export async function runMock(_opts: MockOptions): Promise<number> {
  return notImplemented('mock');
}
