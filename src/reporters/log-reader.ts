// Reading a request log back (the JSONL that log-file.ts writes, DESIGN §5): one
// `{"event":"request.finished", …}` object per line. Streams the input line by line (a log can be
// hundreds of MB), hands each `request.finished` line on as a summary input, skips other events
// (`warning` lines) and blank lines, and counts the malformed ones: not JSON, not an event object,
// or a `request.finished` whose fields the summary reads have the wrong type. Fields a line lacks
// that only newer versions write (usage's cached/reasoning tokens, ttft_ms) count as 0 / null.
import { createInterface } from 'node:readline';
import type { SummaryInput } from './summary.js';

export type LogLine = { kind: 'finished'; event: SummaryInput } | { kind: 'other' } | { kind: 'malformed' };

export interface LogReadResult {
  /** request.finished lines handed on */
  finished: number;
  malformed: number;
  /** the 1-based number of the first malformed line, or null */
  firstMalformed: number | null;
}

/** Reads `input` to its end, calling `onFinished` per request.finished line. Rejects on a read error. */
export async function readRequestLog(input: NodeJS.ReadableStream, onFinished: (event: SummaryInput) => void): Promise<LogReadResult> {
  const result: LogReadResult = { finished: 0, malformed: 0, firstMalformed: null };
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    const parsed = parseLogLine(line);
    if (parsed.kind === 'finished') {
      result.finished++;
      onFinished(parsed.event);
    } else if (parsed.kind === 'malformed') {
      result.malformed++;
      result.firstMalformed ??= n;
    }
  }
  return result;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** One line of a request log: a finished request, another event (or a blank line), or malformed. */
export function parseLogLine(line: string): LogLine {
  const text = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
  if (text.trim() === '') return { kind: 'other' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'malformed' };
  }
  if (!isObject(value) || typeof value.event !== 'string') return { kind: 'malformed' };
  if (value.event !== 'request.finished') return { kind: 'other' };
  const event = summaryInput(value);
  return event === null ? { kind: 'malformed' } : { kind: 'finished', event };
}

/** the string, null for null or absent, undefined (wrong) for anything else */
function nullableString(v: unknown): string | null | undefined {
  return v === undefined || v === null ? null : typeof v === 'string' ? v : undefined;
}

function nullableNumber(v: unknown): number | null | undefined {
  return v === undefined || v === null ? null : typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function usageOf(v: unknown): SummaryInput['usage'] | undefined {
  if (v === undefined || v === null) return null;
  if (!isObject(v)) return undefined;
  const count = (field: string): number | undefined => (v[field] === undefined ? 0 : isCount(v[field]) ? v[field] : undefined);
  const [input_tokens, output_tokens, cached_tokens, reasoning_tokens] = ['input_tokens', 'output_tokens', 'cached_tokens', 'reasoning_tokens'].map(count);
  if (input_tokens === undefined || output_tokens === undefined || cached_tokens === undefined || reasoning_tokens === undefined) return undefined;
  return { input_tokens, output_tokens, cached_tokens, reasoning_tokens };
}

function summaryInput(v: Json): SummaryInput | null {
  const { time, status, outcome, latency_ms } = v;
  if (typeof time !== 'string' || typeof outcome !== 'string' || typeof status !== 'number' || !Number.isInteger(status) || !isCount(latency_ms)) return null;
  const alias = nullableString(v.alias);
  const caller = nullableString(v.caller);
  const upstreamModel = nullableString(v.upstream_model);
  const usage = usageOf(v.usage);
  const cost = nullableNumber(v.cost_usd);
  const ttft = nullableNumber(v.ttft_ms);
  if (alias === undefined || caller === undefined || upstreamModel === undefined || usage === undefined || cost === undefined || ttft === undefined) return null;
  return { time, alias, caller, upstream_model: upstreamModel, status, outcome, usage, cost_usd: cost, latency_ms, ttft_ms: ttft };
}
