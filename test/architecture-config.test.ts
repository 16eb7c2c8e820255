// Import rules for the config side: src/config/** imports nothing from the gateway, the
// reporters or the CLI, nor React, Ink or undici; and `aisix validate` (src/cli/validate.ts and
// everything it statically loads) never reaches the gateway or the UI, so it stays fast and offline.
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, importsOf, packageOf, resolveSource, ROOT, SRC, type Import } from './helpers/imports.js';

const FORBIDDEN_PACKAGES = ['react', 'ink', 'undici'];
const FORBIDDEN_FOLDERS = ['gateway', 'reporters', 'cli'].map((folder) => join(SRC, folder) + '/');

function violations(file: string, imports: Import[], forbiddenFolders: string[]): string[] {
  const out: string[] = [];
  for (const { specifier } of imports) {
    const where = `${relative(ROOT, file)} imports ${specifier}`;
    if (specifier.startsWith('.')) {
      const target = resolveSource(file, specifier);
      if (forbiddenFolders.some((folder) => target.startsWith(folder))) out.push(where);
    } else if (FORBIDDEN_PACKAGES.includes(packageOf(specifier))) {
      out.push(where);
    }
  }
  return out;
}

describe('architecture: config', () => {
  it('src/config/** imports nothing from gateway, reporters or cli code, nor react, ink or undici', () => {
    const files = filesUnder(join(SRC, 'config'));
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((file) => violations(file, importsOf(file), FORBIDDEN_FOLDERS))).toEqual([]);
  });

  it('`aisix validate` loads neither the gateway nor the UI, statically or dynamically', () => {
    const seen = new Set<string>();
    const queue = [join(SRC, 'cli/validate.ts')];
    const problems: string[] = [];
    const uiAndGateway = [join(SRC, 'gateway') + '/', join(SRC, 'reporters') + '/'];
    while (queue.length > 0) {
      const file = queue.pop() ?? '';
      if (seen.has(file)) continue;
      seen.add(file);
      const runtime = importsOf(file).filter((i) => !i.typeOnly);
      problems.push(...violations(file, runtime, uiAndGateway));
      for (const { specifier } of runtime) if (specifier.startsWith('.')) queue.push(resolveSource(file, specifier));
    }
    expect(seen.has(join(SRC, 'config/load.ts'))).toBe(true);
    expect(problems).toEqual([]);
  });

  it('the import scanner sees what it must (so the rules above can fail)', () => {
    const sample = join(SRC, 'cli/main.ts');
    const specifiers = importsOf(sample).map((i) => i.specifier);
    expect(specifiers).toContain('commander');
    expect(specifiers).toContain('./serve.js');
    expect(violations(sample, importsOf(sample), [join(SRC, 'cli') + '/'])).toContain('src/cli/main.ts imports ./exit-codes.js');
  });
});
