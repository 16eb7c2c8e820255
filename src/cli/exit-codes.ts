// Exit codes of every aisix command, in one place (DESIGN.md §1).
export const ExitCode = {
  ok: 0,
  /** invalid config, failed request, or a start-up failure */
  failure: 1,
  /** usage error (commander's message) */
  usage: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
