// The output queue every line-oriented reporter writes through (stdout lines, NDJSON, the log
// file). Lines are collected and written once per event-loop turn: under load that is one write
// syscall for many requests instead of one each. It honours backpressure: once `write()` returns
// false nothing more is written until 'drain', and lines keep queueing meanwhile. The queue is
// bounded (`maxPending`, default 8 Mi characters): past it the oldest whole lines are dropped and
// counted, and the next write after the drain starts with one notice line saying how many.
// `flush()` writes everything queued now, backpressure or not (shutdown).

export const DEFAULT_MAX_PENDING = 8 * 1024 * 1024;

export interface BatchedWriterOptions {
  /** characters queued at most while the stream is not draining (default 8 Mi) */
  maxPending?: number;
  /** the notice line (with its `\n`) written where lines were dropped */
  dropNotice?: (dropped: number) => string;
  /** told when that notice is written (e.g. to raise a warning elsewhere too) */
  onDropped?: (dropped: number) => void;
  /** runs the batched write later (default setImmediate); injectable for tests */
  schedule?: (run: () => void) => void;
}

export interface BatchedWriter {
  /** queues whole lines (each ending in `\n`) */
  write(text: string): void;
  /** writes everything queued now, even while waiting for 'drain' */
  flush(): void;
  /** lines dropped so far (the cap was reached) */
  readonly dropped: number;
  /** true while a write returned false and 'drain' has not come yet */
  readonly waiting: boolean;
}

function defaultNotice(dropped: number): string {
  return `aisix: warning: ${dropped} ${dropped === 1 ? 'line' : 'lines'} of output dropped (the output was not being read fast enough)\n`;
}

function lineCount(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) n++;
  return Math.max(1, n);
}

export function createBatchedWriter(out: NodeJS.WritableStream, options: BatchedWriterOptions = {}): BatchedWriter {
  const maxPending = Math.max(0, options.maxPending ?? DEFAULT_MAX_PENDING);
  const notice = options.dropNotice ?? defaultNotice;
  const schedule = options.schedule ?? ((run: () => void) => void setImmediate(run));
  // a FIFO of queued texts: `head` is the oldest still queued (dropping is O(1))
  let queue: string[] = [];
  let head = 0;
  let pending = 0;
  let scheduled = false;
  let waiting = false;
  let unreported = 0;
  let droppedTotal = 0;

  const take = (): string => {
    let text = '';
    if (unreported > 0) {
      const n = unreported;
      unreported = 0;
      text = notice(n);
      options.onDropped?.(n);
    }
    if (head < queue.length) text += (head === 0 ? queue : queue.slice(head)).join('');
    queue = [];
    head = 0;
    pending = 0;
    return text;
  };

  const writeOut = (): void => {
    const text = take();
    if (text === '') return;
    if (!out.write(text) && !waiting) {
      waiting = true;
      out.once('drain', onDrain);
    }
  };

  function onDrain(): void {
    waiting = false;
    writeOut();
  }

  const run = (): void => {
    scheduled = false;
    if (!waiting) writeOut();
  };

  return {
    write(text) {
      if (text === '') return;
      queue.push(text);
      pending += text.length;
      while (pending > maxPending && head < queue.length) {
        const oldest = queue[head] ?? '';
        queue[head++] = '';
        pending -= oldest.length;
        const n = lineCount(oldest);
        unreported += n;
        droppedTotal += n;
      }
      if (head > 1024 && head * 2 > queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
      if (!scheduled && !waiting) {
        scheduled = true;
        schedule(run);
      }
    },
    flush: writeOut,
    get dropped() {
      return droppedTotal;
    },
    get waiting() {
      return waiting;
    },
  };
}
