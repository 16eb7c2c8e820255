// Duplicate keys, which JSON.parse drops silently (the last one wins; an upstream may read the
// first). A full parse that holds fewer keys than the scan counted members had duplicates;
// finding which key (for the 400's message) takes one more walk, on that rare path only.
import { skipString } from './json-scan.js';

/** Keys of every object inside a parsed JSON value (walked without recursion). */
export function countKeys(root: unknown): number {
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (const child of node as unknown[]) if (typeof child === 'object' && child !== null) stack.push(child);
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key in record) {
      count++;
      const child = record[key];
      if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
  return count;
}

/** The first key that repeats within one object of the JSON text `b[start, end)` (known valid), or null. */
export function firstDuplicateKey(b: Buffer, start = 0, end = b.length): string | null {
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = start; i < end;) {
    const c = b[i];
    if (c === 0x22) {
      const from = i;
      i = skipString(b, i + 1);
      const keys = stack[stack.length - 1];
      if (expectKey && keys !== undefined && keys !== null) {
        const key = JSON.parse(b.toString('utf8', from, i)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      expectKey = false;
      continue;
    }
    if (c === 0x7b) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b) {
      stack.push(null);
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    } else if (c === 0x2c) {
      expectKey = (stack[stack.length - 1] ?? null) !== null;
    }
    i++;
  }
  return null;
}
