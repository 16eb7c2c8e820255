// Child processes of the bench: started pinned to given cores (taskset), stdout/stderr to files
// under bench/.work/logs, ready when a line matches; every child is killed when the bench exits,
// also on an error or a signal. Memory is read from /proc/PID/status (VmRSS, VmHWM).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const children = new Set();

export const hasTaskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** CPU time (user + system, ms) a process has used so far; NaN when it is gone. */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** CPU time (ms) every process on the machine has used so far, summed over all CPUs. */
export function machineBusyMs() {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return ((user + nice + system + irq + softirq + (steal ?? 0)) * 1000) / CLK_TCK;
}

/** The pids of this process and of every child still running. */
export function ownPids() {
  return [process.pid, ...[...children].map((c) => c.pid)];
}

/** Kills every child still running (synchronous: safe in an 'exit' handler). */
export function killAll(signal = 'SIGKILL') {
  for (const child of children) {
    try {
      process.kill(child.pid, signal);
    } catch {
      // already gone
    }
  }
  children.clear();
}

let guarded = false;
/** Installs the exit/signal/error handlers that kill the children, and a global time limit. */
export function guardProcess(limitMs) {
  if (guarded) return;
  guarded = true;
  process.on('exit', () => killAll());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      process.stderr.write(`bench: ${signal}: stopping children\n`);
      killAll();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (err) => {
    process.stderr.write(`bench: uncaught: ${err?.stack ?? err}\n`);
    killAll();
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`bench: unhandled rejection: ${err?.stack ?? err}\n`);
    killAll();
    process.exit(1);
  });
  const timer = setTimeout(() => {
    process.stderr.write(`bench: time limit of ${Math.round(limitMs / 1000)} s reached: stopping\n`);
    killAll();
    process.exit(3);
  }, limitMs);
  timer.unref();
}

/** Pins this process (every thread) to `cpus` ("1" or "0-2"). */
export function pinSelf(cpus) {
  if (!hasTaskset || cpus === null) return false;
  return spawnSync('taskset', ['-a', '-cp', cpus, String(process.pid)], { stdio: 'ignore' }).status === 0;
}

export function procStatus(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    const cpus = /^Cpus_allowed_list:\s+(\S+)/m.exec(text)?.[1] ?? '?';
    return { rssMB: kb('VmRSS') / 1024, hwmMB: kb('VmHWM') / 1024, cpus };
  } catch {
    return null;
  }
}

/** The informative part of a child's output: its error lines (or its last lines), on one line. */
export function reason(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const picked = lines.filter((l) => /^(\w*Error\b|aisix\b|code: )|error:/i.test(l)).slice(0, 3);
  return (picked.length > 0 ? picked : lines.slice(-3)).join(' / ').slice(0, 400);
}

function tail(path) {
  try {
    return reason(readFileSync(path, 'utf8'));
  } catch {
    return '';
  }
}

/**
 * Starts `node ARGS` pinned to `cpus`. Resolves once `ready` matches the stdout (its first capture
 * group is the URL) or `probe()` resolves true; rejects when the process exits first or the time
 * runs out (the stderr tail is in the message).
 */
export async function startNode({ name, args, cpus, cwd, logDir, env, ready, probe, timeoutMs = 20_000 }) {
  mkdirSync(logDir, { recursive: true });
  const outPath = join(logDir, `${name}.out`);
  const errPath = join(logDir, `${name}.err`);
  const out = openSync(outPath, 'w');
  const err = openSync(errPath, 'w');
  const cmd = hasTaskset && cpus !== null ? 'taskset' : process.execPath;
  const argv = hasTaskset && cpus !== null ? ['-c', cpus, process.execPath, ...args] : args;
  const child = spawn(cmd, argv, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', out, err] });
  closeSync(out);
  closeSync(err);
  children.add(child);
  let exited = null;
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      children.delete(child);
      resolve(exited);
    });
  });
  const started = performance.now();
  let url = null;
  while (url === null) {
    if (exited !== null) {
      throw new Error(`${name} exited (code ${exited.code}, signal ${exited.signal}) before it was ready: ${tail(errPath) || tail(outPath) || 'no output'}`);
    }
    if (performance.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready within ${timeoutMs} ms: ${tail(errPath) || tail(outPath) || 'no output'}`);
    }
    if (ready) {
      const match = ready.exec(existsSync(outPath) ? readFileSync(outPath, 'utf8') : '');
      if (match) url = match[1];
    } else if (await probe().catch(() => false)) {
      url = 'probe';
    }
    if (url === null) await sleep(20);
  }
  return {
    name,
    pid: child.pid,
    url,
    outPath,
    errPath,
    status: () => procStatus(child.pid),
    exited: () => exited,
    /** SIGINT (lets `--cpu-prof` write its file), then SIGKILL after `graceMs`. */
    async stop(signal = 'SIGTERM', graceMs = 5_000) {
      if (exited !== null) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exit;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Wall time (ms) from spawn to exit of `node ARGS`; returns { ms, code, stdout, stderr }. */
export function timeNodeRun(args, { cwd, cpus, env }) {
  const cmd = hasTaskset && cpus !== null ? 'taskset' : process.execPath;
  const argv = hasTaskset && cpus !== null ? ['-c', cpus, process.execPath, ...args] : args;
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { ms: performance.now() - t0, code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Wall time (ms) from spawn to the first stdout line matching `ready`; the child is then killed. */
export async function timeUntilLine(args, { cwd, cpus, env, ready, timeoutMs = 15_000 }) {
  const cmd = hasTaskset && cpus !== null ? 'taskset' : process.execPath;
  const argv = hasTaskset && cpus !== null ? ['-c', cpus, process.execPath, ...args] : args;
  const t0 = performance.now();
  const child = spawn(cmd, argv, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let errText = '';
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line within ${timeoutMs} ms: ${reason(errText)}`)), timeoutMs);
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (ready.test(out)) {
          clearTimeout(timer);
          resolve({ ms: performance.now() - t0 });
        }
      });
      child.stderr.on('data', (chunk) => (errText += chunk));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exited with code ${code} before the ready line: ${reason(errText) || reason(out)}`));
      });
    });
  } finally {
    child.kill('SIGKILL');
    children.delete(child);
  }
}

/**
 * One bench process at a time (benches share the cores and would measure each other): creates
 * `path` holding our pid; false when a live process holds it. Released on exit.
 */
export function takeBenchLock(path) {
  mkdirSync(dirname(path), { recursive: true }); // a fresh clone has no bench/.work yet
  try {
    writeFileSync(path, String(process.pid), { flag: 'wx' });
  } catch {
    const other = Number(readFileSync(path, 'utf8'));
    let alive = false;
    try {
      process.kill(other, 0);
      alive = other !== process.pid;
    } catch {
      // a stale lock
    }
    if (alive) return false;
    writeFileSync(path, String(process.pid));
  }
  process.on('exit', () => {
    try {
      if (readFileSync(path, 'utf8') === String(process.pid)) rmSync(path);
    } catch {
      // already gone
    }
  });
  return true;
}
