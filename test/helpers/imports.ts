// A small import scanner for architecture tests: which modules a source file imports (static and
// dynamic, type-only marked), and the runtime closure of a file's relative imports.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SRC = join(ROOT, 'src');
const IMPORT = /(?:^|[\n;])\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/g;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

export interface Import {
  specifier: string;
  typeOnly: boolean;
  dynamic: boolean;
}

export function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  for (const m of text.matchAll(IMPORT)) found.push({ specifier: m[2] ?? '', typeOnly: m[1] !== undefined, dynamic: false });
  for (const m of text.matchAll(DYNAMIC_IMPORT)) found.push({ specifier: m[1] ?? '', typeOnly: false, dynamic: true });
  return found;
}

export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** A relative specifier as the .ts file it names (`./x.js` → `./x.ts` or `./x.tsx`). */
export function resolveSource(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier).replace(/\.js$/, '');
  return existsSync(`${base}.ts`) ? `${base}.ts` : `${base}.tsx`;
}

export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Every source file `entry` loads at runtime through static relative imports (itself included). */
export function staticClosure(entry: string): Map<string, Import[]> {
  const seen = new Map<string, Import[]>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() ?? '';
    if (seen.has(file)) continue;
    const runtime = importsOf(file).filter((i) => !i.typeOnly && !i.dynamic);
    seen.set(file, runtime);
    for (const { specifier } of runtime) if (specifier.startsWith('.')) queue.push(resolveSource(file, specifier));
  }
  return seen;
}
