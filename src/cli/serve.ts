// `aisix serve`: load the config (or the built-in demo with its own mock upstream), create the
// event bus, attach the reporter (TUI, line or NDJSON), the request log and the observability
// exporters, start the gateway, watch the config for live reload, and shut down gracefully on
// SIGINT/SIGTERM or `q`, then print the request totals on stderr (DESIGN §13: the table `aisix
// stats` prints, by alias, with its total row; `aisix run` prints the same). `startProxy` is shared
// with `aisix run`.
// Stdout carries results only (the listening line, request lines or NDJSON); banners go to stderr.
import { dirname, resolve } from 'node:path';
import type { Config } from '../config/types.js';
import { createEventBus, type EventBus } from '../events/bus.js';
import { attachExporters } from '../exporters/index.js';
import { createGateway, ExposureError, type Gateway } from '../gateway/index.js';
import { attachJsonReporter } from '../reporters/json.js';
import { attachLineReporter } from '../reporters/line.js';
import { attachSummary } from '../reporters/summary.js';
import { formatSummaryTable } from '../reporters/summary-table.js';
import { VERSION } from '../version.js';
import { ExitCode } from './exit-codes.js';
import type { ServeOptions } from './main.js';
import type { mountTui } from '../reporters/tui/mount.js';
import { loadServeConfig, type ServeConfig } from './serve-config.js';
import { RequestLog } from './request-log.js';
import { watchConfig } from './serve-reload.js';
import { tapeBanner, tapeSetup } from './tapes.js';
import type { TapeOptions } from '../gateway/tapes/deck.js';

export async function runServe(opts: ServeOptions): Promise<number> {
  const setup = tapeSetup(opts);
  if (!setup.ok) {
    process.stderr.write(`aisix serve: ${setup.message}\n`);
    return setup.usage ? ExitCode.usage : ExitCode.failure;
  }
  const loaded = await loadServeConfig(opts, process.env);
  if (loaded === null) return ExitCode.failure;
  const { config } = loaded;
  const host = opts.host ?? config.proxy.host;
  const port = opts.port ?? config.proxy.port;
  const bus = createEventBus();
  const totals = attachSummary(bus);
  const tui = wantsTui(opts);
  // load React/Ink before listening, so the UI is mounted before the first request can arrive
  const tuiModule = tui ? await import('../reporters/tui/mount.js') : null;
  const detachReporter = tui ? () => undefined : opts.json ? attachJsonReporter(bus, process.stdout) : attachLineReporter(bus, { stdout: process.stdout, stderr: process.stderr });
  const proxy = await startProxy({ loaded, bus, host, port, logFile: opts.logFile ?? null, previews: tui, tapes: setup.tapes });
  if (proxy === null) return ExitCode.failure;
  const { gateway, url } = proxy;
  // before the listening line: a SIGTERM right after it must stop gracefully (and print the totals)
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  announce({ bus, config, url, loaded, opts, tui, tapes: setup.tapes });
  const stopWatching = loaded.watchPath === null
    ? () => undefined
    : watchConfig({ path: loaded.watchPath, gateway, bus, env: process.env, missingEnv: loaded.missingEnv, onApplied: (_previous, next) => proxy.applied(next) });
  const shutdown = createShutdown(async () => {
    stopWatching();
    await proxy.close();
    detachReporter();
  });
  if (tuiModule !== null) {
    const ui = mountUi(tuiModule.mountTui, { bus, config, url, loaded, shutdown, gateway, logFile: opts.logFile ?? null });
    await Promise.race([ui.waitUntilExit(), signalled]);
    await shutdown();
    ui.unmount();
  } else {
    await signalled;
    await shutdown();
  }
  totals.detach();
  process.stderr.write(`${formatSummaryTable(totals.summary.toJSON(), 'alias').join('\n')}\n`);
  return ExitCode.ok;
}

export interface StartProxyOptions {
  loaded: ServeConfig;
  /** the run's event bus; reporters attach to it before the proxy starts */
  bus: EventBus;
  host: string;
  port: number;
  /** `--log-file` (wins over proxy.log_file), or null */
  logFile: string | null;
  /** whether the gateway keeps input/output previews for a reporter (the TUI) */
  previews: boolean;
  /** `--record` / `--replay`, checked by tapeSetup; undefined without them */
  tapes?: TapeOptions | undefined;
}

/** A listening proxy with what it brought along: the request log and the exporters. */
export interface RunningProxy {
  gateway: Gateway;
  /** the URL actually listened on (port 0 → the real port) */
  url: string;
  /** applies what the proxy owns (log file, exporters) after a reload swapped `next` in */
  applied(next: Config): void;
  /** stops accepting, drains in-flight requests for proxy.shutdown_grace_ms, closes the log, the config's extras and the exporters */
  close(): Promise<void>;
}

/**
 * Opens the request log, attaches the exporters and listens (shared by `serve` and `run`). On
 * failure it prints the one-line reason on stderr, closes what it opened (and `loaded`) and
 * resolves to null; the caller picks the exit code.
 */
export async function startProxy({ loaded, bus, host, port, logFile, previews, tapes }: StartProxyOptions): Promise<RunningProxy | null> {
  const { config } = loaded;
  const log = new RequestLog(bus, logFile);
  try {
    log.open(config);
  } catch (err) {
    process.stderr.write(`aisix: ${(err as Error).message}\n`);
    await loaded.close();
    return null;
  }
  const exporters = attachExporters(bus, config);
  let gateway: Gateway;
  let url: string;
  try {
    gateway = createGateway({ config, bus, previews, ...(tapes === undefined ? {} : { tapes }) });
    url = await gateway.listen(host, port);
  } catch (err) {
    process.stderr.write(`aisix: ${listenFailure(err, host, port)}\n`);
    await Promise.all([log.close(), loaded.close(), exporters.close()]);
    return null;
  }
  return {
    gateway,
    url,
    applied: (next) => {
      log.reopen(next);
      exporters.reload(next);
    },
    close: async () => {
      await gateway.close(gateway.current().config.proxy.shutdownGraceMs);
      await Promise.all([log.close(), loaded.close(), exporters.close()]);
    },
  };
}

function listenFailure(err: unknown, host: string, port: number): string {
  if (err instanceof ExposureError) return err.message;
  const code = (err as NodeJS.ErrnoException).code ?? String(err);
  const why = code === 'EADDRINUSE' ? 'address already in use' : code === 'EACCES' ? 'permission denied' : code;
  return `cannot listen on ${host}:${port}: ${why} (${code}); pick another with --port`;
}

function wantsTui(opts: ServeOptions): boolean {
  if (opts.json) return false;
  if (opts.tui !== undefined) return opts.tui;
  return process.stdin.isTTY === true && process.stdout.isTTY === true && !process.env.CI;
}

function createShutdown(work: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => (done ??= work());
}

interface Announce {
  bus: EventBus;
  config: Config;
  url: string;
  loaded: ServeConfig;
  opts: ServeOptions;
  tui: boolean;
  tapes: TapeOptions | undefined;
}

function announce({ bus, config, url, loaded, opts, tui, tapes }: Announce): void {
  const aliases = config.models.filter((m) => !m.wildcard).map((m) => m.name);
  if (!tui && !opts.json) process.stdout.write(`aisix listening on ${url}\n`);
  bus.emit('server.listening', { url, config_path: config.path, aliases, auth: config.apiKeys.length > 0, budget_usd: config.proxy.budgetUsd });
  if (tui) return;
  process.stderr.write(`aisix ${VERSION}: config ${config.path}, ${aliases.length} aliases\n`);
  if (tapes !== undefined) process.stderr.write(`aisix: ${tapeBanner(tapes)}\n`);
  if (loaded.demoKey !== null) {
    process.stderr.write(`demo: caller key ${loaded.demoKey}; try: npx aisix test-request --url ${url} --model demo --api-key ${loaded.demoKey} --stream\n`);
    process.stderr.write(`demo: the word "${loaded.demoBlockedWord ?? ''}" in a prompt is blocked by the no-codenames guardrail\n`);
  }
  if (config.apiKeys.length === 0) process.stderr.write('aisix: warning: no api_keys configured: serving without authentication (loopback only)\n');
}

interface TuiRun {
  bus: EventBus;
  config: Config;
  url: string;
  loaded: ServeConfig;
  shutdown: () => Promise<void>;
  /** the detail view reads captured bodies from it (the store follows config reloads) */
  gateway: Gateway;
  /** `--log-file`, which wins over proxy.log_file */
  logFile: string | null;
}

type MountTui = typeof mountTui;

function mountUi(mount: MountTui, { bus, config, url, loaded, shutdown, gateway, logFile }: TuiRun): ReturnType<MountTui> {
  // exports go beside the request log, else into ./.aisix (DESIGN §13)
  const log = logFile ?? config.proxy.logFile;
  return mount({
    captures: { get: (id) => gateway.captures?.get(id), enabled: () => gateway.captures !== null },
    exportDir: resolve(log === null ? '.aisix' : dirname(log)),
    bus,
    header: {
      version: VERSION,
      url,
      configPath: config.path,
      aliases: config.models.filter((m) => !m.wildcard).length,
      keys: config.apiKeys.length,
      auth: config.apiKeys.length > 0,
      demoKey: loaded.demoKey,
      budgetUsd: config.proxy.budgetUsd,
    },
    onQuit: shutdown,
  });
}
