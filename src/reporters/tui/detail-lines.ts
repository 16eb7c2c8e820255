// The detail view's content as logical lines (the view wraps them), in this order: the summary
// (state, ids, route, usage, the error envelope), timings (the capture's breakdown, else the
// event's), attempts, guardrail hits with the matched rule, then — with a captured exchange
// (DESIGN §13) — request, response and headers, or without one the input/output previews and how
// to get whole bodies (or that they are no longer kept). Every line passes through terminalSafe on the way out (ids, caller, route,
// error message, bodies and headers come from callers and upstreams); bodies are split at their
// line breaks first, so those become lines, and tabs become spaces.
import type { CapturedExchange } from '../../events/capture.js';
import { terminalSafe } from '../../text/terminal-safe.js';
import { headersSection, requestSection, responseSection } from './capture-lines.js';
import { LineSink, type DetailLine } from './detail-line.js';
import type { Previews, Row } from './request-store.js';
import type { Tone } from './row-cells.js';
import { routeText } from './row-cells.js';
import { blockedLabelFor, clockTime, formatCost, formatMs } from './format.js';

export type { DetailLine } from './detail-line.js';

export interface DetailInput {
  row: Row;
  previews: Previews | null;
  /** the captured exchange of the request, when the gateway kept one */
  capture: CapturedExchange | null;
  /** the gateway captures bodies (so a missing capture was dropped: proxy.capture_keep); default false */
  capturing?: boolean;
  /** store clock (ms), for an in-flight row's elapsed time */
  now: number;
}

export const WHOLE_BODIES_HINT = 'whole bodies: set proxy.capture_bodies: true';
export const BODY_GONE_HINT = 'whole bodies: body no longer kept (proxy.capture_keep)';

/** Every logical line of the detail view (the view wraps and scrolls them). */
export function detailLines(input: DetailInput): DetailLine[] {
  return rawLines(input).map((l) => {
    const text = terminalSafe(l.text.includes('\t') ? l.text.replace(/\t/g, '    ') : l.text);
    return text === l.text ? l : { ...l, text };
  });
}

function rawLines({ row, previews, capture, capturing = false, now }: DetailInput): DetailLine[] {
  const f = row.finished;
  const out = new LineSink();

  const state = f ? `${f.status} ${f.outcome}` : `in flight for ${formatMs(now - row.startedAt)}`;
  const stateTone: Tone = !f ? 'live' : row.kind === 'ok' ? 'ok' : row.kind === 'blocked' ? 'block' : f.status >= 500 ? 'bad' : 'warn';
  out.title(`${row.method} ${row.path}  ${state}`, stateTone);
  const blocked = f ? blockedLabelFor(f) : null;
  if (blocked) out.line(blocked, 'block');
  out.line(`request   ${row.id}`);
  out.line(`upstream  ${f?.upstream_request_id ?? '-'}`);
  out.line(`response  ${f?.response_id ?? '-'}`);
  out.line(`time ${clockTime(row.time)}  caller ${f?.caller ?? '-'}  stream ${f ? (f.stream ? 'yes' : 'no') : '-'}`);
  if (f) out.line(`${routeText(row)}  provider ${f.provider ?? '-'}`);
  if (!f) return out.lines;
  if (f.fault !== null) out.line(`injected fault: ${f.fault}`, 'warn');
  if (f.tape !== null) out.line(`tape: ${f.tape}`);
  const u = f.usage;
  if (u) out.line(`input ${u.input_tokens} (cached ${u.cached_tokens})  output ${u.output_tokens} (reasoning ${u.reasoning_tokens})  total ${u.total_tokens}`);
  else out.line('usage: none reported by the upstream', 'dim');
  out.line(`cost ${formatCost(f.cost_usd) || '-'}`);
  if (row.kind !== 'ok') {
    out.line(`error ${f.status}  type ${f.error_type ?? '-'}  code ${f.error_code ?? '-'}`, row.kind === 'blocked' ? 'block' : 'warn');
    // one line: its line breaks are shown escaped (it is the envelope's text, not a body)
    if (f.error_message) out.line(f.error_message);
  }

  out.title('timings');
  const t = capture?.timings;
  const ms = (v: number | null | undefined): string => formatMs(v ?? null) || '-';
  out.line(
    t
      ? `queue ${ms(t.queue_ms)}  upstream headers ${ms(t.upstream_headers_ms)}  first token ${ms(t.first_token_ms)}  total ${ms(t.total_ms)}`
      : `queue -  upstream headers ${ms(f.upstream_ms)}  first token ${ms(f.ttft_ms)}  total ${ms(f.latency_ms)}`,
  );

  if (f.attempts.length > 0 || f.served_by !== null) {
    out.title('attempts');
    for (const a of f.attempts) out.line(`${a.target}  ${a.status ?? 'no answer'}${a.error_code !== null ? `  ${a.error_code}` : ''}  ${formatMs(a.ms)}`, a.status !== null && a.status < 300 ? 'plain' : 'warn');
    if (f.served_by !== null) out.line(`served by ${f.served_by}`);
  }

  if (f.guardrails.length > 0) {
    out.title('guardrails');
    for (const h of f.guardrails) {
      const tone: Tone = h.action === 'block' ? 'block' : h.action === 'monitor' ? 'mark' : 'plain';
      out.line(`${h.name}  ${h.stage}  ${h.action}  rule ${h.rule}`, tone);
    }
  }

  if (capture) {
    requestSection(out, capture);
    responseSection(out, capture);
    headersSection(out, capture);
    return out.lines;
  }
  out.line(capturing ? BODY_GONE_HINT : WHOLE_BODIES_HINT, 'info', 0);
  if (!previews) out.line('previews not kept (only the latest requests keep them, when the gateway sends them)', 'dim', 0);
  previewSection(out, 'input preview', previews?.input);
  previewSection(out, 'output preview', previews?.output);
  return out.lines;
}

function previewSection(out: LineSink, name: string, text: string | undefined): void {
  if (text === undefined) return;
  out.title(name);
  for (const l of text.split(/\r?\n/)) if (l.trim() !== '') out.line(l, 'dim');
}
