// `aisix test-request` (placeholder).
import type { TestRequestOptions } from './main.js';
import { notImplemented } from './not-implemented.js';

export async function runTestRequest(_opts: TestRequestOptions): Promise<number> {
  return notImplemented('test-request');
}
