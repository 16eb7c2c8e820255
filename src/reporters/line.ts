// The line reporter (no TTY, CI, --no-tui): one line per finished request on stdout, e.g.
// `12:01:07 200 local-dev gpt-4o-prod→gpt-4o-mini stream 13→9 tok 412ms ttft 180ms`; config
// reload notices and warnings go to stderr.
import type { EventBus } from '../events/bus.js';
import { blockedLabel, softHits } from '../events/labels.js';
import type { RequestFinished } from '../events/types.js';
import { createBatchedWriter } from './batched-writer.js';

export interface LineReporterOptions {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

function clock(iso: string): string {
  return iso.slice(11, 19);
}

function ms(value: number): string {
  return `${Math.round(value)}ms`;
}

export function formatRequestLine(e: RequestFinished): string {
  const parts = [clock(e.time), String(e.status), e.caller ?? '-'];
  if (e.alias !== null) parts.push(e.upstream_model !== null ? `${e.alias}→${e.upstream_model}` : e.alias);
  else parts.push(`${e.method} ${e.route}`);
  if (e.stream) parts.push('stream');
  const blocked = blockedLabel(e);
  if (blocked !== null) parts.push(blocked);
  else if (e.outcome !== 'ok') parts.push(e.error_code ?? e.outcome);
  if (e.usage !== null) parts.push(`${e.usage.input_tokens}→${e.usage.output_tokens} tok`);
  parts.push(ms(e.latency_ms));
  if (e.ttft_ms !== null && e.stream) parts.push(`ttft ${ms(e.ttft_ms)}`);
  if (e.cost_usd !== null) parts.push(`$${e.cost_usd.toFixed(6)}`);
  for (const name of softHits(e, 'mask')) parts.push(`masked ${name}`);
  for (const name of softHits(e, 'monitor')) parts.push(`monitor ${name}`);
  return parts.join(' ');
}

export function attachLineReporter(bus: EventBus, { stdout, stderr }: LineReporterOptions): () => void {
  const out = createBatchedWriter(stdout);
  const offs = [
    bus.on('request.finished', (e) => out.write(`${formatRequestLine(e)}\n`)),
    bus.on('config.reloaded', (e) => {
      const changes = [`+${e.added.length}`, `-${e.removed.length}`, `~${e.changed.length}`].join(' ');
      stderr.write(`${clock(e.time)} config reloaded (aliases ${changes})\n`);
    }),
    bus.on('config.rejected', (e) => {
      stderr.write(`${clock(e.time)} config rejected; still serving the last good config:\n`);
      for (const issue of e.errors) stderr.write(`  ${issue.line}:${issue.col}: ${issue.scope}: ${issue.message}\n`);
    }),
    bus.on('warning', (w) => void stderr.write(`aisix: warning: ${w.message}\n`)),
  ];
  return () => {
    offs.forEach((off) => off());
    out.flush();
  };
}
