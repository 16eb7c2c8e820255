// `aisix validate`: loads the config with the same loader as serve (missing environment
// variables are warnings here) and prints the result as text, GitHub annotations or JSON.
// Never binds a port, touches the network or imports the gateway. Exit 0 without errors, else 1.
import { existsSync } from 'node:fs';
import { formatResult, type Palette, type Rendered } from '../config/format-issues.js';
import { loadConfigFile } from '../config/load.js';
import type { LoadResult } from '../config/types.js';
import { missingConfigMessage, resolveConfigPath } from './config-path.js';
import { ExitCode } from './exit-codes.js';
import type { ValidateOptions } from './main.js';

export async function runValidate(opts: ValidateOptions): Promise<number> {
  const env = process.env;
  const { path, tried } = resolveConfigPath(opts.config, env);
  const rendered = existsSync(path)
    ? render(opts, await loadConfigFile(path, { env, missingEnv: 'warning', now: Date.now() }), path, await palette(opts, env))
    : renderMissing(opts, path, tried);
  // text: warnings first, so the OK line is the last thing a terminal shows
  if (opts.format === 'text' && rendered.stderr) process.stderr.write(rendered.stderr);
  if (rendered.stdout) process.stdout.write(rendered.stdout);
  if (opts.format !== 'text' && rendered.stderr) process.stderr.write(rendered.stderr);
  return rendered.ok ? ExitCode.ok : ExitCode.failure;
}

function render(opts: ValidateOptions, result: LoadResult, path: string, color: Partial<Palette>): Rendered {
  return formatResult(opts.format, result, path, { strict: opts.strict === true, color });
}

/** Colours for text on a terminal (or with FORCE_COLOR); chalk is only loaded then. */
async function palette(opts: ValidateOptions, env: NodeJS.ProcessEnv): Promise<Partial<Palette>> {
  const wanted = process.stderr.isTTY === true || process.stdout.isTTY === true || env['FORCE_COLOR'] !== undefined;
  if (opts.format !== 'text' || !wanted) return {};
  const { default: chalk, chalkStderr } = await import('chalk');
  return { error: (s) => chalkStderr.red(s), warning: (s) => chalkStderr.yellow(s), ok: (s) => chalk.green(s) };
}

/** A missing file: a human message in text mode, a `(file)` error in the machine formats. */
function renderMissing(opts: ValidateOptions, path: string, tried: readonly string[]): Rendered {
  if (opts.format === 'text') return { stdout: '', stderr: `${missingConfigMessage(tried)}\n`, ok: false };
  const issue = { severity: 'error', line: 1, col: 1, scope: '(file)', message: missingConfigMessage(tried, { oneLine: true }) } as const;
  return formatResult(opts.format, { ok: false, issues: [issue] }, path);
}
