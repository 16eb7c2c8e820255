// `aisix stats [LOG…] [--by alias|caller|day|model] [--since T] [--json] [-c FILE]` (DESIGN §13):
// reads request logs line by line (log-reader.ts), merges them into one summary (summary.ts: the
// counting rules) and prints it on stdout — `{"groups":[…],"total":{…}}` with --json, else the
// table of summary-table.ts. Without LOG it reads the config's `proxy.log_file` (the config found
// as for test-request: -c, $AISIX_CONFIG, ./aisix.yaml); `-` reads stdin. Diagnostics (skipped
// malformed lines, unreadable files) go to stderr. Loads neither the gateway nor the UI.
import { open, type FileHandle } from 'node:fs/promises';
import { readRequestLog, type LogReadResult } from '../reporters/log-reader.js';
import { createSummary, type SummaryInput } from '../reporters/summary.js';
import { formatSummaryTable } from '../reporters/summary-table.js';
import { terminalSafe, terminalSafeJson } from '../text/terminal-safe.js';
import { readDefaultsConfig } from './defaults-config.js';
import { ExitCode } from './exit-codes.js';
import type { StatsOptions } from './main.js';

const STDIN = '-';

type Source = { name: string; handle: FileHandle | null };

function fail(message: string): number {
  process.stderr.write(`${terminalSafe(`aisix stats: ${message}`)}\n`);
  return ExitCode.failure;
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

export async function runStats(logs: readonly string[], opts: StatsOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const fromConfig = logs.length > 0 ? null : await defaultLog(opts.config, env);
  if (typeof fromConfig === 'number') return fromConfig;
  const paths = fromConfig === null ? logs : [fromConfig.file];

  // open every file first, so a missing one is reported before anything is read or printed
  const sources: Source[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.all(sources.map((s) => s.handle?.close()));
  };
  for (const name of paths) {
    if (name === STDIN) {
      sources.push({ name: 'stdin', handle: null });
      continue;
    }
    try {
      const handle = await open(name, 'r');
      sources.push({ name, handle });
      if ((await handle.stat()).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    } catch (err) {
      await closeAll();
      const origin = fromConfig === null ? '' : ` (proxy.log_file in ${fromConfig.config})`;
      return fail(`cannot read log file ${name}${origin}: ${reason(err)}`);
    }
  }

  const summary = createSummary({ by: opts.by });
  const since = opts.since;
  const add = (e: SummaryInput): void => {
    if (since === undefined || Date.parse(e.time) >= since) summary.add(e);
  };
  for (const source of sources) {
    let result: LogReadResult;
    try {
      result = await readRequestLog(source.handle === null ? process.stdin : source.handle.createReadStream({ autoClose: false }), add);
    } catch (err) {
      await closeAll();
      return fail(`cannot read log file ${source.name}: ${reason(err)}`);
    }
    if (result.malformed > 0) {
      process.stderr.write(`${terminalSafe(`aisix stats: skipped ${plural(result.malformed, 'malformed line')} in ${source.name} (first: line ${result.firstMalformed ?? 0})`)}\n`);
    }
  }
  await closeAll();

  const lines = opts.json === true ? [terminalSafeJson(JSON.stringify(summary.toJSON()))] : formatSummaryTable(summary.toJSON(), opts.by);
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.ok;
}

/** `proxy.log_file` of the config found as other commands find it, or the exit code after saying why not. */
async function defaultLog(explicit: string | undefined, env: NodeJS.ProcessEnv): Promise<{ file: string; config: string } | number> {
  const loaded = await readDefaultsConfig('stats', explicit, env, 'name the log: aisix stats LOG');
  if (typeof loaded === 'number') return loaded;
  if (loaded === null) return fail('no log file given, and no config (./aisix.yaml or $AISIX_CONFIG) to take proxy.log_file from: aisix stats LOG…');
  const file = loaded.config.proxy.logFile;
  if (file === null) return fail(`no log file given, and ${loaded.path} sets no proxy.log_file: aisix stats LOG…`);
  return { file, config: loaded.path };
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const known: Readonly<Record<string, string>> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'is a directory' };
  return code === undefined ? String((err as Error).message ?? err) : `${known[code] ?? (err as Error).message} (${code})`;
}
