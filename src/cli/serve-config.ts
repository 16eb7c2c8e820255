// Where `aisix serve` gets its config: the built-in demo (which also starts the bundled mock
// upstream on a free port), or the file from -c / $AISIX_CONFIG / ./aisix.yaml. Invalid configs
// print the same report as `aisix validate` and stop the start-up.
import type { Config } from '../config/types.js';
import { loadConfigFile, loadConfigText } from '../config/load.js';
import { formatIssueLine, formatText } from '../config/format-issues.js';
import { DEMO_BLOCKED_WORD, DEMO_CALLER_KEY, demoConfigYaml } from '../gateway/demo-config.js';
import { startMock } from '../mock/index.js';
import { existsSync } from 'node:fs';
import { missingConfigMessage, resolveConfigPath } from './config-path.js';
import type { ServeOptions } from './main.js';

export interface ServeConfig {
  config: Config;
  /** the file to watch for live reload (null for the demo) */
  watchPath: string | null;
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
    return { config: result.config, watchPath: null, demoKey: DEMO_CALLER_KEY, demoBlockedWord: DEMO_BLOCKED_WORD, close: () => mock.close() };
  }
  const { path, tried } = resolveConfigPath(opts.config, env);
  if (!existsSync(path)) {
    process.stderr.write(`${missingConfigMessage(tried)}\n`);
    return null;
  }
  const result = await loadConfigFile(path, { env, missingEnv: 'error' });
  if (!result.ok) {
    process.stderr.write(formatText(result, path).stderr);
    return null;
  }
  for (const issue of result.issues) process.stderr.write(`${formatIssueLine(path, issue)}\n`);
  return { config: result.config, watchPath: path, demoKey: null, demoBlockedWord: null, close: async () => undefined };
}
