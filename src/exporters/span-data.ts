// What one OTLP span says about one finished request, as plain data (no OpenTelemetry imports, so
// it is cheap to load and to test): the GenAI semantic-convention attributes plus aisix's own,
// the span's start and end in epoch ms (the request's arrival and arrival + latency), and an error
// status for every outcome but `ok`. Also where an endpoint's spans go, and how it is shown.
import type { RequestFinished } from '../events/types.js';

export type AttributeValue = string | number | boolean;

export interface SpanData {
  /** `chat gpt-4o-prod` (GenAI convention: operation and model), else `POST /v1/models` */
  name: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, AttributeValue>;
  /** the error status message for a non-ok outcome, else null (status left unset) */
  error: string | null;
}

/** GenAI `gen_ai.operation.name` per route; routes without one get none. */
const OPERATIONS: Readonly<Record<string, string>> = {
  '/v1/chat/completions': 'chat',
  '/v1/responses': 'chat',
  '/v1/messages': 'chat',
  '/v1/completions': 'text_completion',
  '/v1/embeddings': 'embeddings',
};

export function spanData(e: RequestFinished): SpanData {
  const operation = OPERATIONS[e.route];
  const attributes: Record<string, AttributeValue> = {};
  const set = (key: string, value: AttributeValue | null | undefined): void => {
    if (value !== null && value !== undefined) attributes[key] = value;
  };
  set('gen_ai.operation.name', operation);
  set('gen_ai.request.model', e.alias);
  set('gen_ai.response.model', e.upstream_model);
  set('gen_ai.provider.name', e.provider);
  set('gen_ai.response.id', e.response_id);
  set('gen_ai.usage.input_tokens', e.usage?.input_tokens);
  set('gen_ai.usage.output_tokens', e.usage?.output_tokens);
  set('http.request.method', e.method);
  set('http.route', e.route);
  set('http.response.status_code', e.status);
  set('aisix.request_id', e.id);
  set('aisix.caller', e.caller);
  set('aisix.outcome', e.outcome);
  set('aisix.stream', e.stream);
  set('aisix.cost_usd', e.cost_usd);
  const error = e.outcome === 'ok' ? null : (e.error_code ?? e.error_type ?? e.outcome);
  if (error !== null) set('error.type', e.error_type ?? e.outcome);
  const arrived = Date.parse(e.time);
  const startMs = Number.isFinite(arrived) ? arrived : Date.now() - e.latency_ms;
  return {
    name: operation !== undefined && e.alias !== null ? `${operation} ${e.alias}` : `${e.method} ${e.route}`,
    startMs,
    endMs: startMs + Math.max(0, e.latency_ms),
    attributes,
    error,
  };
}

/** OTLP's `[seconds, nanoseconds]` for an epoch-ms time (fractions of a ms kept). */
export function hrTime(ms: number): [number, number] {
  let seconds = Math.floor(ms / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1e6);
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  return [seconds, nanos];
}

/** `<endpoint>/v1/traces`, or the endpoint itself when it already ends in `/v1/traces`. */
export function tracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/v1/traces')) url.pathname = `${path}/v1/traces`;
  return url.toString();
}

/** The URL as warnings show it: no user info, no query (either may carry a credential). */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
