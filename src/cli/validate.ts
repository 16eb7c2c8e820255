// `aisix validate` (placeholder until the config loader lands).
import type { ValidateOptions } from './main.js';
import { notImplemented } from './not-implemented.js';

export async function runValidate(_opts: ValidateOptions): Promise<number> {
  return notImplemented('validate');
}
