// Placeholder answer for commands whose issue has not landed yet (exit 2, as the foundation issue asks).
import { ExitCode } from './exit-codes.js';

export function notImplemented(command: string): number {
  process.stderr.write(`aisix ${command}: not implemented yet\n`);
  return ExitCode.usage;
}
