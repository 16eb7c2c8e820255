import { describe, expect, it } from 'vitest';
import {
  blockedLabel,
  blockedLabelFor,
  clip,
  clockTime,
  fit,
  formatCost,
  formatInOut,
  formatMs,
  formatTokens,
  maskedLabel,
  monitorLabel,
} from '../../../src/reporters/tui/format.js';
import { outcomeClass as classify } from '../../../src/reporters/outcome-class.js';
import { tableColumns, visibleRowCount, windowStart } from '../../../src/reporters/tui/layout.js';
import { aborted, blockedInput, blockedOutput, finishedEvent, monitored, unauthorized, upstream5xx, usage } from './fixtures.js';

describe('format', () => {
  it('formats token counts compactly', () => {
    expect(formatTokens(0)).toBe('0');
    expect(formatTokens(9999)).toBe('9999');
    expect(formatTokens(12_345)).toBe('12.3k');
    expect(formatTokens(20_000)).toBe('20k');
    expect(formatTokens(2_500_000)).toBe('2.5M');
    expect(formatInOut(usage(13, 9))).toBe('13->9');
    expect(formatInOut(null)).toBe('');
  });

  it('formats durations', () => {
    expect(formatMs(null)).toBe('');
    expect(formatMs(0.4)).toBe('0ms');
    expect(formatMs(412)).toBe('412ms');
    expect(formatMs(1234)).toBe('1.2s');
    expect(formatMs(75_000)).toBe('1m15s');
  });

  it('formats cost with enough digits for sub-cent requests', () => {
    expect(formatCost(null)).toBe('');
    expect(formatCost(0)).toBe('$0');
    expect(formatCost(0.000123)).toBe('$0.000123');
    expect(formatCost(0.0421)).toBe('$0.0421');
    expect(formatCost(12.5)).toBe('$12.50');
  });

  it('uses the shared BLOCKED label', () => {
    expect(blockedLabel({ stage: 'input', name: 'no-codenames' })).toBe('BLOCKED input no-codenames');
    expect(blockedLabelFor(blockedInput('a'))).toBe('BLOCKED input no-codenames');
    expect(blockedLabelFor(blockedOutput('b'))).toBe('BLOCKED output no-secrets');
    expect(blockedLabelFor({ outcome: 'blocked_output', guardrails: [] })).toBe('BLOCKED output ?');
    expect(blockedLabelFor(finishedEvent('c'))).toBeNull();
  });

  it('labels monitor and mask hits', () => {
    expect(monitorLabel(monitored('m').guardrails)).toBe('monitor pii-watch');
    expect(monitorLabel([])).toBeNull();
    expect(maskedLabel([{ name: 'pii', stage: 'output', action: 'mask', rule: 'email' }])).toBe('masked pii');
  });

  it('prints local clock times and survives garbage', () => {
    const d = new Date(2025, 0, 2, 9, 5, 7);
    expect(clockTime(d.toISOString())).toBe('09:05:07');
    expect(clockTime('not a time')).toBe('--:--:--');
  });

  it('fits text to a width, truncating with an ellipsis', () => {
    expect(fit('abc', 5)).toBe('abc  ');
    expect(fit('abc', 5, 'right')).toBe('  abc');
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('a\nb', 3)).toBe('a b');
    expect(clip('hello world', 6)).toBe('hello…');
  });
});

describe('classify', () => {
  it('sorts outcomes into ok, error and blocked', () => {
    expect(classify(finishedEvent('a'))).toBe('ok');
    expect(classify(monitored('a'))).toBe('ok');
    expect(classify(blockedInput('a'))).toBe('blocked');
    expect(classify(blockedOutput('a'))).toBe('blocked');
    expect(classify(unauthorized('a'))).toBe('error');
    expect(classify(upstream5xx('a'))).toBe('error');
    expect(classify(aborted('a'))).toBe('error');
    expect(classify({ status: 200, outcome: 'timeout' })).toBe('error');
  });
});

describe('layout', () => {
  const total = (w: number) => tableColumns(w).reduce((s, c) => s + c.width, 0) + tableColumns(w).length - 1;

  it('drops optional columns on narrow terminals and fills the width exactly', () => {
    const narrow = tableColumns(80).map((c) => c.key);
    expect(narrow).not.toContain('caller');
    expect(narrow).not.toContain('ttft');
    expect(narrow).not.toContain('cost');
    expect(tableColumns(80).at(-1)?.width).toBeGreaterThanOrEqual('BLOCKED input no-codenames'.length);
    const wide = tableColumns(160).map((c) => c.key);
    expect(wide).toEqual(['cursor', 'time', 'status', 'caller', 'route', 'stream', 'tokens', 'latency', 'ttft', 'cost', 'note']);
    for (const w of [80, 100, 120, 160, 200]) expect(total(w)).toBe(w);
  });

  it('fits the rows to the height and keeps the selection in the window', () => {
    expect(visibleRowCount(40, false)).toBe(34);
    expect(visibleRowCount(40, true)).toBe(33);
    expect(visibleRowCount(3, false)).toBe(1);
    expect(windowStart(0, 10, 100)).toBe(0);
    expect(windowStart(9, 10, 100)).toBe(0);
    expect(windowStart(10, 10, 100)).toBe(1);
    expect(windowStart(99, 10, 100)).toBe(90);
    expect(windowStart(5, 10, 3)).toBe(0);
  });
});
