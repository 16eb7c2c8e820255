// The line reporter (no TTY, CI, --no-tui): one line per finished request on stdout, e.g.
// `12:01:07 200 local-dev gpt-4o-prod→gpt-4o-mini stream 13→9 tok 412ms ttft 180ms` (plus
// `3 tries`, `via <target>` and `cached` after retries, failover and cache hits; `RATE LIMITED`;
// `FAULT <kind>` for an injected fault, `replayed`/`recorded` for tapes); config reload notices and warnings go
// to stderr. Every line passes through terminalSafe: callers, aliases a caller chose, upstream models and error codes, config messages and warnings are
// printed with their control characters escaped. Stdout goes through the batched writer
// (backpressure; lines dropped past its cap are announced by one notice line).
import type { EventBus } from '../events/bus.js';
import { blockedLabel, rateLimitedLabel, routeMarks, softHits } from '../events/labels.js';
import type { RequestFinished } from '../events/types.js';
import { terminalSafe } from '../text/terminal-safe.js';
import { createBatchedWriter, type BatchedWriterOptions } from './batched-writer.js';

export interface LineReporterOptions {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** the stdout queue's settings (cap, scheduling); defaults suit `serve` */
  writer?: BatchedWriterOptions;
}

function clock(iso: string): string {
  return iso.slice(11, 19);
}

function ms(value: number): string {
  return `${Math.round(value)}ms`;
}

/** One line (no `\n`) for a finished request, outside text escaped. */
export function formatRequestLine(e: RequestFinished): string {
  const parts = [clock(e.time), String(e.status), e.caller ?? '-'];
  if (e.alias !== null) parts.push(e.upstream_model !== null ? `${e.alias}→${e.upstream_model}` : e.alias);
  else parts.push(`${e.method} ${e.route}`);
  if (e.stream) parts.push('stream');
  const blocked = blockedLabel(e);
  if (blocked !== null) parts.push(blocked);
  else if (e.outcome !== 'ok') parts.push(rateLimitedLabel(e) ?? e.error_code ?? e.outcome);
  if (e.usage !== null) parts.push(`${e.usage.input_tokens}→${e.usage.output_tokens} tok`);
  parts.push(ms(e.latency_ms));
  if (e.ttft_ms !== null && e.stream) parts.push(`ttft ${ms(e.ttft_ms)}`);
  if (e.cost_usd !== null) parts.push(`$${e.cost_usd.toFixed(6)}`);
  parts.push(...routeMarks(e));
  for (const name of softHits(e, 'mask')) parts.push(`masked ${name}`);
  for (const name of softHits(e, 'monitor')) parts.push(`monitor ${name}`);
  return terminalSafe(parts.join(' '));
}

/** A warning as printed: escaped; a multi-line message keeps its lines, indented under the first. */
export function formatWarning(message: string): string {
  return `aisix: warning: ${terminalSafe(message, { multiline: true }).replace(/\n/g, '\n  ')}`;
}

export function attachLineReporter(bus: EventBus, { stdout, stderr, writer }: LineReporterOptions): () => void {
  const out = createBatchedWriter(stdout, writer);
  const offs = [
    bus.on('request.finished', (e) => out.write(`${formatRequestLine(e)}\n`)),
    bus.on('config.reloaded', (e) => {
      const changes = [`+${e.added.length}`, `-${e.removed.length}`, `~${e.changed.length}`].join(' ');
      stderr.write(`${terminalSafe(`${clock(e.time)} config reloaded (aliases ${changes})`)}\n`);
    }),
    bus.on('config.rejected', (e) => {
      const lines = [`${clock(e.time)} config rejected; still serving the last good config:`];
      for (const issue of e.errors) lines.push(`  ${issue.line}:${issue.col}: ${issue.scope}: ${issue.message}`);
      stderr.write(lines.map((line) => `${terminalSafe(line)}\n`).join(''));
    }),
    bus.on('warning', (w) => void stderr.write(`${formatWarning(w.message)}\n`)),
  ];
  return () => {
    offs.forEach((off) => off());
    out.flush();
  };
}
