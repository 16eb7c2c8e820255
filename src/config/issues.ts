// Collects the problems found while loading, in one pass and without throwing. Knows the file
// scope label, aggregates repeated "ignored by the local proxy" warnings into one per field,
// and hands back the issues sorted by position.
import type { ConfigIssue, SourcePosition } from './types.js';

export const FILE_SCOPE = '(file)';

interface Aggregate {
  issue: ConfigIssue;
  more: number;
  noun: string;
}

export class IssueSink {
  private readonly issues: ConfigIssue[] = [];
  private readonly aggregates = new Map<string, Aggregate>();
  private errorCount = 0;

  error(pos: SourcePosition, scope: string, message: string): void {
    this.add('error', pos, scope, message);
  }

  warning(pos: SourcePosition, scope: string, message: string): void {
    this.add('warning', pos, scope, message);
  }

  add(severity: ConfigIssue['severity'], pos: SourcePosition, scope: string, message: string): void {
    if (severity === 'error') this.errorCount += 1;
    this.issues.push({ severity, line: pos.line, col: pos.col, scope, message });
  }

  /**
   * A warning said once per `key`: later occurrences only count, and the first one ends with
   * "; also on N more <noun>s". `noun` is singular (`model`, `api key`).
   */
  aggregateWarning(key: string, pos: SourcePosition, scope: string, message: string, noun: string): void {
    const seen = this.aggregates.get(key);
    if (seen) {
      seen.more += 1;
      return;
    }
    const issue: ConfigIssue = { severity: 'warning', line: pos.line, col: pos.col, scope, message };
    this.aggregates.set(key, { issue, more: 0, noun });
  }

  get hasErrors(): boolean {
    return this.errorCount > 0;
  }

  /** Every issue, sorted by line then column (stable for ties). */
  finish(): ConfigIssue[] {
    const all = [...this.issues];
    for (const { issue, more, noun } of this.aggregates.values()) {
      const message = more === 0 ? issue.message : `${issue.message}; also on ${more} more ${plural(more, noun)}`;
      all.push({ ...issue, message });
    }
    return all.sort((a, b) => a.line - b.line || a.col - b.col);
  }
}

/** `1 model`, `2 models`, `1 api key`, `2 cache policies`. */
export function countOf(n: number, noun: string): string {
  return `${n} ${plural(n, noun)}`;
}

/** `api keys`, `cache policies`. */
function plural(n: number, noun: string): string {
  if (n === 1) return noun;
  return /[^aeiou]y$/.test(noun) ? `${noun.slice(0, -1)}ies` : `${noun}s`;
}

/** `models[2] ("gpt-4o-prod")`, or `models[2]` before the identity is known. */
export function entryScope(collection: string, index: number, identity: string | null): string {
  return identity ? `${collection}[${index}] (${JSON.stringify(identity)})` : `${collection}[${index}]`;
}
