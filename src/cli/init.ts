// `aisix init [FILE]`: writes the commented starter config (creating its folder if needed) and
// says what to do next. Never overwrites: an existing file is an error (exit 1).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { osReason } from '../config/load.js';
import { STARTER_CONFIG } from '../config/starter-config.js';
import { DEFAULT_CONFIG_PATH } from './config-path.js';
import { ExitCode } from './exit-codes.js';

export async function runInit(file: string): Promise<number> {
  const problem = await write(file);
  if (problem !== null) {
    process.stderr.write(`aisix init: ${problem}\n`);
    return ExitCode.failure;
  }
  process.stdout.write(nextSteps(file));
  return ExitCode.ok;
}

/** Writes the starter; null on success, else what went wrong. */
async function write(file: string): Promise<string | null> {
  try {
    await mkdir(dirname(file), { recursive: true });
  } catch (err) {
    return `cannot create the folder ${dirname(file)} for ${file}: ${osReason(err)}`;
  }
  try {
    await writeFile(file, STARTER_CONFIG, { flag: 'wx' });
    return null;
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? err.code : undefined;
    if (code === 'EEXIST') return `${file} already exists; not overwriting it (remove it first, or name another file: aisix init other.yaml)`;
    return `cannot write ${file}: ${osReason(err)}`;
  }
}

function nextSteps(file: string): string {
  const flag = file === DEFAULT_CONFIG_PATH ? '' : ` -c ${file}`;
  return [
    `Wrote ${file} (1 provider key, 2 models; api_keys and guardrails commented out).`,
    'Next:',
    '  export OPENAI_API_KEY=sk-...',
    `  npx aisix validate${flag}`,
    `  npx aisix serve${flag}`,
    'No key at hand? `npx aisix serve --demo` runs a built-in config against a mock upstream.',
    '',
  ].join('\n');
}
