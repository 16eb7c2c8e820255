// The request log of `aisix serve`: `--log-file` (fixed for the process) or `proxy.log_file`,
// with `proxy.log_bodies`. A reload that changes either reopens the log with the new settings; a
// reload whose log cannot be opened keeps the old one and says why in a warning.
import type { Config } from '../config/types.js';
import type { EventBus } from '../events/bus.js';
import { attachLogFile } from '../reporters/log-file.js';

export class RequestLog {
  private current: { close(): Promise<void> } | null = null;
  private path: string | null = null;
  private bodies = false;
  private closing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly bus: EventBus,
    /** `--log-file`: wins over the config for the whole run */
    private readonly flagPath: string | null,
  ) {}

  /** Opens the log the config asks for; throws with a readable reason when it cannot. */
  open(config: Config): void {
    const path = this.flagPath ?? config.proxy.logFile;
    const bodies = config.proxy.logBodies;
    this.current = path === null ? null : attachLogFile(this.bus, { path, bodies });
    this.path = path;
    this.bodies = bodies;
  }

  reopen(next: Config): void {
    const path = this.flagPath ?? next.proxy.logFile;
    if (this.flagPath !== null && next.proxy.logFile !== null && next.proxy.logFile !== this.flagPath) {
      this.bus.emit('warning', { message: `proxy.log_file ${next.proxy.logFile} is ignored: --log-file ${this.flagPath} wins for this run` });
    }
    if (path === this.path && next.proxy.logBodies === this.bodies) return;
    const previous = this.current;
    try {
      this.open(next);
    } catch (err) {
      this.bus.emit('warning', { message: `${(err as Error).message}; still logging to ${this.path ?? 'nothing'}` });
      return;
    }
    this.closing = Promise.all([this.closing, previous?.close()]);
  }

  async close(): Promise<void> {
    await Promise.all([this.closing, this.current?.close()]);
  }
}
