// The detail view's content as plain lines: ids, route (an injected fault, a tape), timings, usage breakdown, guardrail hits,
// the error envelope for failures and the input/output previews when the store still has them.
// Computed only for the selected row, so it may be as verbose as it likes. Every line passes
// through terminalSafe on the way out (ids, caller, route, error message, previews come from
// callers and upstreams); previews are split at their line breaks first, so those become lines.
import { terminalSafe } from '../../text/terminal-safe.js';
import type { Row, Previews } from './request-store.js';
import type { Tone } from './row-cells.js';
import { routeText } from './row-cells.js';
import { blockedLabelFor, clockTime, formatCost, formatMs } from './format.js';

export interface DetailLine {
  text: string;
  tone: Tone;
  /** section titles render bold */
  title?: boolean;
}

const PREVIEW_LINES = 4;

/** Every line of the detail view for `row` (the view clips to the terminal). */
export function detailLines(row: Row, previews: Previews | null, now: number): DetailLine[] {
  return rawLines(row, previews, now).map((l) => {
    const text = terminalSafe(l.text);
    return text === l.text ? l : { ...l, text };
  });
}

function rawLines(row: Row, previews: Previews | null, now: number): DetailLine[] {
  const f = row.finished;
  const out: DetailLine[] = [];
  const title = (text: string): void => void out.push({ text, tone: 'plain', title: true });
  const line = (text: string, tone: Tone = 'plain'): void => void out.push({ text: `  ${text}`, tone });

  const state = f ? `${f.status} ${f.outcome}` : `in flight for ${formatMs(now - row.startedAt)}`;
  const stateTone: Tone = !f ? 'live' : row.kind === 'ok' ? 'ok' : row.kind === 'blocked' ? 'block' : f.status >= 500 ? 'bad' : 'warn';
  out.push({ text: `${row.method} ${row.path}  ${state}`, tone: stateTone, title: true });
  const blocked = f ? blockedLabelFor(f) : null;
  if (blocked) line(blocked, 'block');

  title('ids');
  line(`request   ${row.id}`);
  line(`upstream  ${f?.upstream_request_id ?? '-'}`);
  line(`response  ${f?.response_id ?? '-'}`);

  title('route');
  line(`time ${clockTime(row.time)}  caller ${f?.caller ?? '-'}  stream ${f ? (f.stream ? 'yes' : 'no') : '-'}`);
  if (f) line(`${routeText(row)}  provider ${f.provider ?? '-'}`);
  if (!f) return out;
  if (f.fault !== null) line(`injected fault: ${f.fault}`, 'warn');
  if (f.tape !== null) line(`tape: ${f.tape}`);

  title('timings');
  line(`latency ${formatMs(f.latency_ms)}  upstream ${formatMs(f.upstream_ms) || '-'}  ttft ${formatMs(f.ttft_ms) || '-'}`);

  if (f.attempts.length > 1 || f.served_by !== null) {
    title('attempts');
    for (const a of f.attempts) line(`${a.target}  ${a.status ?? 'no answer'}${a.error_code !== null ? `  ${a.error_code}` : ''}  ${formatMs(a.ms)}`, a.status !== null && a.status < 300 ? 'plain' : 'warn');
    if (f.served_by !== null) line(`served by ${f.served_by}`);
  }

  title('usage');
  const u = f.usage;
  if (u) {
    line(`input ${u.input_tokens} (cached ${u.cached_tokens})  output ${u.output_tokens} (reasoning ${u.reasoning_tokens})  total ${u.total_tokens}`);
  } else {
    line('none reported by the upstream', 'dim');
  }
  line(`cost ${formatCost(f.cost_usd) || '-'}`);

  if (f.guardrails.length > 0) {
    title('guardrails');
    for (const h of f.guardrails) {
      const tone: Tone = h.action === 'block' ? 'block' : h.action === 'monitor' ? 'mark' : 'plain';
      line(`${h.name}  ${h.stage}  ${h.action}  rule ${h.rule}`, tone);
    }
  }

  if (row.kind !== 'ok') {
    title('error');
    line(`${f.status}  type ${f.error_type ?? '-'}  code ${f.error_code ?? '-'}`, row.kind === 'blocked' ? 'block' : 'warn');
    if (f.error_message) line(f.error_message, 'plain');
  }

  if (!previews) {
    out.push({ text: 'previews not kept (only the latest requests keep them, when the gateway sends them)', tone: 'dim' });
  }
  previewSection(out, 'input preview', previews?.input);
  previewSection(out, 'output preview', previews?.output);
  return out;
}

function previewSection(out: DetailLine[], name: string, text: string | undefined): void {
  if (text === undefined) return;
  out.push({ text: name, tone: 'plain', title: true });
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  for (const l of lines.slice(0, PREVIEW_LINES)) out.push({ text: `  ${l}`, tone: 'dim' });
  if (lines.length > PREVIEW_LINES) out.push({ text: `  … ${lines.length - PREVIEW_LINES} more lines`, tone: 'dim' });
}
