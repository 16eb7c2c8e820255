// The model-name table: what each `mock-*` model makes the fake upstream do (README-models.md).
// Any name not in the table behaves like `mock-echo`. Looked up once per request with Map.get.
import { envelope, SERVER_ERROR, type ErrorEnvelope } from './errors.js';

/** What happens instead of (or to) a normal answer. */
export type Fault = 'none' | 'cut' | 'stall' | 'hang' | 'reset';
/** SSE line endings and whether `event:` lines are written. */
export type Framing = 'lf' | 'crlf' | 'data-only';
/** Where the output text comes from (`x-mock-output` and `metadata.mock_output` override all of them). */
export type OutputKind = 'echo' | 'long' | 'huge' | 'tool' | 'reasoning';

/** Tokens a model reports beyond the word counts: a cached prompt prefix, cache writes, reasoning. */
export interface ExtraTokens {
  /** input tokens read from the prompt cache (OpenAI `cached_tokens`, Anthropic `cache_read_input_tokens`) */
  cacheRead: number;
  /** input tokens written to the prompt cache (Anthropic `cache_creation_input_tokens`) */
  cacheWrite: number;
  /** output tokens spent on reasoning */
  reasoning: number;
}

/** An error answer: a JSON envelope (written in the request's JSON style) or a plain-text body. */
export type ErrorReply = { status: number; headers: Record<string, string> } & ({ json: ErrorEnvelope } | { text: string });

export interface Behaviour {
  name: string;
  output: OutputKind;
  usage: boolean;
  /** usage even on answers OpenAI sends without one (`/v1/moderations`): `mock-usage` */
  usageEverywhere: boolean;
  extraTokens: ExtraTokens;
  fault: Fault;
  error: ErrorReply | undefined;
  /** the first N calls (per server) answer 500, later ones are normal */
  burstFailures: number;
  firstByteDelayMs: number;
  deltaDelayMs: number;
  framing: Framing;
  bytewise: boolean;
  badSse: boolean;
}

const ECHO: Behaviour = {
  name: 'mock-echo',
  output: 'echo',
  usage: true,
  usageEverywhere: false,
  extraTokens: { cacheRead: 0, cacheWrite: 0, reasoning: 0 },
  fault: 'none',
  error: undefined,
  burstFailures: 0,
  firstByteDelayMs: 0,
  deltaDelayMs: 0,
  framing: 'lf',
  bytewise: false,
  badSse: false,
};

function jsonError(status: number, json: ErrorEnvelope, headers: Record<string, string> = {}): ErrorReply {
  return { status, json, headers };
}

const ERRORS = {
  429: jsonError(
    429,
    envelope(
      'Rate limit reached for mock-error-429 in organization org-mock on requests per min (RPM): Limit 1, Used 1, Requested 1. Please try again in 7s.',
      'requests',
      null,
      'rate_limit_exceeded',
    ),
    { 'retry-after': '7', 'x-ratelimit-remaining-requests': '0' },
  ),
  500: jsonError(500, SERVER_ERROR),
  400: jsonError(
    400,
    envelope("Invalid value for 'input': mock-error-400 always rejects its input.", 'invalid_request_error', 'input', 'invalid_value'),
  ),
  529: jsonError(529, envelope('Overloaded', 'overloaded_error')),
  text: { status: 400, text: 'Bad Request: mock-error-text answers in plain text, not JSON.\n', headers: {} },
} as const;

/** What `mock-burst-500` answers on its failing calls. */
export const BURST_ERROR: ErrorReply = ERRORS[500];

export const CACHE_READ_TOKENS = 64;
export const CACHE_WRITE_TOKENS = 16;
export const REASONING_TOKENS = 32;

const OVERRIDES: Record<string, Partial<Behaviour>> = {
  'mock-echo': {},
  'mock-slow': { firstByteDelayMs: 500, deltaDelayMs: 100 },
  'mock-error-429': { error: ERRORS[429] },
  'mock-error-500': { error: ERRORS[500] },
  'mock-error-400': { error: ERRORS[400] },
  'mock-error-529': { error: ERRORS[529] },
  'mock-error-text': { error: ERRORS.text },
  'mock-burst-500': { burstFailures: 3 },
  'mock-cut': { fault: 'cut' },
  'mock-stall': { fault: 'stall' },
  'mock-hang': { fault: 'hang' },
  'mock-reset': { fault: 'reset' },
  'mock-no-usage': { usage: false },
  'mock-usage': { usageEverywhere: true },
  'mock-long': { output: 'long' },
  'mock-huge': { output: 'huge' },
  'mock-reasoning': { output: 'reasoning', extraTokens: { cacheRead: CACHE_READ_TOKENS, cacheWrite: 0, reasoning: REASONING_TOKENS } },
  'mock-cache': { extraTokens: { cacheRead: CACHE_READ_TOKENS, cacheWrite: CACHE_WRITE_TOKENS, reasoning: 0 } },
  'mock-tool': { output: 'tool' },
  'mock-crlf': { framing: 'crlf' },
  'mock-data-only': { framing: 'data-only' },
  'mock-bytewise': { bytewise: true },
  'mock-bad-sse': { badSse: true },
};

const TABLE = new Map<string, Behaviour>(
  Object.entries(OVERRIDES).map(([name, override]) => [name, { ...ECHO, ...override, name }]),
);

/** Every model name with a behaviour, as `GET /v1/models` lists them. */
export const MOCK_MODELS: readonly string[] = [...TABLE.keys()];

export function behaviourFor(model: string): Behaviour {
  return TABLE.get(model) ?? ECHO;
}
