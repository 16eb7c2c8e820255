// `aisix init` (placeholder).
import { notImplemented } from './not-implemented.js';

export async function runInit(_file: string): Promise<number> {
  return notImplemented('init');
}
