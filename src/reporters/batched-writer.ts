// Collects the lines reporters print and writes them once per event-loop turn: under load that is
// one write syscall for many requests instead of one each. `flush()` empties it now (shutdown).
export interface BatchedWriter {
  write(text: string): void;
  flush(): void;
}

export function createBatchedWriter(out: NodeJS.WritableStream): BatchedWriter {
  let buffered = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (buffered === '') return;
    const text = buffered;
    buffered = '';
    out.write(text);
  };
  return {
    write(text) {
      buffered += text;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
