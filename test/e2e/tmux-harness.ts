// Helpers for the real-terminal tests: a detached tmux session on a private socket (no user
// config), keys sent with send-keys, the screen read with capture-pane, and a poll that waits for
// the expected text with a deadline and fails with the last screen attached. Waits are on screen
// text only, never on time. The socket is a file of its own in the temp directory, removed with
// the server. Not a test file itself: the tmux tests import it.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether a tmux binary can be run here (the tests skip, saying why, when it cannot). */
export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The command line `serve` runs in the pane: CI removed so Ink draws live frames, the exit code printed after. */
export function paneCommand(args: string): string {
  return `env -u CI -u CONTINUOUS_INTEGRATION node bin/aisix.js ${args}; echo EXIT=$?; sleep 30`;
}

export class TmuxSession {
  readonly socket: string;
  readonly name: string;

  constructor(label: string, name = 'tui') {
    this.socket = join(tmpdir(), `aisix-${label}-${process.pid}.tmux`);
    this.name = name;
  }

  /** tmux on this session's private socket, with no config file. */
  run(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  /** Starts `command` in a detached session of `columns`×`rows`, in `cwd`. */
  start(command: string, columns: number, rows: number, cwd: string): void {
    this.run('new-session', '-d', '-s', this.name, '-x', String(columns), '-y', String(rows), '-c', cwd, command);
  }

  /** Key names as tmux knows them (`Enter`, `Escape`, `j`). */
  keys(...keys: string[]): void {
    this.run('send-keys', '-t', this.name, ...keys);
  }

  /** Text typed as is (no key-name lookup). */
  type(text: string): void {
    this.run('send-keys', '-t', this.name, '-l', text);
  }

  /** The pane as plain text. */
  screen(): string {
    return this.run('capture-pane', '-p', '-t', this.name);
  }

  /** Polls the pane until `test` passes; fails with the last screen attached. */
  async waitFor(what: string, test: (text: string) => boolean, timeoutMs = 15_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < until) {
      text = this.screen();
      if (test(text)) return text;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    throw new Error(`timed out waiting for ${what}; the screen was:\n${text}`);
  }

  /** Stops the session's tmux server (and what runs in it) and removes its socket. */
  kill(): void {
    try {
      this.run('kill-server');
    } catch {
      // already gone
    }
    rmSync(this.socket, { force: true });
  }
}
