// Failures below HTTP: the server could not be reached, the deadline passed, or the connection
// broke. `ResponsesClientError` carries the kind, the system code (`ECONNREFUSED`, …) and whether
// response headers had arrived, so a CLI can word a hint; HTTP and API errors are not thrown.

export type TransportFailure = 'connect' | 'timeout' | 'network';

const CONNECT_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT',
]);

export class ResponsesClientError extends Error {
  override readonly name = 'ResponsesClientError';

  constructor(
    readonly kind: TransportFailure,
    /** the system or undici error code, e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`; null when unknown */
    readonly code: string | null,
    /** the base URL that was called */
    readonly url: string,
    /** false: nothing came back; true: the status and headers had arrived, the body had not finished */
    readonly afterHeaders: boolean,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The error's code, preferring a concrete one from its AggregateError members (happy eyeballs) or its cause. */
export function errorCode(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const own = (err as { code?: unknown }).code;
  const code = typeof own === 'string' ? own : null;
  if (code !== null && code !== 'UND_ERR_ABORTED') return code;
  const members = (err as { errors?: unknown }).errors;
  const cause = (err as { cause?: unknown }).cause;
  const nested = [...(Array.isArray(members) ? members : []), ...(cause === err ? [] : [cause])];
  for (const inner of nested) {
    const found = errorCode(inner);
    if (found !== null) return found;
  }
  return code;
}

export interface FailureContext {
  url: string;
  timedOut: boolean;
  timeoutMs: number;
  afterHeaders: boolean;
}

export function toClientError(err: unknown, ctx: FailureContext): ResponsesClientError {
  const code = errorCode(err);
  const reason = err instanceof Error ? err.message : String(err);
  if (ctx.timedOut) {
    const what = ctx.afterHeaders ? 'the response did not finish' : 'no response';
    return new ResponsesClientError('timeout', code, ctx.url, ctx.afterHeaders, `${what} within ${ctx.timeoutMs} ms`, { cause: err });
  }
  const kind: TransportFailure = !ctx.afterHeaders && code !== null && CONNECT_CODES.has(code) ? 'connect' : 'network';
  const message = kind === 'connect' ? `cannot connect to ${ctx.url} (${code})` : `the connection broke: ${code ?? reason}`;
  return new ResponsesClientError(kind, code, ctx.url, ctx.afterHeaders, message, { cause: err });
}
