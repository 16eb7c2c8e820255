// Exit codes of every aisix command, in one place (DESIGN.md §1; `aisix run`'s own from §11: the
// command's status passes through, so aisix's failures use the codes `env` and `docker run` use).
export const ExitCode = {
  ok: 0,
  /** invalid config, failed request, or a start-up failure */
  failure: 1,
  /** usage error (commander's message) */
  usage: 2,
  /** `aisix run`: aisix itself failed (bad config, port in use, usage) — not the command's status */
  runFailure: 125,
  /** `aisix run`: the command was found but could not be executed (permission denied) */
  cannotExecute: 126,
  /** `aisix run`: the command was not found */
  notFound: 127,
} as const;

/** `aisix run`: the status of a command a signal ended (128 + the signal's number). */
export function signalExitCode(signalNumber: number): number {
  return 128 + signalNumber;
}

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
