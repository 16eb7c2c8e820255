// The three renderings of a load result (DESIGN.md §2 "Validation output"): text (problems on
// stderr as `path:line:col: severity: scope: message` plus a count line, OK on stdout), GitHub
// workflow annotations, and one JSON object. Pure: returns strings; the caller writes them.
import { countOf, FILE_SCOPE } from './issues.js';
import type { ConfigIssue, EntryCounts, LoadResult } from './types.js';

export type OutputFormat = 'text' | 'json' | 'github';

export interface FormatOptions {
  /** every warning becomes an error (`validate --strict`) */
  strict?: boolean;
  /** colours for text output; identity by default */
  color?: Partial<Palette>;
}

export interface Palette {
  error(text: string): string;
  warning(text: string): string;
  ok(text: string): string;
}

export interface Rendered {
  stdout: string;
  stderr: string;
  /** no errors (after --strict) */
  ok: boolean;
}

interface Report {
  path: string;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  /** errors and warnings in file order, as they are printed */
  issues: ConfigIssue[];
  counts: EntryCounts;
}

const plain = (text: string): string => text;

export function formatResult(format: OutputFormat, result: LoadResult, path: string, options: FormatOptions = {}): Rendered {
  if (format === 'json') return formatJson(result, path, options);
  if (format === 'github') return formatGithub(result, path, options);
  return formatText(result, path, options);
}

export function formatText(result: LoadResult, path: string, options: FormatOptions = {}): Rendered {
  const report = toReport(result, path, options);
  const color: Palette = { error: plain, warning: plain, ok: plain, ...options.color };
  const lines = report.issues.map((issue) => formatIssueLine(path, issue, color));
  const ok = report.errors.length === 0;
  if (lines.length > 0) lines.push(countLine(report));
  const stderr = lines.map((line) => `${line}\n`).join('');
  return { stdout: ok ? `${color.ok('OK')}: ${path}: ${summary(report.counts)}\n` : '', stderr, ok };
}

export function formatGithub(result: LoadResult, path: string, options: FormatOptions = {}): Rendered {
  const report = toReport(result, path, options);
  const ok = report.errors.length === 0;
  const annotations = report.issues.map((issue) => {
    const props = `file=${escapeProperty(path)},line=${issue.line},col=${issue.col},title=aisix validate`;
    return `::${issue.severity} ${props}::${escapeData(scoped(issue))}\n`;
  });
  const stdout = annotations.join('') + (ok ? `OK: ${path}: ${summary(report.counts)}\n` : '');
  return { stdout, stderr: report.issues.length > 0 ? `${countLine(report)}\n` : '', ok };
}

export function formatJson(result: LoadResult, path: string, options: FormatOptions = {}): Rendered {
  const report = toReport(result, path, options);
  const item = ({ line, col, scope, message }: ConfigIssue): object => ({ line, col, scope, message });
  const { providerKeys, models, apiKeys, guardrails } = report.counts;
  const body = {
    ok: report.errors.length === 0,
    path,
    counts: { provider_keys: providerKeys, models, api_keys: apiKeys, guardrails },
    errors: report.errors.map(item),
    warnings: report.warnings.map(item),
  };
  return { stdout: `${JSON.stringify(body)}\n`, stderr: '', ok: body.ok };
}

/** `aisix.yaml:10:19: error: models[0] ("a"): message` (file-level issues carry no scope). */
export function formatIssueLine(path: string, issue: ConfigIssue, color: Partial<Palette> = {}): string {
  const paint = color[issue.severity] ?? plain;
  return `${path}:${issue.line}:${issue.col}: ${paint(issue.severity)}: ${scoped(issue)}`;
}

/** `3 models, 2 api keys, 1 guardrail, 1 provider key` */
export function summary(counts: EntryCounts): string {
  return [countOf(counts.models, 'model'), countOf(counts.apiKeys, 'api key'), countOf(counts.guardrails, 'guardrail'), countOf(counts.providerKeys, 'provider key')].join(', ');
}

function countLine(report: Report): string {
  return `${report.path}: ${countOf(report.errors.length, 'error')}, ${countOf(report.warnings.length, 'warning')}`;
}

function scoped(issue: ConfigIssue): string {
  return issue.scope === FILE_SCOPE || issue.scope === '' ? issue.message : `${issue.scope}: ${issue.message}`;
}

function toReport(result: LoadResult, path: string, options: FormatOptions): Report {
  const issues = options.strict ? result.issues.map((i): ConfigIssue => ({ ...i, severity: 'error' })) : [...result.issues];
  return {
    path,
    issues,
    errors: issues.filter((i) => i.severity === 'error'),
    warnings: issues.filter((i) => i.severity === 'warning'),
    counts: result.counts ?? countsOf(result),
  };
}

function countsOf(result: LoadResult): EntryCounts {
  if (!result.ok) return { providerKeys: 0, models: 0, apiKeys: 0, guardrails: 0 };
  const { providerKeys, models, apiKeys, guardrails } = result.config;
  return { providerKeys: providerKeys.length, models: models.length, apiKeys: apiKeys.length, guardrails: guardrails.length };
}

/** GitHub workflow-command escaping for the message part. */
function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** …and for property values (`file=`), where `:` and `,` are separators too. */
function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}
