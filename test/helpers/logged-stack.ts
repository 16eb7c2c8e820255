// A stack whose bus also feeds the JSONL request log (src/reporters/log-file.ts), wired the way
// `aisix serve` wires `proxy.log_file` / `proxy.log_bodies`: both come out of the loaded YAML
// (the path through `${LOG_PATH}`), and the log is closed after the gateway.
import { attachLogFile } from '../../src/reporters/log-file.js';
import { configYaml, startStack, type ConfigParts, type Stack } from './stack.js';

export type LoggedStack = Stack;

export interface LoggedStackOptions extends Omit<ConfigParts, 'proxy'> {
  logPath: string;
  /** `proxy.log_bodies` */
  bodies: boolean;
  /** previews on request.finished (default: as log_bodies, like serve without the TUI) */
  previews?: boolean;
  proxy?: ConfigParts['proxy'];
  env?: Record<string, string>;
}

export async function startLoggedStack(o: LoggedStackOptions): Promise<LoggedStack> {
  const { logPath, bodies, previews, env, ...parts } = o;
  const yaml = configYaml({ ...parts, proxy: { ...parts.proxy, log_file: '${LOG_PATH}', log_bodies: bodies } });
  return startStack({
    yaml,
    env: { ...env, LOG_PATH: logPath },
    previews: previews ?? bodies,
    attach: (bus, config) => {
      if (config.proxy.logFile === null) throw new Error('logged stack: proxy.log_file did not load');
      const log = attachLogFile(bus, { path: config.proxy.logFile, bodies: config.proxy.logBodies });
      return () => log.close();
    },
  });
}
