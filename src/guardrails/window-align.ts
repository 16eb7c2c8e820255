// Where a cut in a text falls in its masked form (window mode): the masker (evaluate, as in hold
// mode) returns the masked text whole; releasing a stream delta by delta needs, for the end of each
// released delta, the matching position in the masked text. A shortest edit script (Myers) lines
// the two up; a cut inside a rewritten span moves to the span's end, so a mask straddling two
// deltas goes out whole with the first and the second loses what it already covered.

/** Runs of the alignment: `same` characters equal in both, or `from` characters rewritten as `to`. */
type Run = { same: number } | { from: number; to: number };

export interface Cut {
  /** the position in the original text (the requested cut, or the end of the span it fell into) */
  readonly from: number;
  /** the matching position in the masked text */
  readonly to: number;
}

export class Alignment {
  private readonly runs: Run[] | null;

  /** null when the texts are too far apart to line up within `maxEdits` (the caller waits) */
  static of(from: string, to: string, maxEdits = 1024): Alignment | null {
    if (from === to) return new Alignment([{ same: from.length }]);
    const runs = editRuns(from, to, maxEdits);
    return runs === null ? null : new Alignment(runs);
  }

  /** Everything rewritten as one span after the common prefix, before the common suffix (always lines up). */
  static coarse(from: string, to: string): Alignment {
    let p = 0;
    while (p < from.length && p < to.length && from[p] === to[p]) p++;
    let s = 0;
    while (s < from.length - p && s < to.length - p && from[from.length - 1 - s] === to[to.length - 1 - s]) s++;
    return new Alignment([{ same: p }, { from: from.length - p - s, to: to.length - p - s }, { same: s }]);
  }

  private constructor(runs: Run[]) {
    this.runs = runs;
  }

  map(cut: number): Cut {
    let from = 0;
    let to = 0;
    for (const run of this.runs ?? []) {
      if ('same' in run) {
        if (cut <= from + run.same) return { from: cut, to: to + (cut - from) };
        from += run.same;
        to += run.same;
        continue;
      }
      if (cut <= from) return { from, to };
      from += run.from;
      to += run.to;
      if (cut <= from) return { from, to };
    }
    return { from, to };
  }
}

/** One round's furthest-reaching x per diagonal k, kept for diagonals -d-1 … d+1 only. */
interface Round {
  readonly d: number;
  readonly xs: Int32Array;
}

const xAt = (round: Round, k: number): number => round.xs[k + round.d + 1] as number;

/** Myers' O(ND) shortest edit script as runs; null past `maxEdits` edits. */
function editRuns(a: string, b: string, maxEdits: number): Run[] | null {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Round[] = [];
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number));
      let x = down ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a.charCodeAt(x) === b.charCodeAt(y)) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        trace.push({ d, xs: v.slice(offset - d - 1, offset + d + 2) });
        return backtrack(trace, n, m);
      }
    }
    trace.push({ d, xs: v.slice(offset - d - 1, offset + d + 2) });
  }
  return null;
}

/** Walks the trace back into runs of equal and rewritten characters (adjacent edits merged). */
function backtrack(trace: Round[], n: number, m: number): Run[] {
  const ops: ('=' | '-' | '+')[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d > 0; d--) {
    const before = trace[d - 1] as Round;
    const k = x - y;
    const down = k === -d || (k !== d && xAt(before, k - 1) < xAt(before, k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = xAt(before, prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push('=');
      x--;
      y--;
    }
    ops.push(down ? '+' : '-');
    if (down) y--;
    else x--;
  }
  while (x > 0 && y > 0) {
    ops.push('=');
    x--;
    y--;
  }
  ops.reverse();
  const runs: Run[] = [];
  for (const op of ops) {
    const last = runs[runs.length - 1];
    if (op === '=') {
      if (last !== undefined && 'same' in last) last.same++;
      else runs.push({ same: 1 });
    } else if (last !== undefined && !('same' in last)) {
      if (op === '-') last.from++;
      else last.to++;
    } else runs.push(op === '-' ? { from: 1, to: 0 } : { from: 0, to: 1 });
  }
  return runs;
}
