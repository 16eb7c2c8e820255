// Where `aisix serve` gets its config: the built-in demo (which also starts the bundled mock
// upstream on a free port), or the file from -c / $AISIX_CONFIG / ./aisix.yaml. Invalid configs
// print the same report as `aisix validate` and stop the start-up. A missing environment variable
// is an error, except under `--replay` alone (no provider key is used): a warning then.
import type { Config } from '../config/types.js';
import { loadConfigFile, loadConfigText } from '../config/load.js';
import { formatIssueLine, formatText } from '../config/format-issues.js';
import { DEMO_BLOCKED_WORD, DEMO_CALLER_KEY, demoConfigYaml } from '../gateway/demo-config.js';
import { startMock } from '../mock/index.js';
import { existsSync } from 'node:fs';
import { missingConfigMessage, resolveConfigPath } from './config-path.js';
import type { ServeOptions } from './main.js';
import { missingEnvFor } from './tapes.js';

export interface ServeConfig {
  config: Config;
  /** the file to watch for live reload (null for the demo) */
  watchPath: string | null;
  /** how reloads treat a missing environment variable (as the first load did) */
  missingEnv: 'error' | 'warning';
  demoKey: string | null;
  demoBlockedWord: string | null;
  /** stops what the config brought along (the demo's mock upstream) */
  close(): Promise<void>;
}

export async function loadServeConfig(opts: ServeOptions, env: NodeJS.ProcessEnv): Promise<ServeConfig | null> {
  if (opts.demo) {
    const mock = await startMock({ host: '127.0.0.1', port: 0 });
    const result = loadConfigText(demoConfigYaml(mock.url), '(demo)', { env, missingEnv: 'error' });
    if (!result.ok) throw new Error(`the built-in demo config is invalid: ${result.issues.map((i) => i.message).join('; ')}`);
    return { config: result.config, watchPath: null, missingEnv: 'error', demoKey: DEMO_CALLER_KEY, demoBlockedWord: DEMO_BLOCKED_WORD, close: () => mock.close() };
  }
  const { path, tried } = resolveConfigPath(opts.config, env);
  if (!existsSync(path)) {
    process.stderr.write(`${missingConfigMessage(tried)}\n`);
    return null;
  }
  const result = await loadConfigFile(path, { env, missingEnv: missingEnvFor(opts) });
  if (!result.ok) {
    process.stderr.write(formatText(result, path).stderr);
    return null;
  }
  for (const issue of result.issues) process.stderr.write(`${formatIssueLine(path, issue)}\n`);
  return { config: result.config, watchPath: path, missingEnv: missingEnvFor(opts), demoKey: null, demoBlockedWord: null, close: async () => undefined };
}
