// The `aisix` command line: declares every command and option (DESIGN.md §1) and maps outcomes to
// exit codes. Each command's work lives in its own module, imported only when that command runs,
// so `aisix validate` never loads the gateway and nothing but `serve` with a TTY loads React.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { SummaryGroupBy } from '../reporters/summary.js';
import { VERSION } from '../version.js';
import { ExitCode } from './exit-codes.js';
import { parseSince, SINCE_HELP } from './since.js';

export interface ServeOptions {
  config?: string;
  host?: string;
  port?: number;
  tui?: boolean;
  json?: boolean;
  logFile?: string;
  demo?: boolean;
  /** `--record DIR`: write upstream exchanges as tapes (DESIGN.md §12) */
  record?: string;
  /** `--replay DIR`: answer from tapes; with --record, record the misses */
  replay?: string;
  /** `--replay-speed X`: recorded delays divided by X (default 0: none) */
  replaySpeed?: number;
}

export interface ValidateOptions {
  config?: string;
  format: 'text' | 'json' | 'github';
  strict?: boolean;
}

export interface TestRequestOptions {
  model: string;
  input: string;
  stream?: boolean;
  url?: string;
  apiKey?: string;
  json?: boolean;
  timeout: number;
  config?: string;
}

export interface MockOptions {
  host: string;
  port: number;
  apiKey?: string;
  /** compact (default), spaced (Python's json.dumps) or usage-first */
  jsonStyle?: string;
}

export interface RunOptions {
  config?: string;
  demo?: boolean;
  port?: number;
  apiKey?: string;
  logFile?: string;
  record?: string;
  replay?: string;
  replaySpeed?: number;
}

export interface EnvOptions {
  url?: string;
  apiKey?: string;
  showKey?: boolean;
  config?: string;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  return port;
}

function parseSpeed(value: string): number {
  const speed = Number(value);
  if (value.trim() === '' || !Number.isFinite(speed) || speed < 0) throw new InvalidArgumentError('expected a number ≥ 0 (0: no delays, 1: real time, 2: twice as fast).');
  return speed;
}

export interface StatsOptions {
  by: SummaryGroupBy;
  /** `--since`, parsed: the earliest request time counted, epoch ms */
  since?: number;
  json?: boolean;
  config?: string;
}

function parseSinceOption(value: string): number {
  try {
    return parseSince(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError('expected a positive number of seconds.');
  return seconds;
}

/** Builds a fresh program; `setExit` receives the exit code a command's action decided. */
export function createProgram(setExit: (code: number) => void): Command {
  const program = new Command('aisix')
    .description('Local developer proxy for AI APIs (AISIX AI Gateway compatible).')
    .version(VERSION, '-v, --version')
    .exitOverride()
    .showHelpAfterError('(run "aisix --help" for usage)');

  program
    .command('serve')
    .description('Start the proxy (live terminal UI on a TTY, request lines otherwise).')
    .option('-c, --config <file>', 'config file (default: $AISIX_CONFIG, else ./aisix.yaml)')
    .option('--host <host>', 'listen host (overrides proxy.addr)')
    .option('--port <port>', 'listen port, 0 picks a free one (overrides proxy.addr)', parsePort)
    .option('--tui', 'force the terminal UI')
    .option('--no-tui', 'disable the terminal UI (print one line per request)')
    .option('--json', 'print NDJSON events on stdout')
    .option('--log-file <file>', 'append one JSON line per finished request (overrides proxy.log_file)')
    .option('--demo', 'built-in demo config and mock upstream: offline, no keys, no files')
    .option('--record <dir>', 'record every upstream exchange as a tape in DIR (replaces the recordings of the requests it sees)')
    .option('--replay <dir>', 'answer from the tapes in DIR, without contacting any upstream (404 replay_miss otherwise); with --record, record the misses')
    .option('--replay-speed <x>', 'divide the recorded stream delays by X (default 0: no delays; 1: real time)', parseSpeed)
    .showHelpAfterError('(run "aisix serve --help" for usage)')
    .action(async (opts: ServeOptions) => {
      const { runServe } = await import('./serve.js');
      setExit(await runServe(opts));
    });

  program
    .command('validate')
    .description('Check a config file without binding ports or calling anything.')
    .option('-c, --config <file>', 'config file (default: $AISIX_CONFIG, else ./aisix.yaml)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
    .option('--strict', 'treat every warning as an error')
    .showHelpAfterError('(run "aisix validate --help" for usage)')
    .action(async (opts: ValidateOptions) => {
      const { runValidate } = await import('./validate.js');
      setExit(await runValidate(opts));
    });

  program
    .command('test-request')
    .description('Send one Responses API call through a running proxy and print what came back.')
    .requiredOption('--model <alias>', 'model alias to call')
    .option('--input <text>', 'input text', 'Say hello from AISIX.')
    .option('--stream', 'stream the response')
    .option('--url <url>', 'proxy URL (default: proxy.addr from the config, else http://127.0.0.1:3000)')
    .option('--api-key <key>', 'caller API key (default: $AISIX_API_KEY, else the first key_env in the config)')
    .option('--json', 'print the response JSON (one event per line with --stream)')
    .option('--timeout <seconds>', 'give up after this many seconds', parseSeconds, 60)
    .option('-c, --config <file>', 'config file to read defaults from')
    .showHelpAfterError('(run "aisix test-request --help" for usage)')
    .action(async (opts: TestRequestOptions) => {
      const { runTestRequest } = await import('./test-request.js');
      setExit(await runTestRequest(opts));
    });

  program
    .command('mock')
    .description('Run the fake OpenAI upstream on its own.')
    .option('--host <host>', 'listen host', '127.0.0.1')
    .option('--port <port>', 'listen port, 0 picks a free one', parsePort, 4010)
    .option('--api-key <key>', 'require this bearer key')
    .option('--json-style <style>', 'JSON style of every answer: compact, spaced or usage-first')
    .showHelpAfterError('(run "aisix mock --help" for usage)')
    .action(async (opts: MockOptions) => {
      const { runMock } = await import('./mock.js');
      setExit(await runMock(opts));
    });

  program
    .command('run')
    .description('Run a command with its OpenAI and Anthropic base URLs pointed at a headless proxy; a summary on stderr when it exits.')
    .usage('[options] -- <command> [args...]')
    .argument('<command...>', 'the command to run and its arguments (put them after --)')
    .option('-c, --config <file>', 'config file (default: $AISIX_CONFIG, else ./aisix.yaml)')
    .addOption(new Option('--demo', 'built-in demo config and mock upstream: offline, no keys, no files').conflicts('config'))
    .option('--port <port>', 'listen port on 127.0.0.1 (default: a free one)', parsePort)
    .option('--api-key <key>', 'caller key given to the command (default: $AISIX_API_KEY, else the value of the first key_env in the config, else the demo key)')
    .option('--log-file <file>', 'append one JSON line per finished request (overrides proxy.log_file)')
    .option('--record <dir>', 'record every upstream exchange as a tape in DIR')
    .option('--replay <dir>', 'answer from the tapes in DIR, without contacting any upstream; with --record, record the misses')
    .option('--replay-speed <x>', 'divide the recorded stream delays by X (default 0: no delays; 1: real time)', parseSpeed)
    .addHelpText('after', [
      '',
      'The command gets OPENAI_BASE_URL (http://127.0.0.1:PORT/v1), OPENAI_API_KEY,',
      'ANTHROPIC_BASE_URL (http://127.0.0.1:PORT), ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN.',
      "Exit status: the command's; 128+N if signal N ended it; 127 if it was not found,",
      '126 if it could not be executed; 125 if aisix itself failed (bad config, port in',
      'use, usage error).',
    ].join('\n'))
    .showHelpAfterError('(run "aisix run --help" for usage)')
    // the command's status passes through, so aisix's own usage errors exit 125, not 2
    .exitOverride((err) => {
      throw err.exitCode === 0 ? err : new CommanderError(ExitCode.runFailure, err.code, err.message);
    })
    .action(async (command: string[], opts: RunOptions) => {
      const { runRun } = await import('./run.js');
      setExit(await runRun(command, opts));
    });

  program
    .command('env')
    .description('Print export lines that point a shell at a running proxy: eval "$(aisix env)".')
    .option('--url <url>', 'proxy URL (default: proxy.addr from the config, else http://127.0.0.1:3000)')
    .option('--api-key <key>', 'caller key to print (default: a reference to $AISIX_API_KEY, else to the first key_env in the config)')
    .option('--show-key', 'print the key itself instead of a "$VAR" reference')
    .option('-c, --config <file>', 'config file to read defaults from')
    .showHelpAfterError('(run "aisix env --help" for usage)')
    .action(async (opts: EnvOptions) => {
      const { runEnv } = await import('./env.js');
      setExit(await runEnv(opts));
    });

  program
    .command('stats')
    .description('Summarise request logs: requests, errors, blocks, tokens, cost, latency and TTFT percentiles.')
    .argument('[log...]', 'request log files (JSONL, as written by --log-file; - reads stdin; default: proxy.log_file of the config)')
    .addOption(new Option('--by <key>', 'group by alias, caller, UTC day or upstream model').choices(['alias', 'caller', 'day', 'model']).default('alias'))
    .option('--since <time>', `only requests from then on: ${SINCE_HELP}`, parseSinceOption)
    .option('--json', 'print {"groups":[…],"total":{…}} instead of a table')
    .option('-c, --config <file>', 'config file whose proxy.log_file is read when no LOG is given')
    .showHelpAfterError('(run "aisix stats --help" for usage)')
    .action(async (logs: string[], opts: StatsOptions) => {
      const { runStats } = await import('./stats.js');
      setExit(await runStats(logs, opts));
    });

  program
    .command('init')
    .description('Write a commented starter aisix.yaml (refuses to overwrite).')
    .argument('[file]', 'where to write it', 'aisix.yaml')
    .showHelpAfterError('(run "aisix init --help" for usage)')
    .action(async (file: string) => {
      const { runInit } = await import('./init.js');
      setExit(await runInit(file));
    });

  return program;
}

/** Runs the CLI and resolves to the process exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = createProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.ok : err.exitCode === ExitCode.runFailure ? ExitCode.runFailure : ExitCode.usage;
    throw err;
  }
}
