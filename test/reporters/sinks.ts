// Test sinks for reporter output: a Writable whose write() returns false (backpressure) until the
// test calls `drain()`, recording every chunk; and a manual scheduler for the batched writer.
import { Writable } from 'node:stream';

export class SlowSink extends Writable {
  readonly chunks: string[] = [];
  /** while true, write() accepts the chunk but returns false, as a full pipe does */
  full = true;

  override write(chunk: unknown): boolean {
    this.chunks.push(String(chunk));
    return !this.full;
  }

  /** the pipe emptied: 'drain', and later writes succeed (until `full` is set again) */
  drain(): void {
    this.full = false;
    this.emit('drain');
  }

  text(): string {
    return this.chunks.join('');
  }

  lines(): string[] {
    return this.text().split('\n').filter((l) => l !== '');
  }
}

/** Runs the batched writer's scheduled writes only when the test says so. */
export function manualSchedule(): { schedule: (run: () => void) => void; turn(): void; pending(): number } {
  const runs: (() => void)[] = [];
  return {
    schedule: (run) => void runs.push(run),
    turn: () => {
      for (const run of runs.splice(0)) run();
    },
    pending: () => runs.length,
  };
}
