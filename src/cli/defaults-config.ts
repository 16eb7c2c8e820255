// The config a client command (test-request, env; stats: its log) reads its defaults from — the proxy's URL and
// the caller key: the file `-c` names, else $AISIX_CONFIG / ./aisix.yaml when it exists (none is
// fine: the defaults apply). A file that does not load is reported, with how to do without it.
import { existsSync } from 'node:fs';
import type { Config } from '../config/types.js';
import { ExitCode } from './exit-codes.js';

export interface DefaultsConfig {
  config: Config;
  path: string;
}

/** The loaded config, null when there is none to read, or the exit code after a reported problem. */
export async function readDefaultsConfig(command: string, explicit: string | undefined, env: NodeJS.ProcessEnv, fix = 'pass --url and --api-key'): Promise<DefaultsConfig | null | number> {
  const { missingConfigMessage, resolveConfigPath } = await import('./config-path.js');
  const { path, tried } = resolveConfigPath(explicit, env);
  if (!existsSync(path)) {
    if (explicit === undefined) return null;
    process.stderr.write(`${missingConfigMessage(tried)}\n`);
    return ExitCode.failure;
  }
  const { loadConfigFile } = await import('../config/load.js');
  const result = await loadConfigFile(path, { env, missingEnv: 'warning' });
  if (!result.ok) {
    const { formatText } = await import('../config/format-issues.js');
    process.stderr.write(formatText(result, path).stderr);
    process.stderr.write(`aisix ${command}: cannot read defaults from ${path}; fix it, or ${fix}\n`);
    return ExitCode.failure;
  }
  return { config: result.config, path };
}
