// Which config file a command reads: `-c/--config`, else `$AISIX_CONFIG`, else `./aisix.yaml`
// (DESIGN.md §1), and the message for when it is not there. Shared by serve, validate and
// test-request so they all agree.

export const DEFAULT_CONFIG_PATH = 'aisix.yaml';

export interface ResolvedConfigPath {
  /** the path to read, as given (relative paths resolve against the working directory) */
  path: string;
  /** where the path came from */
  source: 'flag' | 'env' | 'default';
  /** the paths looked at, in order (today always the one chosen) */
  tried: string[];
}

export function resolveConfigPath(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): ResolvedConfigPath {
  if (flag !== undefined && flag !== '') return { path: flag, source: 'flag', tried: [flag] };
  const fromEnv = env['AISIX_CONFIG'];
  if (fromEnv !== undefined && fromEnv !== '') return { path: fromEnv, source: 'env', tried: [fromEnv] };
  return { path: DEFAULT_CONFIG_PATH, source: 'default', tried: [DEFAULT_CONFIG_PATH] };
}

export interface MissingConfigOptions {
  /** one line (for JSON and GitHub output) instead of three */
  oneLine?: boolean;
}

/** What to print when the config file does not exist: the paths tried and the two ways out. */
export function missingConfigMessage(tried: readonly string[], options: MissingConfigOptions = {}): string {
  const paths = tried.join(', ');
  const fix = 'create one with `aisix init`, or try `aisix serve --demo` (built-in config, no file needed)';
  if (options.oneLine) return `config file not found (tried: ${paths}) — ${fix}`;
  return [
    `aisix: config file not found (tried: ${paths})`,
    '  the path comes from -c/--config, else $AISIX_CONFIG, else ./aisix.yaml',
    `  ${fix}`,
  ].join('\n');
}
