// A fake terminal for mounting the real TUI (mountTui) in tests: a stdout that records everything
// written (Ink under CI writes only at unmount) and a raw-mode stdin that `send`s keys. Importing
// it also gives vitest's console the `Console` constructor Ink patches the console with.
import { Console } from 'node:console';
import { EventEmitter } from 'node:events';

Object.assign(console, { Console });

export class FakeStdout extends EventEmitter {
  output = '';
  constructor(
    readonly isTTY = false,
    public columns = 120,
    public rows = 30,
  ) {
    super();
  }
  write(chunk: string): boolean {
    this.output += chunk;
    return true;
  }
}

export class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  send(data: string): void {
    this.data = data;
    this.emit('readable');
  }
  read(): string | null {
    const { data } = this;
    this.data = null;
    return data;
  }
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}
