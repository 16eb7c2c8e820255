// `aisix test-request`: sends one Responses API call through a running proxy (src/client) and
// prints the output text on stdout (live with --stream; the JSON instead with --json), and the
// error and summary on stderr. Exit 0 on success, 1 on a failed request or an unusable config.
// Defaults for --url and --api-key come from the config file, read only when one is needed.
// Nothing the server sent reaches the terminal raw: output text keeps its line breaks and tabs but
// has every other control character escaped (terminalSafe), stderr lines are escaped whole, and
// JSON output has the characters JSON.stringify leaves raw escaped too (terminalSafeJson).
import { readDefaultsConfig, type DefaultsConfig } from './defaults-config.js';
import {
  describeError,
  describeSummary,
  ResponsesClientError,
  sendResponsesRequest,
  type ResponsesResult,
  type StreamEvent,
} from '../client/index.js';
import type { Config } from '../config/types.js';
import { terminalSafe, terminalSafeJson } from '../text/terminal-safe.js';
import { ExitCode } from './exit-codes.js';
import type { TestRequestOptions } from './main.js';

const DEFAULT_URL = 'http://127.0.0.1:3000';

/**
 * Writes to stdout and stderr, escaped, remembering whether stdout was left mid-line; a closed pipe
 * (`| head`) ends stdout quietly. A `\r` that ends a streamed delta waits for the next one, so a
 * `\r\n` split across two deltas still reads as one line break.
 */
class Printer {
  private midLine = false;
  private stdoutClosed = false;
  private heldCr = false;

  constructor() {
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      this.stdoutClosed = true;
    });
  }

  /** output text (whole or one streamed delta): line breaks and tabs kept, other controls escaped */
  text(chunk: string): void {
    if (chunk === '') return;
    let text = this.heldCr ? `\r${chunk}` : chunk;
    this.heldCr = text.endsWith('\r');
    if (this.heldCr) text = text.slice(0, -1);
    this.out(terminalSafe(text, { multiline: true }));
  }

  /** JSON text (one value or one line) */
  json(text: string): void {
    this.out(terminalSafeJson(text));
  }

  endLine(): void {
    if (this.heldCr) this.out(terminalSafe('\r'));
    this.heldCr = false;
    if (this.midLine && !this.stdoutClosed) process.stdout.write('\n');
    this.midLine = false;
  }

  err(lines: readonly string[]): void {
    process.stderr.write(lines.map((line) => `${terminalSafe(line)}\n`).join(''));
  }

  private out(text: string): void {
    if (text === '' || this.stdoutClosed) return;
    process.stdout.write(text);
    this.midLine = !text.endsWith('\n');
  }
}

export async function runTestRequest(opts: TestRequestOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const target = await resolveTarget(opts, env);
  if (typeof target === 'number') return target;
  const printer = new Printer();
  try {
    const result = await sendResponsesRequest({
      url: target.url,
      apiKey: target.apiKey,
      model: opts.model,
      input: opts.input,
      stream: opts.stream === true,
      timeoutMs: Math.round(opts.timeout * 1000),
      keepEvents: false,
      ...(opts.json ? { onEvent: (event: StreamEvent) => printJsonEvent(printer, event) } : { onDelta: (d: string) => printer.text(d) }),
    });
    return report(result, opts, printer);
  } catch (err) {
    if (!(err instanceof ResponsesClientError)) throw err;
    printer.endLine();
    printer.err([transportMessage(err, opts.timeout)]);
    return ExitCode.failure;
  }
}

function report(result: ResponsesResult, opts: TestRequestOptions, printer: Printer): number {
  const httpFailure = result.error?.source === 'http';
  if (opts.json && (!result.stream || httpFailure) && result.json !== null) printer.json(`${JSON.stringify(result.json, null, 2)}\n`);
  if (!opts.json && !result.stream) printer.text(result.text);
  printer.endLine();
  if (result.error !== null) printer.err(describeError(result, result.error));
  printer.err(describeSummary(result));
  return result.error === null ? ExitCode.ok : ExitCode.failure;
}

/** --json --stream: each event's data as one line of JSON; a frame that is not JSON is noted on stderr. */
function printJsonEvent(printer: Printer, event: StreamEvent): void {
  if (event.json !== undefined) printer.json(`${JSON.stringify(event.json)}\n`);
  else printer.err([`aisix: skipped a stream frame whose data is not JSON: ${event.data.slice(0, 120)}`]);
}

function transportMessage(err: ResponsesClientError, timeoutSeconds: number): string {
  if (err.kind === 'timeout') {
    const what = err.afterHeaders ? `the response from ${err.url} did not finish` : `no response from ${err.url}`;
    return `aisix: timed out: ${what} within ${timeoutSeconds} s (raise it with --timeout SECONDS)`;
  }
  if (err.kind === 'connect') {
    const hint = err.code === 'ECONNREFUSED' ? ' — is the proxy running? Start it with `aisix serve` (or `aisix serve --demo`)' : '';
    return `aisix: cannot connect to ${err.url} (${err.code ?? 'unknown error'})${hint}`;
  }
  const where = err.afterHeaders ? ' mid-response' : '';
  return `aisix: the connection to ${err.url} broke${where} (${err.code ?? err.message})`;
}

interface Target {
  url: string;
  apiKey: string | null;
}

type LoadedConfig = DefaultsConfig;

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

async function resolveTarget(opts: TestRequestOptions, env: NodeJS.ProcessEnv): Promise<Target | number> {
  const envKey = nonEmpty(env.AISIX_API_KEY);
  const needConfig = opts.url === undefined || (opts.apiKey === undefined && envKey === null);
  const loaded = needConfig ? await readDefaultsConfig('test-request', opts.config, env) : null;
  if (typeof loaded === 'number') return loaded;
  const rawUrl = opts.url ?? (loaded === null ? DEFAULT_URL : proxyUrl(loaded.config));
  const url = normalizeUrl(rawUrl);
  if (url === null) {
    process.stderr.write(`${terminalSafe(`aisix test-request: invalid URL "${rawUrl}" (expected e.g. ${DEFAULT_URL})`)}\n`);
    return ExitCode.usage;
  }
  const apiKey = opts.apiKey ?? envKey ?? (loaded === null ? null : configKey(loaded, env));
  return { url, apiKey };
}

/** `http://host:port[/path]` without a trailing slash; a bare `host:port` gets `http://`. */
function normalizeUrl(raw: string): string | null {
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

/** The proxy's own address; a wildcard listen host is reached on loopback. */
function proxyUrl(config: Config): string {
  const host = config.proxy.host === '0.0.0.0' ? '127.0.0.1' : config.proxy.host === '::' ? '::1' : config.proxy.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.proxy.port}`;
}

/** The value of the first api key's `key_env` variable; a note on stderr when it is unset. */
function configKey({ config, path }: LoadedConfig, env: NodeJS.ProcessEnv): string | null {
  const entry = config.apiKeys.find((key) => key.keyEnv !== null);
  if (entry === undefined || entry.keyEnv === null) return null;
  const value = nonEmpty(env[entry.keyEnv]);
  if (value === null) {
    const note = `aisix: note: $${entry.keyEnv} (key_env of api key "${entry.name}" in ${path}) is not set; sending no API key`;
    process.stderr.write(`${terminalSafe(note)}\n`);
  }
  return value;
}

