// The detail view's sections for a captured exchange (DESIGN §13): the request (readable
// rendering of a model request, then its JSON pretty-printed, or its text), the response (the
// assembled answer: text, reasoning, tool calls with pretty arguments; then the raw body — JSON
// pretty-printed, an SSE stream as its frames), and the request and response headers (redacted by
// the gateway). Nothing is cut here: long lines wrap in the view, truncated captures say so.
import type { CapturedBody, CapturedExchange } from '../../events/capture.js';
import { count, LineSink } from './detail-line.js';
import { isRecord, parseJson, prettyJsonText } from './json-read.js';
import { readableRequest, requestProtocol } from './request-readable.js';

/** `… truncated: N of M bytes kept (proxy.capture_max_bytes)` for a cut body, else null. */
export function truncatedNote(body: CapturedBody): string | null {
  if (!body.truncated) return null;
  const kept = Buffer.byteLength(body.text, body.encoding === 'base64' ? 'base64' : 'utf8');
  return `… truncated: ${kept} of ${body.bytes} bytes kept (proxy.capture_max_bytes)`;
}

function sizeOf(body: CapturedBody | null): string {
  return body === null ? 'no body' : `${count(body.bytes)} bytes`;
}

export function requestSection(out: LineSink, ex: CapturedExchange): void {
  const { request } = ex;
  out.title(`request  ${request.method} ${request.url}  ${sizeOf(request.body)}`);
  const body = request.body;
  if (body === null) return;
  const parsed = body.encoding === 'utf8' && !body.truncated ? parseJson(body.text) : undefined;
  const protocol = parsed === undefined ? null : requestProtocol(request.url, parsed.value);
  if (parsed !== undefined && protocol !== null && isRecord(parsed.value)) {
    readableRequest(out, protocol, parsed.value);
    out.line('json', 'info');
  }
  rawBody(out, body, parsed === undefined ? null : JSON.stringify(parsed.value, null, 2), false);
}

export function responseSection(out: LineSink, ex: CapturedExchange): void {
  const { response } = ex;
  const body = response.body;
  const stream = body !== null && isEventStream(ex);
  out.title(`response  ${response.status}  ${sizeOf(body)}${stream ? '  stream' : ''}`);
  const a = response.assembled;
  if (a !== null) {
    if (a.reasoning !== '') out.labelled('reasoning', a.reasoning, 'dim');
    if (a.text !== '' || (a.reasoning === '' && a.tool_calls.length === 0)) out.labelled('text', a.text);
    for (const call of a.tool_calls) {
      out.line(`tool call ${call.name}${call.id !== null ? ` (${call.id})` : ''}:`);
      out.text(prettyJsonText(call.arguments));
    }
  }
  if (body === null) return;
  out.line(stream ? 'stream frames' : 'body', 'info');
  const parsed = !stream && body.encoding === 'utf8' && !body.truncated ? parseJson(body.text) : undefined;
  rawBody(out, body, parsed === undefined ? null : JSON.stringify(parsed.value, null, 2), stream);
}

/** A body's text as lines: its pretty JSON when given, else its text (SSE frames as they came). */
function rawBody(out: LineSink, body: CapturedBody, pretty: string | null, stream: boolean): void {
  if (body.encoding === 'base64') {
    out.line('binary, shown as base64', 'dim');
    out.line(body.text, 'dim');
  } else {
    out.text(pretty ?? (stream ? body.text.replace(/(\r?\n)+$/, '') : body.text), 'plain', 2);
  }
  const note = truncatedNote(body);
  if (note !== null) out.line(note, 'warn');
}

/**
 * Whether the exchange's answer is an event stream: its content-type says so, or (none sent) its
 * body reads as SSE frames. The one test of "is this a stream" in the TUI (the response section,
 * export's `curl -N`).
 */
export function isEventStream(ex: Pick<CapturedExchange, 'response'>): boolean {
  const type = ex.response.headers['content-type'] ?? '';
  if (type.includes('text/event-stream')) return true;
  const body = ex.response.body;
  return type === '' && body !== null && body.encoding === 'utf8' && /^(event|data): /.test(body.text);
}

export function headersSection(out: LineSink, ex: CapturedExchange): void {
  out.title('headers');
  headerList(out, 'request', ex.request.headers);
  headerList(out, 'response', ex.response.headers);
}

function headerList(out: LineSink, label: string, headers: Record<string, string>): void {
  const names = Object.keys(headers).sort();
  out.line(`${label}${names.length === 0 ? ': none' : ''}`, 'info');
  for (const name of names) out.line(`${name}: ${headers[name] ?? ''}`, 'plain', 4);
}
