// Import direction (style-anchors §4, DESIGN.md §8): the gateway emits facts and never imports the
// UI; React and Ink load only through serve's dynamic import of the TUI; the test-request client and
// the mock stay free of gateway and UI code; protocols import nothing of the gateway, guardrails or
// UI; the mock writes the wire on its own; only the relay writes to a client socket.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, importsOf, packageOf, resolveSource, ROOT, SRC, staticClosure } from './helpers/imports.js';

const UI_PACKAGES = ['react', 'ink', 'chalk', 'ink-testing-library'];
const folder = (name: string): string => join(SRC, name) + '/';

function offending(files: string[], rule: { packages: string[]; folders: string[] }): string[] {
  return files.flatMap((file) =>
    importsOf(file)
      .filter(({ specifier }) =>
        specifier.startsWith('.')
          ? rule.folders.some((f) => resolveSource(file, specifier).startsWith(f))
          : rule.packages.includes(packageOf(specifier)),
      )
      .map(({ specifier }) => `${relative(ROOT, file)} imports ${specifier}`),
  );
}

describe('architecture', () => {
  it('the gateway, guardrails, events, sse, protocols, net and mock code never import the UI, reporters or CLI', () => {
    const files = ['gateway', 'guardrails', 'events', 'sse', 'protocols', 'net', 'mock'].flatMap((name) => filesUnder(join(SRC, name)));
    expect(files.length).toBeGreaterThan(40);
    expect(offending(files, { packages: UI_PACKAGES, folders: [folder('reporters'), folder('cli')] })).toEqual([]);
  });

  it('protocols import nothing of the gateway, guardrails, config, reporters or CLI', () => {
    const files = filesUnder(join(SRC, 'protocols'));
    expect(files.length).toBeGreaterThan(10);
    expect(offending(files, { packages: [...UI_PACKAGES, 'undici'], folders: ['gateway', 'guardrails', 'config', 'reporters', 'cli', 'mock'].map(folder) })).toEqual([]);
  });

  it('guardrails import no gateway code, and the mock imports no protocol, guardrail or gateway code', () => {
    expect(offending(filesUnder(join(SRC, 'guardrails')), { packages: [], folders: [folder('gateway')] })).toEqual([]);
    expect(offending(filesUnder(join(SRC, 'mock')), { packages: [], folders: ['gateway', 'guardrails', 'protocols'].map(folder) })).toEqual([]);
  });

  it('only src/gateway/relay writes to a client socket', () => {
    const WRITES = /\b(?:res|response|socket)\.(?:writeHead|write|end|flushHeaders)\(/;
    const writers = filesUnder(join(SRC, 'gateway'))
      .filter((file) => !file.startsWith(folder('gateway/relay')))
      .filter((file) => WRITES.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(writers).toEqual([]);
    // the check can fail: the relay itself does write
    expect(WRITES.test(readFileSync(join(SRC, 'gateway/relay/json.ts'), 'utf8'))).toBe(true);
  });

  it('the test-request client imports neither the gateway nor the UI', () => {
    expect(offending(filesUnder(join(SRC, 'client')), { packages: UI_PACKAGES, folders: [folder('gateway'), folder('reporters'), folder('cli')] })).toEqual([]);
  });

  it('only src/cli/serve.ts reaches the TUI at runtime, and only through a dynamic import', () => {
    const importers = filesUnder(SRC)
      .filter((file) => !file.startsWith(folder('reporters/tui')))
      .flatMap((file) => importsOf(file).filter((i) => !i.typeOnly && i.specifier.startsWith('.') && resolveSource(file, i.specifier).startsWith(folder('reporters/tui'))).map((i) => ({ file, i })));
    expect(importers.map(({ file, i }) => `${relative(ROOT, file)} ${i.dynamic ? 'dynamic' : 'static'}`)).toEqual(['src/cli/serve.ts dynamic']);
  });

  it('line-mode serve, test-request and validate never load React or Ink at start-up', () => {
    for (const entry of ['cli/main.ts', 'cli/serve.ts', 'cli/test-request.ts', 'cli/validate.ts']) {
      const closure = staticClosure(join(SRC, entry));
      const react = [...closure].flatMap(([file, imports]) =>
        imports.filter((i) => ['react', 'ink'].includes(packageOf(i.specifier))).map((i) => `${relative(ROOT, file)} imports ${i.specifier}`),
      );
      expect(react, entry).toEqual([]);
    }
  });

  it('the scanner sees a dynamic import (so the rules above can fail)', () => {
    const serve = importsOf(join(SRC, 'cli/serve.ts'));
    expect(serve.some((i) => i.dynamic && i.specifier.includes('reporters/tui/'))).toBe(true);
    expect(offending([join(SRC, 'reporters/line.ts')], { packages: [], folders: [folder('events')] }).length).toBeGreaterThan(0);
  });
});
