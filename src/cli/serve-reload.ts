// Live config reload for `aisix serve`: watches the config file's folder (so editors that save by
// renaming a temp file still count), debounces bursts of writes, and also reloads on SIGHUP. A
// good file is swapped in for new requests (the gateway re-checks it against the bound address and
// may refuse it); a bad one is rejected whole and reported. Settings serve owns (the log) are
// applied by `onApplied`; a setting that needs a restart says so in a warning.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Config } from '../config/types.js';
import { loadConfigFile } from '../config/load.js';
import type { EventBus } from '../events/bus.js';
import type { Gateway } from '../gateway/index.js';

export interface ReloadOptions {
  path: string;
  gateway: Gateway;
  bus: EventBus;
  env: NodeJS.ProcessEnv;
  /** a missing environment variable: an error (default), or a warning under `--replay` alone */
  missingEnv?: 'error' | 'warning';
  debounceMs?: number;
  /** after a new config was swapped in: apply what serve owns (log file, log bodies) */
  onApplied?: (previous: Config, next: Config) => void;
}

/** Starts watching; returns a function that stops watching and removes the SIGHUP handler. */
export function watchConfig(options: ReloadOptions): () => void {
  const file = basename(options.path);
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const schedule = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      running = running.then(() => reload(options));
    }, options.debounceMs ?? 150);
  };
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dirname(resolve(options.path)), (_event, name) => {
      if (name === null || name === file) schedule();
    });
    watcher.on('error', (err: unknown) => {
      options.bus.emit('warning', { message: `watching ${options.path} failed (${err instanceof Error ? err.message : String(err)}); edits are no longer picked up, SIGHUP still reloads` });
    });
  } catch (err) {
    options.bus.emit('warning', { message: `cannot watch ${options.path} for changes (${String(err)}); SIGHUP still reloads` });
  }
  const onHup = (): void => schedule();
  process.on('SIGHUP', onHup);
  return () => {
    if (timer !== null) clearTimeout(timer);
    watcher?.close();
    process.off('SIGHUP', onHup);
  };
}

async function reload(options: ReloadOptions): Promise<void> {
  const time = new Date().toISOString();
  const result = await loadConfigFile(options.path, { env: options.env, missingEnv: options.missingEnv ?? 'error' });
  if (!result.ok) {
    const errors = result.issues.filter((i) => i.severity === 'error').map(({ line, col, scope, message }) => ({ line, col, scope, message }));
    options.bus.emit('config.rejected', { time, errors });
    return;
  }
  const previous = options.gateway.current().config;
  const next = result.config;
  const applied = options.gateway.update(next);
  if (!applied.ok) {
    options.bus.emit('config.rejected', { time, errors: applied.errors.map((message) => ({ line: 1, col: 1, scope: '(file)', message })) });
    return;
  }
  if (next.proxy.addr !== previous.proxy.addr) {
    options.bus.emit('warning', { message: `proxy.addr changed to ${next.proxy.addr}: restart aisix serve to listen there (still on ${previous.proxy.addr})` });
  }
  options.onApplied?.(previous, next);
  options.bus.emit('config.reloaded', { time, ...diffAliases(previous, next), auth: next.apiKeys.length > 0, budget_usd: next.proxy.budgetUsd });
}

/** Aliases added, removed, and changed (same name, different target or settings). */
export function diffAliases(before: Config, after: Config): { added: string[]; removed: string[]; changed: string[] } {
  const old = new Map(before.models.map((m) => [m.name, JSON.stringify(m)]));
  const now = new Map(after.models.map((m) => [m.name, JSON.stringify(m)]));
  return {
    added: [...now.keys()].filter((name) => !old.has(name)),
    removed: [...old.keys()].filter((name) => !now.has(name)),
    changed: [...now.keys()].filter((name) => old.has(name) && old.get(name) !== now.get(name)),
  };
}
