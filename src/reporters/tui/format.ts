// Pure text helpers for the TUI: numbers, durations, cost, clock times, the shared
// `BLOCKED input|output <guardrail>` label, and fixed-width cells. No colours here (components
// colour), so every helper is unit-testable as plain strings. Table text stays printable ASCII
// (`->`, not `→`): Ink measures each line with string-width, whose fast path is ASCII only, and
// one arrow per row made every frame ~30% more expensive to draw under load.
import type { GuardrailHit, RequestFinished, Usage } from '../../events/types.js';
import { blockingHit, hitsWith } from './classify.js';

/** 950 → "950", 12_345 → "12.3k", 2_500_000 → "2.5M". */
export function formatTokens(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 1_000_000) return `${trimFixed(n / 1000, 1)}k`;
  return `${trimFixed(n / 1_000_000, 1)}M`;
}

/** "13->9", or "" when the upstream reported no usage (never estimated). */
export function formatInOut(usage: Usage | null): string {
  return usage ? `${formatTokens(usage.input_tokens)}->${formatTokens(usage.output_tokens)}` : '';
}

/** 412 → "412ms", 1234 → "1.2s", 75_000 → "1m15s"; null → "". */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** US dollars with enough digits to see sub-cent requests; null → "". */
export function formatCost(usd: number | null): string {
  if (usd === null || !Number.isFinite(usd)) return '';
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(6)}`;
}

/** Requests per second with one decimal. */
export function formatRate(perSec: number): string {
  return perSec.toFixed(1);
}

/** HH:MM:SS in local time, "--:--:--" for an unparsable time. */
export function clockTime(time: string | number): string {
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) return '--:--:--';
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The label used everywhere for a block: `BLOCKED input no-codenames`. */
export function blockedLabel(hit: Pick<GuardrailHit, 'stage' | 'name'>): string {
  return `BLOCKED ${hit.stage} ${hit.name}`;
}

/** The block label for a finished request, or null when it was not blocked. */
export function blockedLabelFor(e: Pick<RequestFinished, 'outcome' | 'guardrails'>): string | null {
  if (e.outcome !== 'blocked_input' && e.outcome !== 'blocked_output') return null;
  const hit = blockingHit(e);
  return blockedLabel(hit ?? { stage: e.outcome === 'blocked_output' ? 'output' : 'input', name: '?' });
}

/** `monitor pii-email` (names deduplicated), or null when no monitor hit. */
export function monitorLabel(hits: readonly GuardrailHit[]): string | null {
  const names = [...new Set(hitsWith(hits, 'monitor').map((h) => h.name))];
  return names.length > 0 ? `monitor ${names.join(',')}` : null;
}

/** `masked pii` (names deduplicated), or null when nothing was masked. */
export function maskedLabel(hits: readonly GuardrailHit[]): string | null {
  const names = [...new Set(hitsWith(hits, 'mask').map((h) => h.name))];
  return names.length > 0 ? `masked ${names.join(',')}` : null;
}

/** Exactly `width` columns: truncated with "…" or padded (left- or right-aligned). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const chars = Array.from(text.replace(/[\r\n\t]+/g, ' '));
  if (chars.length > width) return `${chars.slice(0, width - 1).join('')}…`;
  const pad = ' '.repeat(width - chars.length);
  return align === 'right' ? pad + chars.join('') : chars.join('') + pad;
}

/** One line of at most `width` columns (for free text such as warnings and previews). */
export function clip(text: string, width: number): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  const chars = Array.from(flat);
  return chars.length > width ? `${chars.slice(0, Math.max(0, width - 1)).join('')}…` : flat;
}

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

/** The spinner frame for a time in ms (one frame per 100 ms). */
export function spinnerFrame(nowMs: number): string {
  return SPINNER[Math.floor(nowMs / 100) % SPINNER.length] ?? '-';
}

function trimFixed(n: number, digits: number): string {
  return n.toFixed(digits).replace(/\.0+$/, '');
}
