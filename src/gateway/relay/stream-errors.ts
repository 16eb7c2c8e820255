// Words for a stream that failed after the client already got its 200: idle timeout, reset, abort.

export function transportErrorMessage(err: unknown, idleTimeoutMs: number): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (code === 'UND_ERR_BODY_TIMEOUT') return `the upstream stream went idle for longer than ${idleTimeoutMs} ms`;
  const reason = typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  return `the upstream stream broke: ${reason}`;
}
