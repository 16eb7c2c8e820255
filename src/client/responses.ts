// `sendResponsesRequest`: one `POST {url}/v1/responses` call through undici, JSON or streamed.
// HTTP errors and in-stream errors come back in the result; only transport failures (refused,
// timed out, broken connection) throw a `ResponsesClientError`.
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { httpError, responseError } from './api-error.js';
import { field, parseJson, record, str } from '../protocols/json-fields.js';
import { outputText } from '../protocols/responses/output-text.js';
import { readResponsesStream, type StreamOutcome } from './read-stream.js';
import { toClientError } from './transport-error.js';
import type { ResponsesRequest, ResponsesResult } from './types.js';
import { responsesUsage as readUsage } from '../protocols/responses/usage.js';

export interface SendOptions extends ResponsesRequest {
  /** keep every stream event in `result.events` (default true; off for callers that use `onEvent`) */
  keepEvents?: boolean;
}

/** `{url}/v1/responses`; a URL that already ends in `/v1` gets only `/responses`. */
export function responsesEndpoint(url: string): string {
  const base = url.replace(/\/+$/, '');
  return base.endsWith('/v1') ? `${base}/responses` : `${base}/v1/responses`;
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function startDeadline(timeoutMs: number | undefined): { signal: AbortSignal; timedOut: () => boolean; clear: () => void } {
  const controller = new AbortController();
  let fired = false;
  const timer = timeoutMs !== undefined && timeoutMs > 0
    ? setTimeout(() => {
        fired = true;
        controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs)
    : null;
  return { signal: controller.signal, timedOut: () => fired, clear: () => timer !== null && clearTimeout(timer) };
}

export async function sendResponsesRequest(opts: SendOptions): Promise<ResponsesResult> {
  const deadline = startDeadline(opts.timeoutMs);
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  let afterHeaders = false;
  try {
    const res = await request(responsesEndpoint(opts.url), {
      method: 'POST',
      headers: requestHeaders(opts.apiKey),
      body: JSON.stringify({ model: opts.model, input: opts.input, stream: opts.stream }),
      signal: deadline.signal,
      headersTimeout: 0,
      bodyTimeout: 0,
      ...(opts.dispatcher === undefined ? {} : { dispatcher: opts.dispatcher }),
    });
    afterHeaders = true;
    const head = { status: res.statusCode, headers: flattenHeaders(res.headers), headersMs: elapsed() };
    if (opts.stream && head.status >= 200 && head.status < 300) {
      let ttftMs: number | null = null;
      const outcome = await readResponsesStream(res.body, { ...opts, onFirstDelta: () => (ttftMs = elapsed()) });
      return streamResult(head, outcome, { headersMs: head.headersMs, ttftMs, totalMs: elapsed() });
    }
    const text = await res.body.text();
    return jsonResult(head, text, opts.stream, { headersMs: head.headersMs, ttftMs: null, totalMs: elapsed() });
  } catch (err) {
    throw toClientError(err, { url: opts.url, timedOut: deadline.timedOut(), timeoutMs: opts.timeoutMs ?? 0, afterHeaders });
  } finally {
    deadline.clear();
  }
}

function requestHeaders(apiKey: string | null | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (apiKey !== undefined && apiKey !== null && apiKey !== '') headers.authorization = `Bearer ${apiKey}`;
  return headers;
}

interface Head {
  status: number;
  headers: Record<string, string>;
}

function requestIdOf(headers: Record<string, string>): string | null {
  return headers['x-aisix-request-id'] ?? headers['x-request-id'] ?? null;
}

function streamResult(head: Head, out: StreamOutcome, timings: ResponsesResult['timings']): ResponsesResult {
  return {
    ...head, requestId: requestIdOf(head.headers), stream: true, json: null, rawBody: null,
    events: out.events, response: out.response, text: out.text, terminal: out.terminal,
    usage: readUsage(field(out.response, 'usage')), model: str(field(out.response, 'model')), error: out.error, timings,
  };
}

function jsonResult(head: Head, body: string, stream: boolean, timings: ResponsesResult['timings']): ResponsesResult {
  const json = parseJson(body);
  const ok = head.status >= 200 && head.status < 300;
  const response = ok ? record(json) : null;
  const failed = response !== null && field(response, 'status') === 'failed';
  return {
    ...head, requestId: requestIdOf(head.headers), stream, json: json ?? null, rawBody: json === undefined ? body : null,
    events: [], response, text: outputText(response), terminal: null,
    usage: readUsage(field(response, 'usage')), model: str(field(response, 'model')),
    error: !ok ? httpError(head.status, json, json === undefined ? body : null) : failed ? responseError(response) : null,
    timings,
  };
}
