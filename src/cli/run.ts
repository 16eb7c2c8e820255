// `aisix run [-c FILE | --demo] [--record DIR] [--replay DIR] … -- CMD [ARGS…]` (DESIGN §11, §12:
// tapes as for `serve`): starts the proxy headless on
// 127.0.0.1 (a free port unless --port; with --demo the bundled mock too, as `serve --demo`), runs
// CMD with OPENAI_BASE_URL, OPENAI_API_KEY, ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY and
// ANTHROPIC_AUTH_TOKEN pointed at it (and, for Codex, the `-c` overrides of agent-args.ts), and when CMD exits stops the proxy (draining for
// proxy.shutdown_grace_ms) and prints a summary on stderr (the request totals as `aisix stats` and
// `aisix serve` print them: by alias, then the total row).
//
// While CMD runs the terminal is its own: stdio is inherited and aisix prints nothing (warnings the
// gateway emits meanwhile are printed after the summary). Anything that would stop the start is
// printed before CMD is spawned.
//
// Exit status: CMD's own; 128+N when signal N ended it; 127 when CMD was not found, 126 when it
// could not be executed; 125 when aisix itself failed (bad config, port in use, usage errors).
//
// Signals: SIGTERM and SIGHUP sent to aisix are forwarded to CMD; aisix does not die of them, it
// waits for CMD to exit. SIGINT is forwarded too, except when stdin is a terminal: then CMD shares
// aisix's foreground process group and the terminal's Ctrl-C has already reached it, and a second
// copy would read as "Ctrl-C twice" (force quit) to programs that shut down gracefully on the
// first. SIGHUP does not reload the config here (it belongs to CMD), and the file is not watched.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants } from 'node:os';
import type { Config } from '../config/types.js';
import { createEventBus } from '../events/bus.js';
import { formatWarning } from '../reporters/line.js';
import { attachSummary } from '../reporters/summary.js';
import { formatSummaryTable } from '../reporters/summary-table.js';
import { terminalSafe } from '../text/terminal-safe.js';
import { agentArgs } from './agent-args.js';
import { PLACEHOLDER_KEY, proxyEnv, resolveCallerKey, type CallerKey } from './env.js';
import { ExitCode, signalExitCode } from './exit-codes.js';
import type { RunOptions } from './main.js';
import { startProxy } from './serve.js';
import { loadServeConfig, type ServeConfig } from './serve-config.js';
import { tapeSetup } from './tapes.js';

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** warnings kept for after the summary (the rest are counted) */
const MAX_WARNINGS = 10;

export async function runRun(command: readonly string[], opts: RunOptions): Promise<number> {
  const failed = (message: string, exitCode: number = ExitCode.runFailure): number => {
    process.stderr.write(`${terminalSafe(`aisix run: ${message}`)}\n`);
    return exitCode;
  };
  const setup = tapeSetup(opts);
  if (!setup.ok) return failed(setup.message);
  const [file, ...args] = command;
  if (file === undefined || file === '') return failed('no command to run (usage: aisix run [options] -- <command> [args...])');

  let loaded: ServeConfig | null;
  try {
    loaded = await loadServeConfig({ config: opts.config, demo: opts.demo, record: opts.record, replay: opts.replay }, process.env);
  } catch (err) {
    return failed((err as Error).message);
  }
  if (loaded === null) return ExitCode.runFailure;
  const { config } = loaded;

  const bus = createEventBus();
  const { summary, detach } = attachSummary(bus);
  const warnings: string[] = [];
  let moreWarnings = 0;
  const stopWarnings = bus.on('warning', ({ message }) => {
    if (warnings.length < MAX_WARNINGS) warnings.push(message);
    else moreWarnings++;
  });
  const proxy = await startProxy({ loaded, bus, host: '127.0.0.1', port: opts.port ?? 0, logFile: opts.logFile ?? null, previews: false, tapes: setup.tapes });
  if (proxy === null) return ExitCode.runFailure;
  const aliases = config.models.filter((m) => !m.wildcard).map((m) => m.name);
  bus.emit('server.listening', { url: proxy.url, config_path: config.path, aliases, auth: config.apiKeys.length > 0, budget_usd: config.proxy.budgetUsd });

  const key = resolveCallerKey(opts.apiKey, config, process.env, loaded.demoKey);
  warnAboutKey(key, config);
  const env = { ...process.env, ...proxyEnv(proxy.url, key.value ?? PLACEHOLDER_KEY) };

  const result = await runChild(file, agentArgs(file, args, env.OPENAI_BASE_URL ?? `${proxy.url}/v1`), env);

  await proxy.close();
  detach();
  stopWarnings();
  if (result.kind === 'spawn-failed') return failed(result.message, result.exitCode);
  const lines = formatSummaryTable(summary.toJSON(), 'alias');
  for (const message of warnings) lines.push(formatWarning(message));
  if (moreWarnings > 0) lines.push(`aisix: … and ${moreWarnings} more warning${moreWarnings === 1 ? '' : 's'}`);
  process.stderr.write(`${lines.join('\n')}\n`);
  return result.exitCode;
}

/** Before CMD starts: say when its requests are going to be refused for want of a usable key. */
function warnAboutKey(key: CallerKey, config: Config): void {
  if (config.apiKeys.length === 0) return;
  const warn = (message: string): boolean => process.stderr.write(`${terminalSafe(`aisix: warning: ${message}`)}\n`);
  if (key.value === null) {
    const unset = key.variable === null ? 'no caller key' : `$${key.variable} is not set`;
    warn(`${unset}: pass --api-key or set $AISIX_API_KEY, or the command's requests will get 401`);
    return;
  }
  const hash = createHash('sha256').update(key.value).digest('hex');
  if (!config.apiKeys.some((k) => k.keyHash === hash)) {
    const from = key.source === 'flag' ? '--api-key' : key.source === 'demo' ? 'the demo key' : `$${key.variable ?? 'AISIX_API_KEY'}`;
    warn(`the caller key from ${from} matches no api key in ${config.path}; the command's requests will get 401`);
  }
}

type ChildResult = { kind: 'exited'; exitCode: number } | { kind: 'spawn-failed'; exitCode: number; message: string };

/** Spawns CMD with the terminal, forwards signals, resolves when it has exited (or could not start). */
function runChild(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals): void => {
      if (signal === 'SIGINT' && process.stdin.isTTY === true) return; // the terminal sent it to CMD already
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        child.kill(signal);
      } catch {
        // gone in the meantime
      }
    };
    for (const signal of FORWARDED) process.on(signal, forward);
    const settle = (result: ChildResult): void => {
      for (const signal of FORWARDED) process.off(signal, forward);
      resolve(result);
    };
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a failed kill() of a running child: its exit still comes
      settle(spawnFailure(file, err));
    });
    child.once('exit', (code, signal) => {
      if (signal !== null) settle({ kind: 'exited', exitCode: signalExitCode(constants.signals[signal] ?? 0) });
      else settle({ kind: 'exited', exitCode: code ?? ExitCode.runFailure });
    });
  });
}

function spawnFailure(file: string, err: NodeJS.ErrnoException): ChildResult {
  if (err.code === 'ENOENT') return { kind: 'spawn-failed', exitCode: ExitCode.notFound, message: `${file}: command not found` };
  if (err.code === 'EACCES' || err.code === 'EPERM' || err.code === 'ENOEXEC' || err.code === 'EISDIR') {
    return { kind: 'spawn-failed', exitCode: ExitCode.cannotExecute, message: `${file}: cannot execute (${err.code})` };
  }
  return { kind: 'spawn-failed', exitCode: ExitCode.runFailure, message: `cannot start ${file}: ${err.message}` };
}
