// mountTui's inspector options: `captures` reaches the detail view and `e`, `exportDir` is where
// the export lands (created on demand), and the proxy URL of the script is server.listening's.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createEventBus } from '../../src/events/bus.js';
import { mountTui } from '../../src/reporters/tui/mount.js';
import { finishedEvent } from '../reporters/tui/fixtures.js';
import { header, strip, tick } from '../reporters/tui/harness.js';
import { captureSource, chatCompletion } from './captures.js';
import { FakeStdin, FakeStdout } from '../reporters/tui/fake-terminal.js';


const tmp = mkdtempSync(join(tmpdir(), 'aisix-mount-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('mountTui with captures and exportDir', () => {
  it('exports the captured request into exportDir with the listening URL, and shows its body', async () => {
    const bus = createEventBus();
    const stdout = new FakeStdout(false, 200, 40);
    const stdin = new FakeStdin();
    const exportDir = join(tmp, 'logs');
    const tui = mountTui({
      bus,
      header,
      onQuit: vi.fn(() => Promise.resolve()),
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      captures: captureSource(chatCompletion('req_1')),
      exportDir,
    });
    bus.emit('server.listening', { url: 'http://127.0.0.1:6001', config_path: 'aisix.yaml', aliases: ['gpt'], auth: true, budget_usd: null });
    bus.emit('request.finished', finishedEvent('req_1', { route: '/v1/chat/completions' }));
    await tick(120);
    stdin.send('\r');
    await tick(60);
    stdin.send('e');
    await tick(60);
    stdin.send('q');
    await tui.waitUntilExit();
    const script = readFileSync(join(exportDir, 'aisix-request-req_1.curl.sh'), 'utf8');
    expect(script).toContain("'http://127.0.0.1:6001/v1/chat/completions'");
    expect(existsSync(join(exportDir, 'aisix-request-req_1.json'))).toBe(true);
    const out = strip(stdout.output);
    expect(out).toContain('system: Be terse.');
    expect(out).toContain(`exported to ${exportDir}/aisix-request-req_1.json`);
  });
});
